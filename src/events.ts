/**
 * The normalized event model. Only `src/sources/<source>/` knows payload shapes; everything after
 * `normalize` speaks `Event`. One name per event type: `source.resource.action`.
 *
 * Nothing here names a source: the event types, subjects and kinds are derived from the sources'
 * event tables, listed once in `src/sources/index.ts`.
 */

import type { KnownKind, KnownSource, SourceEventType, Subjects, TableOf } from './sources/catalog.js';

/** Every event type of every source, e.g. `sentry.issue.resolved`. */
export type EventType = SourceEventType;
export type Source = KnownSource;
/** Subscription kinds, as typed in `/threadline subscribe`, plus internal ones (`installation`). */
export type Kind = KnownKind;
export type SubjectKind = keyof Subjects;
export type SubjectStates = { [S in SubjectKind]: Subjects[S]['state'] };
export type SubjectDetails = { [S in SubjectKind]: Subjects[S]['detail'] };
/** Which subject an event type is about. */
export type SubjectOf<T extends EventType> = TableOf<T>['subject'];
/** Which subscription kind an event type belongs to. */
export type KindOf<T extends EventType> = TableOf<T>['kind'];

export interface Actor {
  /** `user` is a person; `application` an integration (maybe us); `system` the source itself. */
  type: 'user' | 'application' | 'system';
  id?: string;
  name: string;
  email?: string;
}

export interface Link {
  label: string;
  url: string;
}

export interface Person {
  name?: string;
  email?: string;
}

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** What a source's routing needs; each source reads its own fields (see its definition's `targets`). */
export interface Routing {
  /** Sentry org slug. */
  org?: string;
  /** Sentry project slug. */
  project?: string;
  /** Every project, when the event concerns several (a metric alert rule over many projects). */
  projects?: string[];
  /** Bugsee app key. */
  appKey?: string;
  /** Sentry installation uuid, for org lookup and API tokens. */
  installationUuid?: string;
  /** Sentry issue (group) id, always a decimal string. */
  groupId?: string;
  /** A source's own routing facts, for sources that need others. */
  [field: string]: string | string[] | undefined;
}

/** Facts that subscription filters test. Absent means "unknown": a filter on it does not match. */
export interface FilterFacts {
  level?: string;
  environment?: string;
  severity?: string;
  branch?: string;
  /** Largest size growth in percent across components (builds only); negative for a shrink. */
  sizeDeltaPct?: number;
}

type StateOf<S extends string> = S extends SubjectKind ? Partial<SubjectStates[S]> : Record<string, unknown>;
type DetailOf<S extends string> = S extends SubjectKind ? SubjectDetails[S] : unknown;

/**
 * One normalized event. `state` is the part of the subject's state this event knows (merged into
 * the thread's state by event time); `detail` is what only this event says (for the reply).
 * `S` is the subject kind; known types derive it from their source's table.
 */
export interface Event<T extends string = EventType, S extends string = SubjectOf<Extract<T, EventType>>> {
  /** Dedup identity of the delivery: Request-ID, envelope id, or body sha256. */
  id: string;
  type: T;
  source: string;
  kind: string;
  subject: { kind: S; id: string };
  /** Namespaced thread key, or null for a standalone message. */
  threadKey: string | null;
  routing: Routing;
  /** ISO time the event happened (payload time, else the delivery timestamp, else receipt). */
  time: string;
  /** ISO time we received it. */
  receivedAt: string;
  actor: Actor | null;
  title: string;
  links: Link[];
  filters: FilterFacts;
  state: StateOf<S>;
  detail: DetailOf<S>;
}

/** An event of one of the listed sources' types, narrowed by `type`. */
export type AnyEvent = { [T in EventType]: Event<T, SubjectOf<T>> }[EventType];

/**
 * What the pipeline, the queue and delivery handle: any source's event, including a source
 * registered from outside the built-in list (a test source). They never look inside `state`.
 */
export type PipelineEvent = Event<string, string>;

/** Event types that can reach a channel. */
export type DeliverableEventType = { [T in EventType]: KindOf<T> extends 'installation' ? never : T }[EventType];
