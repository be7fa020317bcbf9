/** The embedded queue's table in the store's SQLite file, and its migrations. */

import type BetterSqlite3 from 'better-sqlite3';

export function migrate(db: BetterSqlite3.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY,
      data TEXT,
      status TEXT NOT NULL,
      run_at INTEGER NOT NULL,
      lease_until INTEGER,
      lease_owner TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      created_at INTEGER NOT NULL,
      finished_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS jobs_status_run_at ON jobs (status, run_at);
    CREATE INDEX IF NOT EXISTS jobs_status_lease ON jobs (status, lease_until);
    CREATE INDEX IF NOT EXISTS jobs_status_finished ON jobs (status, finished_at);
  `);
  // Jobs carry their thread's sequence number, so a later event can ask whether an earlier one is
  // still to come (tables from before get the columns; their jobs simply are not found by it).
  const columns = (db.prepare(`PRAGMA table_info(jobs)`).all() as { name: string }[]).map((c) => c.name);
  if (!columns.includes('thread_key')) {
    db.exec(`ALTER TABLE jobs ADD COLUMN thread_key TEXT; ALTER TABLE jobs ADD COLUMN seq INTEGER;`);
  }
  db.exec(`CREATE INDEX IF NOT EXISTS jobs_thread_seq ON jobs (thread_key, seq)`);
}
