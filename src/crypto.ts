/**
 * Encryption at rest for stored tokens (Sentry installations, Slack installations), with
 * AES-256-GCM under THREADLINE_ENCRYPTION_KEY. Without a key, values are stored as they are
 * (the README says so); with one, a value that was stored plain is still read, so a key can be
 * introduced on a running deployment.
 *
 * Each sealed value is bound to the record it belongs to through GCM's associated data (the
 * `context`, e.g. `sentry:installation:<uuid>:token`): copied into another record it no longer
 * opens. Values sealed before that binding existed (`enc:v1:`, no associated data) still open, so
 * a deployment upgrades without losing its installations; they are sealed again as `enc:v2:` the
 * next time the record is written (a token refresh, a reinstall). A v2 value cannot be passed off
 * as v1: without its associated data the tag does not verify.
 */

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Cipher {
  /** False for the identity cipher: nothing is sealed, so records must not claim they are. */
  readonly sealing: boolean;
  encrypt(plain: string, context: string): string;
  decrypt(stored: string, context: string): string;
}

const LEGACY = 'enc:v1:';
const BOUND = 'enc:v2:';

export function parseKey(key: string): Buffer {
  const b = Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (b.length !== 32) throw new Error('THREADLINE_ENCRYPTION_KEY must decode to 32 bytes');
  return b;
}

/** True when `stored` was sealed by a key (any version), whatever the key. */
export function isSealed(stored: string): boolean {
  return stored.startsWith(LEGACY) || stored.startsWith(BOUND);
}

export function createCipher(key: string): Cipher {
  const k = parseKey(key);
  const open = (raw: Buffer, aad: Buffer | undefined): string => {
    const d = createDecipheriv('aes-256-gcm', k, raw.subarray(0, 12));
    if (aad) d.setAAD(aad);
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  };
  return {
    sealing: true,
    encrypt(plain, context) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', k, iv);
      c.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return BOUND + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    decrypt(stored, context) {
      if (stored.startsWith(BOUND)) return open(Buffer.from(stored.slice(BOUND.length), 'base64'), Buffer.from(context, 'utf8'));
      if (stored.startsWith(LEGACY)) return open(Buffer.from(stored.slice(LEGACY.length), 'base64'), undefined);
      return stored;
    },
  };
}

/** Identity cipher for deployments without a key. */
export const plainCipher: Cipher = { sealing: false, encrypt: (s) => s, decrypt: (s) => s };
