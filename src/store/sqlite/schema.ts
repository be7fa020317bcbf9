/** The SQLite store's tables, their migrations, and the typed statement helper every part uses. */

import type Database from 'better-sqlite3';

export const MIGRATIONS: string[] = [
  `CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER);
   CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS capped (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value TEXT NOT NULL);
   CREATE INDEX IF NOT EXISTS capped_key ON capped (key, seq);
   CREATE TABLE IF NOT EXISTS slots (key TEXT PRIMARY KEY, next_at INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS subscriptions (
     id TEXT PRIMARY KEY, team_id TEXT NOT NULL, channel_id TEXT NOT NULL, source TEXT NOT NULL,
     target TEXT NOT NULL, created_at TEXT NOT NULL, disabled TEXT, json TEXT NOT NULL,
     UNIQUE (team_id, channel_id, source, target));
   CREATE INDEX IF NOT EXISTS subscriptions_target ON subscriptions (source, target);
   CREATE TABLE IF NOT EXISTS threads (
     team_id TEXT NOT NULL, channel_id TEXT NOT NULL, thread_key TEXT NOT NULL, ts TEXT,
     owner TEXT NOT NULL, claimed_at TEXT NOT NULL, subject_kind TEXT, state TEXT NOT NULL,
     state_times TEXT NOT NULL, updated_at TEXT NOT NULL,
     PRIMARY KEY (team_id, channel_id, thread_key));
   CREATE INDEX IF NOT EXISTS threads_ts ON threads (team_id, channel_id, ts);
   CREATE TABLE IF NOT EXISTS sentry_installations (uuid TEXT PRIMARY KEY, org TEXT, has_token INTEGER NOT NULL, updated_at TEXT NOT NULL, json TEXT NOT NULL);
   CREATE INDEX IF NOT EXISTS sentry_installations_org ON sentry_installations (org);
   CREATE TABLE IF NOT EXISTS slack_installations (id TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS dead_letters (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, team_id TEXT, json TEXT NOT NULL);
   CREATE INDEX IF NOT EXISTS dead_letters_team ON dead_letters (team_id, seq);`,
  // Pending claims keep their sequence number until confirmed (NULL state: confirmed).
  `ALTER TABLE claims ADD COLUMN state TEXT;`,
  // Dead letters are capped per pool, deduped on their body and expire: rows carry what that needs.
  // Rows from before keep their createdAt as their age.
  `ALTER TABLE dead_letters ADD COLUMN pool TEXT NOT NULL DEFAULT 'rejected';
   ALTER TABLE dead_letters ADD COLUMN sha TEXT;
   ALTER TABLE dead_letters ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE dead_letters ADD COLUMN copies INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE dead_letters ADD COLUMN at INTEGER NOT NULL DEFAULT 0;
   UPDATE dead_letters SET
     pool = CASE WHEN json_extract(json, '$.source') = 'delivery' THEN 'delivery' ELSE 'rejected' END,
     bytes = length(CAST(json AS BLOB)),
     at = coalesce(CAST(strftime('%s', json_extract(json, '$.createdAt')) AS INTEGER) * 1000, 0);
   CREATE INDEX IF NOT EXISTS dead_letters_pool ON dead_letters (pool, seq);
   CREATE INDEX IF NOT EXISTS dead_letters_sha ON dead_letters (pool, sha);
   CREATE INDEX IF NOT EXISTS dead_letters_at ON dead_letters (at);`,
  // Thread sequence counters expire with their thread (NULL: never). Leases: a counting semaphore
  // (Slack calls in flight per team) whose places come back when a holder's lease runs out.
  `ALTER TABLE counters ADD COLUMN expires_at INTEGER;
   CREATE TABLE IF NOT EXISTS leases (key TEXT NOT NULL, holder TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (key, holder));`,
];

export function migrate(db: Database.Database): void {
  // IMMEDIATE: two processes opening a fresh file must not both run the same migration.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

/** The installed @types predate typed results; this keeps rows typed at the call sites. */
export interface Stmt<P extends unknown[], R> {
  get(...args: P): R | undefined;
  all(...args: P): R[];
  run(...args: P): Database.RunResult;
}

export type Prep = <P extends unknown[] = unknown[], R = unknown>(sql: string) => Stmt<P, R>;

export function preparer(db: Database.Database): Prep {
  return <P extends unknown[] = unknown[], R = unknown>(sql: string) => db.prepare(sql) as unknown as Stmt<P, R>;
}
