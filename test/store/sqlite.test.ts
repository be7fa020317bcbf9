import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { MIGRATIONS } from '../../src/store/sqlite/schema.js';
import type { Store } from '../../src/store/store.js';
import { storeContract } from './contract/index.js';
import { harnessOf } from './contract/harness.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-'));
}

storeContract('sqlite', async (opts = {}) => {
  const dir = tempDir();
  return harnessOf(
    () => createSqliteStore({ dataDir: dir, ...opts }),
    () => fs.rmSync(dir, { recursive: true, force: true }),
  );
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

  it('creates the data dir 0700 and the database, WAL and SHM files 0600', async () => {
    const root = tempDir();
    dirs.push(root);
    const dataDir = path.join(root, 'data');
    const store = createSqliteStore({ dataDir });
    stores.push(store);
    await store.setRecord('k', 'v');
    const mode = (f: string) => fs.statSync(f).mode & 0o777;
    expect(mode(dataDir)).toBe(0o700);
    for (const f of ['threadline.db', 'threadline.db-wal', 'threadline.db-shm']) expect(mode(path.join(dataDir, f))).toBe(0o600);
  });

  it('tightens a data dir and database files that are readable by others', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    fs.chmodSync(dataDir, 0o755);
    const first = createSqliteStore({ dataDir });
    await first.setRecord('k', 'v');
    await first.close();
    for (const f of ['threadline.db', 'threadline.db-wal', 'threadline.db-shm']) {
      if (fs.existsSync(path.join(dataDir, f))) fs.chmodSync(path.join(dataDir, f), 0o644);
    }
    fs.chmodSync(dataDir, 0o755);
    const store = createSqliteStore({ dataDir });
    stores.push(store);
    await store.setRecord('k2', 'v');
    const mode = (f: string) => fs.statSync(f).mode & 0o777;
    expect(mode(dataDir)).toBe(0o700);
    for (const f of ['threadline.db', 'threadline.db-wal', 'threadline.db-shm']) expect(mode(path.join(dataDir, f))).toBe(0o600);
    expect(await store.getRecord('k')).toBe('v');
  });

  it('carries dead letters of an older file into their pools, aged by their createdAt', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const old = new Database(path.join(dataDir, 'threadline.db'));
    old.exec(MIGRATIONS[0]);
    old.exec(MIGRATIONS[1]);
    old.pragma('user_version = 2');
    const put = old.prepare('INSERT INTO dead_letters (id, team_id, json) VALUES (?, ?, ?)');
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    const ancient = new Date(Date.now() - 40 * 86_400_000).toISOString();
    put.run(
      'fresh-delivery',
      'T1',
      JSON.stringify({ id: 'fresh-delivery', source: 'delivery', reason: 'slack_5xx', teamId: 'T1', job: {}, createdAt: recent }),
    );
    put.run(
      'fresh-webhook',
      null,
      JSON.stringify({ id: 'fresh-webhook', source: 'sentry', reason: 'schema', body: '{}', createdAt: recent }),
    );
    put.run(
      'old-webhook',
      null,
      JSON.stringify({ id: 'old-webhook', source: 'sentry', reason: 'schema', body: '{"x":1}', createdAt: ancient }),
    );
    old.close();

    const store = createSqliteStore({ dataDir });
    stores.push(store);
    expect((await store.listDeadLetters(10)).map((d) => d.id)).toEqual(['fresh-webhook', 'fresh-delivery']);
    const stats = await store.deadLetterStats();
    expect(stats.delivery.count).toBe(1);
    expect(stats.rejected.count).toBe(1);
    expect(stats.rejected.bytes).toBeGreaterThan(0);
  });
});
