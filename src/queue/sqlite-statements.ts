/** The embedded queue's statements, prepared once on its (migrated) table. */

import type BetterSqlite3 from 'better-sqlite3';
import { migrate } from './sqlite-schema.js';

export function prepareJobStatements(db: BetterSqlite3.Database) {
  migrate(db);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO jobs (id, data, status, run_at, attempts, created_at, thread_key, seq) VALUES (?, ?, 'waiting', ?, 0, ?, ?, ?)`,
  );
  const seqStatus = db.prepare<[string, number]>(`SELECT status FROM jobs WHERE thread_key = ? AND seq = ?`);
  const backlogRow = db.prepare(`SELECT count(*) AS n, min(created_at) AS oldest FROM jobs WHERE status IN ('waiting', 'active')`);
  const claim = db.prepare<[{ now: number; until: number; owner: string; limit: number }]>(`
    UPDATE jobs SET status = 'active', lease_until = @until, lease_owner = @owner, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM jobs
      WHERE (status = 'waiting' AND run_at <= @now) OR (status = 'active' AND lease_until < @now)
      ORDER BY run_at, rowid LIMIT @limit
    )
    RETURNING id, data, attempts`);
  const renew = db.prepare(`UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND status = 'active'`);
  const finish = db.prepare(
    `UPDATE jobs SET status = 'done', data = NULL, lease_until = NULL, lease_owner = NULL, finished_at = ?
     WHERE id = ? AND lease_owner = ? AND status = 'active'`,
  );
  const reschedule = db.prepare(
    `UPDATE jobs SET status = 'waiting', run_at = ?, attempts = attempts - ?, last_error = coalesce(?, last_error),
       lease_until = NULL, lease_owner = NULL
     WHERE id = ? AND lease_owner = ? AND status = 'active'`,
  );
  const fail = db.prepare(
    `UPDATE jobs SET status = 'failed', last_error = ?, lease_until = NULL, lease_owner = NULL, finished_at = ?
     WHERE id = ? AND lease_owner = ? AND status = 'active'`,
  );
  const prune = db.prepare(`DELETE FROM jobs WHERE status = ? AND finished_at < ?`);
  const countOf = db.prepare<[string]>(`SELECT count(*) AS n FROM jobs WHERE status = ?`);
  const countReady = db.prepare<[number]>(`SELECT count(*) AS n FROM jobs WHERE status = 'waiting' AND run_at <= ?`);
  return { insert, seqStatus, backlogRow, claim, renew, finish, reschedule, fail, prune, countOf, countReady };
}
