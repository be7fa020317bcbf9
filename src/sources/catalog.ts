/**
 * The event tables of the built-in sources, and what derives from them: the list of event types,
 * and each type's subject and kind. `../events.ts` derives its types from here.
 */

import type { AnyEvent } from '../events.js';
import type { NormalizeMeta } from '../ingest/types.js';
import { BUGSEE_EVENTS } from './bugsee/events.js';
import { normalizeWith, parseWith } from './kit/table.js';
import type { BugseeSubjects } from './bugsee/subjects.js';
import { SENTRY_EVENTS } from './sentry/events.js';
import type { SentrySubjects } from './sentry/subjects.js';

export const EVENT_TABLES = { sentry: SENTRY_EVENTS, bugsee: BUGSEE_EVENTS };

type Tables = typeof EVENT_TABLES;
export type KnownSource = keyof Tables;
export type SourceEventType = { [S in KnownSource]: keyof Tables[S] & string }[KnownSource];
/** The table row of event type `T`. */
export type TableOf<T extends SourceEventType> = { [S in KnownSource]: T extends keyof Tables[S] ? Tables[S][T] : never }[KnownSource];
export type KnownKind = TableOf<SourceEventType>['kind'];
export interface Subjects extends SentrySubjects, BugseeSubjects {}

type Row = { subject: string; kind: string };
const ROWS: Record<string, Row> = Object.assign({}, ...Object.values(EVENT_TABLES));

export const EVENT_TYPES = Object.keys(ROWS) as SourceEventType[];

/** Which subject each event type is about. */
export const SUBJECT_OF = Object.fromEntries(EVENT_TYPES.map((t) => [t, ROWS[t].subject])) as {
  [T in SourceEventType]: TableOf<T>['subject'];
};
/** Which subscription kind each event type belongs to. */
export const KIND_OF = Object.fromEntries(EVENT_TYPES.map((t) => [t, ROWS[t].kind])) as { [T in SourceEventType]: TableOf<T>['kind'] };

/** Parses and normalizes a body of a known type, throwing when it does not parse: for tools and tests. */
export function normalizeKnown(type: SourceEventType, json: unknown, meta: NormalizeMeta): AnyEvent {
  const table = EVENT_TABLES[type.slice(0, type.indexOf('.')) as KnownSource];
  const parsed = parseWith(table, type, json);
  if (!parsed.ok) throw new Error(`${type} does not parse: ${JSON.stringify(parsed.issues)}`);
  return normalizeWith(table, type, parsed.payload, meta) as AnyEvent;
}
