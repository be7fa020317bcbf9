/** Small pure helpers of the Bugsee normalizers (the ones every source shares are in `../kit/normalize.ts`). */

import type { Actor, Changes, Person } from '../../events.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { compact, opt } from '../kit/normalize.js';
import type { Changes as PayloadChanges, Person as PayloadPerson } from './schema.js';

/** Events Bugsee itself raises (regression detection, missing symbols). */
export const BUGSEE_SYSTEM_ACTOR: Actor = { type: 'system', name: 'Bugsee' };

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

/** The app fields every Bugsee card shows: its key, and its name and link when Bugsee sent them. */
export function appFields(app: { key: string; name?: string | null; url?: string | null }): {
  appKey: string;
  appName?: string;
  appUrl?: string;
} {
  return { appKey: app.key, appName: opt(app.name), appUrl: opt(app.url) };
}
