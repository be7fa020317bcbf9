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

/** The tokens a delivery carries (header, then query). */
export function bugseeTokens(delivery: RawDelivery): string[] {
  return [delivery.headers['x-bugsee-token'], delivery.query.token].filter((t): t is string => typeof t === 'string' && t !== '');
}

export function checkBugseeToken(delivery: RawDelivery, secret: string): VerifyResult {
  const candidates = bugseeTokens(delivery);
  if (candidates.length === 0) return { ok: false, reason: 'missing' };
  if (!secret) return { ok: false, reason: 'mismatch' };
  let ok = false;
  // Compare every candidate (no early exit) so timing does not tell which one matched.
  for (const candidate of candidates) ok = sameSecret(candidate, secret) || ok;
  return ok ? { ok: true } : { ok: false, reason: 'mismatch' };
}

export function verifyBugseeToken(delivery: RawDelivery, secret: string): boolean {
  return checkBugseeToken(delivery, secret).ok;
}
