/** Helpers shared by the Bugsee normalizers. Pure. */

import {
  KIND_OF,
  SUBJECT_OF,
  type Actor,
  type BugseeEventType,
  type Changes,
  type Event,
  type Link,
  type Person,
} from '../../events.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import type { BugseeEnvelope, Changes as PayloadChanges, Person as PayloadPerson } from './schema.js';

/** Events Bugsee itself raises (regression detection, missing symbols). */
export const BUGSEE_SYSTEM_ACTOR: Actor = { type: 'system', name: 'Bugsee' };

/** Null and undefined mean the same thing in Bugsee payloads; the event model only has "absent". */
export function opt<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

/** Drops keys whose value is undefined, so a partial state patch never erases a known field. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function personOf(person: PayloadPerson | null | undefined): Person | undefined {
  if (!person) return undefined;
  const name = opt(person.name)?.trim() || undefined;
  const email = opt(person.email)?.trim() || undefined;
  if (!name && !email) return undefined;
  return compact({ name, email });
}

export function actorOf(person: PayloadPerson | null | undefined): Actor | null {
  const p = personOf(person);
  if (!p) return null;
  return compact({ type: 'user' as const, name: p.name ?? p.email ?? 'unknown', email: p.email });
}

export function labelOf(person: Person | undefined, fallback: string): string {
  return person?.name ?? person?.email ?? fallback;
}

/** Payload URLs only ever become link buttons; anything but http(s) is dropped. */
export function httpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function links(...candidates: Array<[label: string, url: string | null | undefined]>): Link[] {
  const out: Link[] = [];
  for (const [label, raw] of candidates) {
    const url = httpUrl(raw);
    if (url && !out.some((l) => l.url === url)) out.push({ label, url });
  }
  return out;
}

export function changesOf(changes: PayloadChanges | null | undefined): Changes | undefined {
  if (!changes) return undefined;
  return Object.fromEntries(
    Object.entries(changes).map(([field, change]) => [field, { from: change.from ?? null, to: change.to ?? null }]),
  );
}

/** The envelope's `created_on`, else the delivery timestamp, else the time we received it. */
export function eventTime(createdOn: string | null | undefined, meta: NormalizeMeta): string {
  if (createdOn) {
    const parsed = new Date(createdOn);
    if (!Number.isNaN(parsed.getTime())) return parsed.toISOString();
  }
  return (meta.sourceTimestamp ?? meta.receivedAt).toISOString();
}

export type EventParts<T extends BugseeEventType> = Pick<
  Event<T>,
  'threadKey' | 'routing' | 'actor' | 'title' | 'links' | 'filters' | 'state' | 'detail'
> & { subjectId: string };

export function makeEvent<T extends BugseeEventType>(
  type: T,
  envelope: BugseeEnvelope,
  meta: NormalizeMeta,
  parts: EventParts<T>,
): Event<T> {
  const { subjectId, ...rest } = parts;
  return {
    id: meta.deliveryId,
    type,
    source: 'bugsee',
    kind: KIND_OF[type],
    subject: { kind: SUBJECT_OF[type], id: subjectId },
    time: eventTime(envelope.created_on, meta),
    receivedAt: meta.receivedAt.toISOString(),
    ...rest,
    filters: compact(rest.filters),
  };
}
