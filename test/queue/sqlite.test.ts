import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSqliteQueue, type SqliteDeliveryQueue, type SqliteQueueOptions } from '../../src/queue/sqlite.js';
import type { JobContext } from '../../src/queue/queue.js';
import { deliveryJob, gate, queueContract, sleep, waitFor, type Gate } from './contract.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-queue-'));
let files = 0;

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function openDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** One connection per instance, as two processes would have; close() also closes the connection. */
function openQueue(file: string, options: SqliteQueueOptions = {}): SqliteDeliveryQueue {
  const db = openDb(file);
  const queue = createSqliteQueue({ db, options: { pollMs: 20, ...options } });
  return {
    ...queue,
    async close() {
      await queue.close();
      db.close();
    },
  };
}

function newFile(): string {
  files += 1;
  return path.join(root, `queue-${files}.db`);
}

queueContract('sqlite', async () => {
  const file = newFile();
  return { open: (options) => openQueue(file, options) };
});

describe('SQLite queue specifics', () => {
  const queues: SqliteDeliveryQueue[] = [];
  const gates: Gate[] = [];
  const open = (file: string, options?: SqliteQueueOptions) => {
    const q = openQueue(file, options);
    queues.push(q);
    return q;
  };
  afterEach(async () => {
    for (const g of gates.splice(0)) g.open();
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });

  it('stores jobs in the jobs table as soon as enqueue returns', async () => {
    const file = newFile();
    const q = open(file);
    await q.enqueue(deliveryJob(1), 'sentry:evt-1:C1');
    const db = openDb(file);
    try {
      const row = db.prepare('SELECT id, status, attempts, data FROM jobs').get() as Record<string, unknown>;
      expect(row).toMatchObject({ id: 'sentry:evt-1:C1', status: 'waiting', attempts: 0 });
      expect(JSON.parse(row.data as string)).toEqual(deliveryJob(1));
    } finally {
      db.close();
    }
  });

  it('renews the lease so a handler slower than leaseMs is not run twice', async () => {
    const file = newFile();
    const a = open(file, { leaseMs: 300 });
    const b = open(file, { leaseMs: 300 });
    const runs: string[] = [];
    const slow = (who: string) => async () => {
      runs.push(who);
      await sleep(1000);
    };
    a.start(slow('a'), { concurrency: 1 });
    await a.enqueue(deliveryJob(1), 'slow:1');
    await waitFor(() => runs.length === 1);
    b.start(slow('b'), { concurrency: 1 });
    expect(await a.drained(5000)).toBe(true);
    expect(runs).toEqual(['a']);
  });

  it('dead-letters a job whose worker died during its last attempt, without running it again', async () => {
    const file = newFile();
    const exhausted: { job: JobContext; error: Error }[] = [];
    const options: SqliteQueueOptions = {
      maxAttempts: 1,
      leaseMs: 200,
      onExhausted: async (job, error) => void exhausted.push({ job, error }),
    };
    const a = open(file, options);
    const hang = gate();
    gates.push(hang);
    let runs = 0;
    a.start(
      async () => {
        runs += 1;
        await hang.promise;
      },
      { concurrency: 1 },
    );
    await a.enqueue(deliveryJob(3), 'poison:3');
    await waitFor(() => runs === 1);
    await a.abandon();

    const b = open(file, options);
    b.start(async () => void (runs += 1), { concurrency: 1 });
    await waitFor(() => exhausted.length === 1);
    expect(await b.drained(5000)).toBe(true);
    expect(runs).toBe(1);
    expect(exhausted[0].job).toEqual({ id: 'poison:3', attempt: 1, data: deliveryJob(3) });
    expect(exhausted[0].error.message).toMatch(/lease expired/);
    expect((await b.counts()).failed).toBe(1);
  });

  it('keeps failing handlers from stopping the queue when onExhausted itself throws', async () => {
    const file = newFile();
    const errors: Error[] = [];
    const q = open(file, {
      maxAttempts: 1,
      onExhausted: async () => {
        throw new Error('dead letter store down');
      },
      onError: (err) => void errors.push(err),
    });
    const seen: string[] = [];
    q.start(
      async (job) => {
        seen.push(job.id);
        if (job.id === 'x:1') throw new Error('nope');
      },
      { concurrency: 1 },
    );
    await q.enqueue(deliveryJob(1), 'x:1');
    await q.enqueue(deliveryJob(2), 'x:2');
    await waitFor(() => seen.length === 2);
    expect(await q.drained(5000)).toBe(true);
    expect(errors.map((e) => e.message)).toEqual(['dead letter store down']);
    expect((await q.counts()).failed).toBe(1);
  });
});
