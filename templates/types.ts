import type { types } from '@slack/bolt';
import type { DeliverableEventType, Event, EventType, SubjectKind, SubjectOf, SubjectStates } from '../src/events.js';

export type Block = types.KnownBlock;
export type HeaderBlock = types.HeaderBlock;
export type SectionBlock = types.SectionBlock;
export type ContextBlock = types.ContextBlock;
export type ActionsBlock = types.ActionsBlock;
export type DividerBlock = types.DividerBlock;
export type ActionsElement = ActionsBlock['elements'][number];
export type Button = types.Button;

/** What chat.postMessage / chat.update take: `text` is the notification and screen-reader fallback. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export interface RenderExtras {
  /** Last ≤ 10 download sizes in bytes, oldest first, same app + package (Bugsee builds). */
  sizeTrend?: number[];
  /** Growth in percent at or above which a size change is flagged as a regression. */
  regressionThresholdPct: number;
  /** The last change made from Slack (a button), shown "by …" on the card. */
  lastAction?: { by: string; text: string };
  /**
   * Which URLs may become links or link buttons (see `links.ts`); others are shown as text.
   * Unset: the fixed hosts only (`DEFAULT_LINK_POLICY`).
   */
  linkAllowed?: (href: string) => boolean;
  /**
   * False when the event's source cannot act from Slack (its API is not configured): the card then
   * links to the source instead of offering buttons that could only fail. Unset: buttons shown.
   */
  canAct?: boolean;
  /**
   * Slack user ids by lower-cased email, for the people this channel may @-mention (an
   * assignee). Absent or missing an email: the person is named instead.
   */
  mentions?: Readonly<Record<string, string>>;
  /**
   * Permalinks of other threads' parents in this channel, by base thread key: the threads this
   * event's messages point at (a Seer run's issue, a link event's other end). Absent: no link.
   */
  threadLinks?: Readonly<Record<string, string>>;
  /** The assignee of the thread this event relates to (a Seer run's issue), for its mention. */
  relatedAssignee?: { type?: string; id?: string; name?: string; email?: string };
}

/** Every event type whose subject is `S`. */
export type EventTypeOf<S extends SubjectKind> = { [T in EventType]: SubjectOf<T> extends S ? T : never }[EventType];

/** An event of subject `S`: `type` is the union of that subject's types, `detail` its details. */
export type EventOf<S extends SubjectKind> = Event<EventTypeOf<S>>;

export interface RenderInput<S extends SubjectKind> {
  event: EventOf<S>;
  /** The thread's merged current state; it already includes this event's patch. */
  state: Partial<SubjectStates[S]>;
  extras: RenderExtras;
}

export interface Template<S extends SubjectKind> {
  /** The parent message: always the subject's current state. */
  card(input: RenderInput<S>): SlackMessage;
  /** What this one event adds to the thread; null when it has nothing to say. */
  reply(input: RenderInput<S>): SlackMessage | null;
}

export type TemplateTable = { [T in DeliverableEventType]: Template<SubjectOf<T>> };
