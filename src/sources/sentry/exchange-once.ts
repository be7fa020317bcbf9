/**
 * An installation's grant code is single-use, and two parties want it: the queued
 * `installation.created` webhook and the browser's redirect to `/sentry/setup`. Whichever claims
 * the exchange in the store first makes it and records the outcome; the other waits for that
 * outcome and never sends the code again (a second exchange would fail, and Sentry may then revoke).
 */

import { createHash } from 'node:crypto';
import type { KeyValue } from '../../store/store.js';
import type { SentryTokens } from './tokens.js';

export type ExchangeOutcome = 'exchanged' | 'refused' | 'unknown';

/** SHA-256 (hex) of a grant code: how a code is kept and compared. */
export const codeHash = (code: string) => createHash('sha256').update(code, 'utf8').digest('hex');

const claimKey = (uuid: string, hash: string) => `sentry:exchange:${uuid}:${hash}`;
const outcomeKey = (uuid: string, hash: string) => `sentry:exchange-outcome:${uuid}:${hash}`;

/** Grant codes live minutes; a day covers any retry of either party. */
const KEEP_SECONDS = 24 * 3600;

export interface ExchangeOnceDeps {
  store: Pick<KeyValue, 'claim' | 'getRecord' | 'setRecord'>;
  tokens: Pick<SentryTokens, 'exchangeCode'>;
  /** How long the loser waits for the winner's outcome. */
  waitMs?: number;
  pollMs?: number;
  now?: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `exchanged` when this code was exchanged for `uuid` (by us or by the other party), `refused`
 * when Sentry refused it, `unknown` when the other party's outcome did not arrive in time.
 * Exchange errors of the winner are recorded as `refused` and rethrown only as that outcome.
 */
export async function exchangeOnce(
  deps: ExchangeOnceDeps,
  uuid: string,
  code: string,
  org?: string,
): Promise<{ outcome: ExchangeOutcome; error?: unknown }> {
  const hash = codeHash(code);
  const now = deps.now ?? Date.now;
  if (await deps.store.claim(claimKey(uuid, hash), KEEP_SECONDS)) {
    try {
      await deps.tokens.exchangeCode(uuid, code, org);
      await deps.store.setRecord(outcomeKey(uuid, hash), 'exchanged', KEEP_SECONDS);
      return { outcome: 'exchanged' };
    } catch (error) {
      await deps.store.setRecord(outcomeKey(uuid, hash), 'refused', KEEP_SECONDS);
      return { outcome: 'refused', error };
    }
  }
  const deadline = now() + (deps.waitMs ?? 15_000);
  for (;;) {
    const outcome = await deps.store.getRecord<ExchangeOutcome>(outcomeKey(uuid, hash));
    if (outcome === 'exchanged' || outcome === 'refused') return { outcome };
    if (now() >= deadline) return { outcome: 'unknown' };
    await sleep(deps.pollMs ?? 100);
  }
}
