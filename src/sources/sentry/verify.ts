import { createHmac, timingSafeEqual } from 'node:crypto';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Sentry signs the raw body bytes with HMAC-SHA256 (hex). The body must never be re-serialised:
 * any whitespace or key-order difference would change the digest. Every configured secret is
 * tried (rotation) without short-circuiting, so timing does not reveal which one matched.
 */
export function verifySentrySignature(body: Buffer, signatureHeader: string | undefined, secrets: string[]): boolean {
  if (!signatureHeader) return false;
  const candidate = signatureHeader.trim();
  if (!HEX_SHA256.test(candidate)) return false;
  const given = Buffer.from(candidate, 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = createHmac('sha256', secret).update(body).digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}

/** The signature Sentry would send for `body` (used by tests and the replay tool). */
export function signSentryBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
