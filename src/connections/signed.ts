/**
 * Short-lived signed values (the connect link's state, its cookie): a JSON payload with an expiry,
 * HMAC-SHA256 under a key derived per purpose, so a value made for one purpose (a state) never
 * passes for another (a cookie). Compared in constant time.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';

function keyFor(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`threadline:${purpose}`).digest();
}

function mac(secret: string, purpose: string, body: string): Buffer {
  return createHmac('sha256', keyFor(secret, purpose)).update(body).digest();
}

/** `payload` plus an expiry `ttlMs` from `now`, as `<base64url json>.<base64url mac>`. */
export function sign(secret: string, purpose: string, payload: Record<string, string>, ttlMs: number, now: number): string {
  const body = Buffer.from(JSON.stringify({ ...payload, exp: now + ttlMs }), 'utf8').toString('base64url');
  return `${body}.${mac(secret, purpose, body).toString('base64url')}`;
}

export type Verified<T> = { ok: true; payload: T } | { ok: false; reason: 'forged' | 'expired' };

/** The payload when the value is ours, for `purpose`, and not expired. */
export function verify<T extends Record<string, string>>(
  secret: string,
  purpose: string,
  value: string | undefined,
  now: number,
): Verified<T> {
  if (!value || value.length > 4096) return { ok: false, reason: 'forged' };
  const dot = value.indexOf('.');
  if (dot <= 0) return { ok: false, reason: 'forged' };
  const body = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), 'base64url');
  const want = mac(secret, purpose, body);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, reason: 'forged' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'forged' };
  }
  const rec = parsed as Record<string, unknown> & { exp?: unknown };
  if (typeof rec !== 'object' || rec === null || typeof rec.exp !== 'number') return { ok: false, reason: 'forged' };
  if (rec.exp <= now) return { ok: false, reason: 'expired' };
  const { exp: _exp, ...payload } = rec;
  return { ok: true, payload: payload as T };
}
