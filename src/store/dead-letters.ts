/** What both stores do alike with a dead letter before keeping it. */

import { createHash } from 'node:crypto';
import { DEFAULT_DEAD_LETTER_LIMITS, deadLetterPool, type DeadLetter, type DeadLetterLimits, type DeadLetterPool } from './store.js';
import { type DeadLetterStoreOptions } from './store.js';

export interface PreparedDeadLetter {
  dl: DeadLetter;
  json: string;
  /** UTF-8 bytes of `json`: what the byte cap counts. */
  bytes: number;
  pool: DeadLetterPool;
  /** Empty when there is no body to dedup on. */
  sha: string;
}

export function prepareDeadLetter(input: DeadLetter): PreparedDeadLetter {
  // `count` belongs to the store, never to the stored record.
  const { count: _count, bodySha256: _sha, ...rest } = input;
  const pool = deadLetterPool(rest);
  // Rejected webhooks dedup on their body; failed deliveries on their id (one per job and channel).
  const sha = pool === 'rejected' && typeof input.body === 'string' ? createHash('sha256').update(input.body, 'utf8').digest('hex') : '';
  const dl: DeadLetter = sha ? { ...rest, bodySha256: sha } : rest;
  const json = JSON.stringify(dl);
  return { dl, json, bytes: Buffer.byteLength(json, 'utf8'), pool, sha };
}

export interface DeadLetterSettings {
  limits: DeadLetterLimits;
  now: () => number;
  onDrop: (pool: DeadLetterPool, dropped: number) => void;
}

export function deadLetterSettings(opts: DeadLetterStoreOptions = {}): DeadLetterSettings {
  const onDrop = opts.onDrop;
  return {
    limits: { ...DEFAULT_DEAD_LETTER_LIMITS, ...opts.limits },
    now: opts.now ?? Date.now,
    onDrop: (pool, dropped) => {
      if (dropped > 0) onDrop?.(pool, dropped);
    },
  };
}

export function withCount(dl: DeadLetter, count: number | null | undefined): DeadLetter {
  return count && count > 1 ? { ...dl, count } : dl;
}
