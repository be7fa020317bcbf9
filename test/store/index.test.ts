import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { cleanPrefix, redisUrl, testPrefix } from '../helpers/redis.js';

describe('createStore', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-index-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses SQLite in dataDir when no Redis URL is set', async () => {
    const store = createStore({ dataDir: dir });
    try {
      expect(store.kind).toBe('sqlite');
      await store.ping();
      expect(fs.existsSync(path.join(dir, 'threadline.db'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('uses Redis with the prefix when a URL is set', async () => {
    const url = await redisUrl();
    const prefix = testPrefix('store-index');
    const store = createStore({ redisUrl: url, dataDir: dir, prefix });
    try {
      expect(store.kind).toBe('redis');
      expect(await store.claim('k', 60)).toBe(true);
      if (store.kind === 'redis') expect(await store.client.exists(`${prefix}claim:k`)).toBe(1);
    } finally {
      await store.close();
      await cleanPrefix(url, prefix);
    }
  });
});
