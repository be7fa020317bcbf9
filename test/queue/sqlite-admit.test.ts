/** The embedded queue's `admit`: claim, number and insert in one SQLite transaction. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteQueue } from '../../src/queue/sqlite.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { deliveryJob } from './contract.js';

const open: { store: SqliteStore; dir: string }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.store.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

function setup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'tl-admit-'));
  const store = createSqliteStore({ dataDir: dir });
  open.push({ store, dir });
  const q = createSqliteQueue({ db: store.db, claims: store.claimsInTx });
  return { store, q };
}

const claims = (id: string, body: string) => ({
  tag: '{s1}',
  key: `dedup:{s1}:sentry:${id}`,
  alias: `dedup-body:{s1}:sentry:${body}`,
  counter: 'seq:{s1}:t',
  ttlSeconds: 60,
});

describe('SQLite admit', () => {
  it('claims, numbers and stores; a retry or a relabelled copy is a duplicate with nothing added', async () => {
    const { q } = setup();
    expect(await q.admit!(claims('r1', 'b1'), deliveryJob(1), 'sentry-r1')).toEqual({ claimed: true, seq: 1 });
    expect((await q.admit!(claims('r1', 'b1'), deliveryJob(1), 'sentry-r1')).claimed).toBe(false);
    expect((await q.admit!(claims('r2', 'b1'), deliveryJob(1), 'sentry-r2')).claimed).toBe(false);
    expect(await q.admit!(claims('r3', 'b3'), deliveryJob(3), 'sentry-r3')).toEqual({ claimed: true, seq: 2 });
    expect((await q.counts()).waiting).toBe(2);
  });

  it('keeps no claim when the insert fails: the sender retry is accepted', async () => {
    const { store, q } = setup();
    store.db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await expect(q.admit!(claims('r1', 'b1'), deliveryJob(1), 'sentry-r1')).rejects.toThrow('disk full');
    store.db.exec('DROP TRIGGER refuse');
    expect(await q.admit!(claims('r1', 'b1'), deliveryJob(1), 'sentry-r1')).toEqual({ claimed: true, seq: 1 });
    expect((await q.counts()).waiting).toBe(1);
  });

  it('stores the job of a claim an earlier version left pending, once', async () => {
    const { store, q } = setup();
    expect(await store.claimAndCount(claims('r9', 'b9').key, 60, 'seq:{s1}:t')).toEqual({ claimed: true, seq: 1 });
    expect(await q.admit!(claims('r9', 'b9'), deliveryJob(9), 'sentry-r9')).toEqual({ claimed: false, seq: 1 });
    expect(await q.admit!(claims('r9', 'b9'), deliveryJob(9), 'sentry-r9')).toEqual({ claimed: false });
    expect((await q.counts()).waiting).toBe(1);
  });
});
