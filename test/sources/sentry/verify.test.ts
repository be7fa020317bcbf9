import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySentrySignature } from '../../../src/sources/sentry/verify.js';

const sign = (body: Buffer | string, secret: string) => createHmac('sha256', secret).update(body).digest('hex');

describe('verifySentrySignature', () => {
  const body = Buffer.from('{"action":"created","data":{"issue":{"id":"1170820242","title":"💥 ✓"}}}');

  it('accepts the hex HMAC-SHA256 of the body', () => {
    expect(verifySentrySignature(body, sign(body, 's3cret'), ['s3cret'])).toBe(true);
  });

  it('accepts upper-case hex and surrounding whitespace', () => {
    expect(verifySentrySignature(body, ` ${sign(body, 's3cret').toUpperCase()} `, ['s3cret'])).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    expect(verifySentrySignature(body, sign(body, 'other'), ['s3cret'])).toBe(false);
  });

  it('refuses a missing, empty, short or non-hex signature', () => {
    const good = sign(body, 's3cret');
    expect(verifySentrySignature(body, undefined, ['s3cret'])).toBe(false);
    expect(verifySentrySignature(body, '', ['s3cret'])).toBe(false);
    expect(verifySentrySignature(body, good.slice(0, 63), ['s3cret'])).toBe(false);
    expect(verifySentrySignature(body, `${good}00`, ['s3cret'])).toBe(false);
    expect(verifySentrySignature(body, 'z'.repeat(64), ['s3cret'])).toBe(false);
  });

  it('refuses everything when no secret is configured', () => {
    expect(verifySentrySignature(body, sign(body, ''), [])).toBe(false);
    expect(verifySentrySignature(body, sign(body, ''), [''])).toBe(false);
  });

  it('accepts any of several secrets (rotation)', () => {
    expect(verifySentrySignature(body, sign(body, 'old'), ['new', 'old'])).toBe(true);
    expect(verifySentrySignature(body, sign(body, 'new'), ['new', 'old'])).toBe(true);
    expect(verifySentrySignature(body, sign(body, 'older'), ['new', 'old'])).toBe(false);
  });

  it('verifies the exact bytes: re-serialised JSON is a different body', () => {
    const raw = Buffer.from('{ "action" : "created",\n  "data": {"issue": {"id": 1170820242}} }');
    const reserialised = JSON.stringify(JSON.parse(raw.toString('utf8')));
    expect(reserialised).not.toBe(raw.toString('utf8'));
    expect(verifySentrySignature(raw, sign(raw, 's3cret'), ['s3cret'])).toBe(true);
    expect(verifySentrySignature(raw, sign(reserialised, 's3cret'), ['s3cret'])).toBe(false);
    expect(verifySentrySignature(Buffer.from(reserialised), sign(raw, 's3cret'), ['s3cret'])).toBe(false);
  });

  it('is over bytes, not characters: one changed byte fails', () => {
    const tampered = Buffer.from(body);
    tampered[tampered.length - 3] ^= 1;
    expect(verifySentrySignature(tampered, sign(body, 's3cret'), ['s3cret'])).toBe(false);
  });
});
