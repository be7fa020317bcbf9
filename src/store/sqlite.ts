/**
 * `Store` on one SQLite file (better-sqlite3, WAL) for single-instance deployments without Redis.
 * Every race-sensitive operation is one statement or an IMMEDIATE transaction against the file, so
 * two processes opening the same file stay correct. TTLs are `expires_at` (ms) columns: expired
 * rows count as absent and a periodic sweep deletes them. Each repository is its own file under
 * `sqlite/`; this opens the file and composes them into one object.
 */

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteConnections } from '../connections/sqlite.js';
import { createSqliteSentryInstallations } from '../sources/sentry/installations-sqlite.js';
import type { DeadLetterStoreOptions, Store } from './store.js';
import { createSqliteDeadLetters } from './sqlite/dead-letters.js';
import { createSqliteKeyValue } from './sqlite/kv.js';
import { migrate } from './sqlite/schema.js';
import { createSqliteSlackInstallations } from './sqlite/slack-installations.js';
import { createSqliteSubscriptions } from './sqlite/subscriptions.js';
import { createSqliteThreads } from './sqlite/threads.js';

export interface SqliteStoreOptions {
  dataDir: string;
  file?: string;
  sweepIntervalMs?: number;
  deadLetters?: DeadLetterStoreOptions;
}

export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  /** The shared connection (the embedded queue keeps its tables in the same file). */
  readonly db: Database.Database;
  /** The dedup claim as synchronous steps, so the embedded queue claims and inserts in one transaction. */
  readonly claimsInTx: SqliteClaims;
}

export interface SqliteClaims {
  claimAndCount(key: string, ttlSeconds: number, counterKey?: string, aliasKey?: string): import('./store.js').ClaimResult;
  confirm(key: string, ttlSeconds: number): void;
}

/**
 * The data holds tokens and webhook bodies: only the service's user may read it. The directory is
 * created 0700 and tightened if it is looser; the database and its WAL/SHM files are 0600.
 */
function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

function privateFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o177) !== 0) fs.chmodSync(f, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

export function createSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  privateDir(opts.dataDir);
  const file = path.join(opts.dataDir, opts.file ?? 'threadline.db');
  // Created 0600 before SQLite opens it; SQLite gives the WAL and SHM files the database's mode.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  privateFiles(file);
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  privateFiles(file);

  const kv = createSqliteKeyValue(db);
  const threads = createSqliteThreads(db);
  const deadLetters = createSqliteDeadLetters(db, opts.deadLetters);

  function sweep(): void {
    const now = Date.now();
    kv.sweep(now);
    threads.sweep(now);
    deadLetters.sweep();
  }
  const sweeper = setInterval(() => {
    try {
      sweep();
    } catch {
      // Busy or closed: the next sweep tries again, and reads ignore expired rows anyway.
    }
  }, opts.sweepIntervalMs ?? 60_000);
  sweeper.unref();

  let closed = false;
  const { sweep: _kvSweep, claimsInTx: _claimsInTx, ...keyValue } = kv;
  const { sweep: _threadSweep, ...threadRepo } = threads;
  const { sweep: _dlSweep, ...deadLetterRepo } = deadLetters;
  return {
    kind: 'sqlite',
    db,
    claimsInTx: kv.claimsInTx,
    ...keyValue,
    ...createSqliteSubscriptions(db),
    ...threadRepo,
    ...createSqliteSentryInstallations(db),
    ...createSqliteSlackInstallations(db),
    ...createSqliteConnections(db),
    ...deadLetterRepo,

    async ping() {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      db.close();
    },
  };
}
