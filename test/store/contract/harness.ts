/**
 * What every part of the store contract shares: the harness a suite provides, the state of the
 * running test, and fixtures.
 */

import { randomUUID } from 'node:crypto';
import type { DeadLetter, DeadLetterStoreOptions, Store, Subscription } from '../../../src/store/store.js';
import { subscription } from '../../helpers/subscription.js';

export interface StoreHarness {
  store: Store;
  /** A new store on the same data (same file / same prefix), e.g. after `store.close()`. */
  reopen: () => Promise<Store>;
  /** Closes what is still open and deletes the data. */
  cleanup: () => Promise<void>;
}

/** Options a contract test may give the store it makes. */
export interface StoreOptions {
  deadLetters?: DeadLetterStoreOptions;
}

export type MakeStore = (opts?: StoreOptions) => Promise<StoreHarness>;

/**
 * A harness over stores that `open` makes on the same data: `reopen` makes another, `cleanup`
 * closes every one of them and then runs `dropData` (delete the file, the prefix).
 */
export function harnessOf(open: () => Store, dropData: () => Promise<void> | void = () => undefined): StoreHarness {
  const opened: Store[] = [];
  const make = () => {
    const s = open();
    opened.push(s);
    return s;
  };
  return {
    store: make(),
    reopen: async () => make(),
    cleanup: async () => {
      for (const s of opened) await s.close();
      await dropData();
    },
  };
}

/** The running test's store (fresh and empty for each test), and how to make another. */
export interface ContractState {
  readonly h: StoreHarness;
  readonly store: Store;
  readonly reopened: Store[];
  readonly make: MakeStore;
  /** Makes a store with options; cleaned up after the test. */
  extra(opts: StoreOptions): Promise<Store>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function sub(over: Partial<Subscription> = {}): Subscription {
  const { disabled: _none, ...base } = subscription({ id: randomUUID(), createdAt: new Date().toISOString() });
  return { ...base, ...over };
}

export function dead(id: string, over: Partial<DeadLetter> = {}): DeadLetter {
  return { id, source: 'sentry', reason: 'schema', body: '{"a":1}', createdAt: new Date().toISOString(), ...over };
}
