/** Small pure helpers of the Sentry normalizers (the ones every source shares are in `../kit/normalize.ts`). */

import type { Actor, Routing } from '../../events.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { compact, opt } from '../kit/normalize.js';

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

/** An event's routing: what it names, plus the installation that sent it (for the org and tokens). */
export function routingOf(p: { installation?: { uuid?: string | null } | null }, facts: Omit<Routing, 'installationUuid'>): Routing {
  return { installationUuid: opt(p.installation?.uuid), ...facts };
}
