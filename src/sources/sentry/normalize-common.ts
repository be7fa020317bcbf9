/** Small pure helpers shared by the Sentry normalizers. */

import {
  KIND_OF,
  SUBJECT_OF,
  type Actor,
  type Event,
  type FilterFacts,
  type Link,
  type Routing,
  type SentryEventType,
  type SubjectDetails,
  type SubjectOf,
  type SubjectStates,
} from '../../events.js';
import type { NormalizeMeta } from '../../ingest/types.js';

/** Drops keys whose value is undefined, so patches never overwrite known state with "unknown". */
export function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** `string | null | undefined` → `string | undefined` (null means "not given" for most fields). */
export function opt<T>(v: T | null | undefined): T | undefined {
  return v === null ? undefined : v;
}

export function idString(v: string | number | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

export function toNumber(v: string | number | null | undefined): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * ISO time from an ISO string, a numeric string or a number. Numbers are unix seconds (Sentry's
 * event `timestamp`), or milliseconds when they are too large to be seconds.
 */
export function toIso(v: string | number | Date | null | undefined): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  let ms: number;
  if (typeof v === 'number' || /^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    ms = n > 1e12 ? n : n * 1000;
  } else {
    ms = Date.parse(v);
  }
  if (!Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString();
}

/** The first usable time among `candidates`, else the delivery timestamp, else receipt. */
export function pickTime(meta: NormalizeMeta, ...candidates: Array<string | number | Date | null | undefined>): string {
  for (const c of candidates) {
    const iso = toIso(c);
    if (iso) return iso;
  }
  return toIso(meta.sourceTimestamp) ?? meta.receivedAt.toISOString();
}

export interface RawActor {
  type?: string | null;
  id?: string | number | null;
  name?: string | null;
  email?: string | null;
}

/** Sentry's own automation (`id: "sentry"`) is the `system`; other apps are `application`. */
export function mapActor(a: RawActor | null | undefined): Actor | null {
  if (!a) return null;
  const id = idString(a.id);
  if (id === 'sentry') return { type: 'system', id, name: opt(a.name) || 'Sentry' };
  const type: Actor['type'] = a.type === 'user' ? 'user' : 'application';
  return compact({ type, id, name: opt(a.name) || id || 'unknown', email: opt(a.email) });
}

/** A link only when the URL is plain http(s): payload text must not smuggle other schemes into Slack. */
export function links(...items: Array<[label: string, url: string | null | undefined]>): Link[] {
  const out: Link[] = [];
  for (const [label, url] of items) {
    if (url && /^https?:\/\/[^\s]+$/i.test(url) && !out.some((l) => l.url === url)) out.push({ label, url });
  }
  return out;
}

export interface EventParts<T extends SentryEventType> {
  subjectId: string;
  threadKey: string | null;
  routing: Routing;
  time: string;
  actor: Actor | null;
  title: string;
  links?: Link[];
  filters?: FilterFacts;
  state: Partial<SubjectStates[SubjectOf<T>]>;
  detail: SubjectDetails[SubjectOf<T>];
}

export function buildEvent<T extends SentryEventType>(type: T, meta: NormalizeMeta, parts: EventParts<T>): Event<T> {
  return {
    id: meta.deliveryId,
    type,
    source: 'sentry',
    kind: KIND_OF[type],
    subject: { kind: SUBJECT_OF[type], id: parts.subjectId },
    threadKey: parts.threadKey,
    routing: compact(parts.routing),
    time: parts.time,
    receivedAt: meta.receivedAt.toISOString(),
    actor: parts.actor,
    title: parts.title,
    links: parts.links ?? [],
    filters: compact(parts.filters ?? {}),
    state: compact(parts.state),
    detail: parts.detail,
  };
}
