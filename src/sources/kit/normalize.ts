/**
 * The helpers every normalizer shares: one rule for "absent", one for links, one event builder.
 * Pure: no I/O, no clock.
 */

import type { Actor, Event, FilterFacts, Link, Routing } from '../../events.js';
import type { NormalizeMeta } from '../../ingest/types.js';

/** `null` means "not given" in the sources' payloads; the event model only has "absent". */
export function opt<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

/** Drops keys whose value is undefined, so a partial state patch never erases a known field. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A payload URL only when it parses as http(s): payload text must not smuggle other schemes into Slack. */
export function httpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Labelled links, each URL once, dropping what `httpUrl` refuses. */
export function links(...candidates: Array<[label: string, url: string | null | undefined]>): Link[] {
  const out: Link[] = [];
  for (const [label, raw] of candidates) {
    const url = httpUrl(raw);
    if (url && !out.some((l) => l.url === url)) out.push({ label, url });
  }
  return out;
}

/** What a normalizer knows about one event; the source's event table adds its kind and subject. */
export interface EventParts<State, Detail> {
  subjectId: string;
  threadKey: string | null;
  routing: Routing;
  time: string;
  actor: Actor | null;
  title: string;
  links?: Link[];
  filters?: FilterFacts;
  state: State;
  detail: Detail;
}

/** A normalizer's result: the event less what its table row says (`kind`, `subject.kind`). */
export type Draft<T extends string, State, Detail> = Omit<Event<T, string>, 'kind' | 'subject' | 'state' | 'detail'> & {
  subjectId: string;
  state: State;
  detail: Detail;
};

export function buildEvent<T extends string, State extends object, Detail>(
  type: T,
  meta: NormalizeMeta,
  parts: EventParts<State, Detail>,
): Draft<T, State, Detail> {
  return {
    id: meta.deliveryId,
    type,
    source: type.slice(0, type.indexOf('.')),
    subjectId: parts.subjectId,
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
