/**
 * Bugsee signs nothing: a webhook proves itself by carrying our shared secret, as the `token`
 * query parameter (`/webhooks/bugsee?token=…`) or the `X-Bugsee-Token` header.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { RawDelivery, VerifyResult } from '../../ingest/types.js';

/** Hashing first makes both sides 32 bytes, so the compare leaks neither content nor length. */
function sameSecret(given: string, secret: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** No secret we accept is longer; a longer token is refused before the body is read. */
export const MAX_TOKEN_LENGTH = 1024;

/** The tokens a delivery carries (header, then query). */
export function bugseeTokens(head: Pick<RawDelivery, 'headers' | 'query'>): string[] {
  return [head.headers['x-bugsee-token'], head.query.token].filter((t): t is string => typeof t === 'string' && t !== '');
}

/** Whether the request carries something that can be a token: checked before the body is read. */
export function checkBugseeTokenForm(head: Pick<RawDelivery, 'headers' | 'query'>): VerifyResult {
  const candidates = bugseeTokens(head);
  if (candidates.length === 0) return { ok: false, reason: 'missing' };
  if (candidates.some((t) => t.length > MAX_TOKEN_LENGTH)) return { ok: false, reason: 'malformed' };
  return { ok: true };
}

export function checkBugseeToken(delivery: RawDelivery, secret: string): VerifyResult {
  const form = checkBugseeTokenForm(delivery);
  if (!form.ok) return form;
  const candidates = bugseeTokens(delivery);
  if (!secret) return { ok: false, reason: 'mismatch' };
  let ok = false;
  // Compare every candidate (no early exit) so timing does not tell which one matched.
  for (const candidate of candidates) ok = sameSecret(candidate, secret) || ok;
  return ok ? { ok: true } : { ok: false, reason: 'mismatch' };
}

export function verifyBugseeToken(delivery: RawDelivery, secret: string): boolean {
  return checkBugseeToken(delivery, secret).ok;
}
