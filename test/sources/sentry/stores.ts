/** Real stores for the Sentry token and runtime tests: SQLite in a temp dir, Redis under a unique prefix. */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRedisStore } from '../../../src/store/redis.js';
import { createSqliteStore } from '../../../src/store/sqlite.js';
import type { Store } from '../../../src/store/store.js';
import { cleanPrefix, redisUrl, testPrefix } from '../../helpers/redis.js';
import { harnessOf, type StoreHarness } from '../../store/contract/harness.js';

export type StoreKind = 'sqlite' | 'redis';

export interface OpenStore {
  store: Store;
  /** A second handle on the same data, as another process would have. */
  other(): Promise<Store>;
  cleanup(): Promise<void>;
}

export async function openStore(kind: StoreKind): Promise<OpenStore> {
  let h: StoreHarness;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-sentry-'));
    h = harnessOf(
      () => createSqliteStore({ dataDir: dir }),
      () => fs.rmSync(dir, { recursive: true, force: true }),
    );
  } else {
    const url = await redisUrl();
    const prefix = testPrefix('sentry');
    h = harnessOf(
      () => createRedisStore({ url, prefix }),
      () => cleanPrefix(url, prefix),
    );
  }
  return { store: h.store, other: h.reopen, cleanup: h.cleanup };
}
