import { createHmac, timingSafeEqual } from 'node:crypto';
import type { VerifyResult } from '../../ingest/types.js';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Sentry signs the raw body bytes with HMAC-SHA256 (hex). The body must never be re-serialised:
 * any whitespace or key-order difference would change the digest. Every configured secret is
 * tried (rotation) without short-circuiting, so timing does not reveal which one matched.
 */
/** Whether the header can be a signature at all (64 hex digits): checked before the body is read. */
export function checkSentrySignatureForm(signatureHeader: string | undefined): VerifyResult {
  const candidate = signatureHeader?.trim();
  if (!candidate) return { ok: false, reason: 'missing' };
  if (!HEX_SHA256.test(candidate)) return { ok: false, reason: 'malformed' };
  return { ok: true };
}

export function checkSentrySignature(body: Buffer, signatureHeader: string | undefined, secrets: string[]): VerifyResult {
  const form = checkSentrySignatureForm(signatureHeader);
  if (!form.ok) return form;
  const given = Buffer.from((signatureHeader as string).trim(), 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = createHmac('sha256', secret).update(body).digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}

export function verifySentrySignature(body: Buffer, signatureHeader: string | undefined, secrets: string[]): boolean {
  return checkSentrySignature(body, signatureHeader, secrets).ok;
}

/** The signature Sentry would send for `body` (used by tests and the replay tool). */
export function signSentryBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
