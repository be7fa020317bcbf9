/** Real stores for the Sentry token and runtime tests: SQLite in a temp dir, Redis under a unique prefix. */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRedisStore } from '../../../src/store/redis.js';
import { createSqliteStore } from '../../../src/store/sqlite.js';
import type { Store } from '../../../src/store/store.js';
import { cleanPrefix, redisUrl, testPrefix } from '../../helpers/redis.js';

export type StoreKind = 'sqlite' | 'redis';

export interface OpenStore {
  store: Store;
  /** A second handle on the same data, as another process would have. */
  other(): Promise<Store>;
  cleanup(): Promise<void>;
}

export async function openStore(kind: StoreKind): Promise<OpenStore> {
  const open: Store[] = [];
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-sentry-'));
    const make = () => {
      const s = createSqliteStore({ dataDir: dir });
      open.push(s);
      return s;
    };
    return {
      store: make(),
      other: async () => make(),
      cleanup: async () => {
        for (const s of open) await s.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = await redisUrl();
  const prefix = testPrefix('sentry');
  const make = () => {
    const s = createRedisStore({ url, prefix });
    open.push(s);
    return s;
  };
  return {
    store: make(),
    other: async () => make(),
    cleanup: async () => {
      for (const s of open) await s.close();
      await cleanPrefix(url, prefix);
    },
  };
}
