/**
 * One behavioural contract for every `Store`: the Redis and SQLite suites both run it, so the two
 * stay interchangeable. Each test gets a fresh, empty store (own key prefix or own file). One file
 * per part of the store.
 */

import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { connectionContract } from './connections.js';
import { deliveryStateContract } from './delivery-state.js';
import { deadLetterContract, deadLetterPolicyContract } from './dead-letters.js';
import type { ContractState, MakeStore, StoreHarness } from './harness.js';
import { installationContract } from './installations.js';
import { keyValueContract } from './key-value.js';
import { persistenceContract } from './persistence.js';
import { subscriptionContract } from './subscriptions.js';
import { threadContract } from './threads.js';

export type { MakeStore, StoreHarness, StoreOptions } from './harness.js';

export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    const extras: StoreHarness[] = [];
    const reopened: Store[] = [];
    const t: ContractState = {
      get h() {
        return h;
      },
      get store() {
        return h.store;
      },
      reopened,
      make: makeStore,
      async extra(opts) {
        const x = await makeStore(opts);
        extras.push(x);
        return x.store;
      },
    };

    beforeEach(async () => {
      h = await makeStore();
    });
    afterEach(async () => {
      for (const s of reopened.splice(0)) await s.close();
      for (const x of extras.splice(0)) await x.cleanup();
      await h.cleanup();
    });

    keyValueContract(t);
    subscriptionContract(t);
    threadContract(t);
    installationContract(t);
    connectionContract(t);
    deadLetterContract(t);
    deadLetterPolicyContract(t);
    persistenceContract(t);
    deliveryStateContract(t);
  });
}
