/**
 * Encryption at rest for stored tokens (Sentry installations, Slack installations), with
 * AES-256-GCM under THREADLINE_ENCRYPTION_KEY. Without a key, values are stored as they are
 * (the README says so); with one, a value that was stored plain is still read, so a key can be
 * introduced on a running deployment.
 */

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface Cipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

const PREFIX = 'enc:v1:';

export function parseKey(key: string): Buffer {
  const b = Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (b.length !== 32) throw new Error('THREADLINE_ENCRYPTION_KEY must decode to 32 bytes');
  return b;
}

export function createCipher(key: string): Cipher {
  const k = parseKey(key);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', k, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    decrypt(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
      const d = createDecipheriv('aes-256-gcm', k, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

/** Identity cipher for deployments without a key. */
export const plainCipher: Cipher = { encrypt: (s) => s, decrypt: (s) => s };
