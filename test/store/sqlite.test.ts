import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { storeContract } from './contract.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-'));
}

storeContract('sqlite', async () => {
  const dir = tempDir();
  const open: Store[] = [];
  const make = () => {
    const s = createSqliteStore({ dataDir: dir });
    open.push(s);
    return s;
  };
  return {
    store: make(),
    reopen: async () => make(),
    cleanup: async () => {
      for (const s of open) await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite store specifics', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('creates the data dir and opens the file in WAL mode', async () => {
    const root = tempDir();
    dirs.push(root);
    const dataDir = path.join(root, 'nested', 'data');
    const store = createSqliteStore({ dataDir, file: 'x.db' });
    stores.push(store);
    expect(fs.existsSync(path.join(dataDir, 'x.db'))).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    await store.ping();
  });

  it('lets exactly one of two stores on the same file win a claim', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const a = createSqliteStore({ dataDir: dir });
    const b = createSqliteStore({ dataDir: dir });
    stores.push(a, b);
    for (let i = 0; i < 20; i++) {
      const results = await Promise.all([a.claim(`k${i}`, 60), b.claim(`k${i}`, 60), a.claim(`k${i}`, 60), b.claim(`k${i}`, 60)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
    const threads = await Promise.all([a.claimThread('T', 'C', 'k', 'oa'), b.claimThread('T', 'C', 'k', 'ob')]);
    expect(threads.filter((t) => t.won)).toHaveLength(1);
    expect(await b.incr('n')).toBe(1);
    expect(await a.incr('n')).toBe(2);
  });

  it('rejects ping after close', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = createSqliteStore({ dataDir: dir });
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });
});
