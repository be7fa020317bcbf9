/**
 * `Store` on one SQLite file (better-sqlite3, WAL) for single-instance deployments without Redis.
 * Every race-sensitive operation is one statement or an IMMEDIATE transaction against the file, so
 * two processes opening the same file stay correct. TTLs are `expires_at` (ms) columns: expired
 * rows count as absent and a periodic sweep deletes them.
 */

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { THREAD_TTL_SECONDS } from './store.js';
import type { ClaimResult, DeadLetter, SentryInstallationRecord, Store, Subscription, ThreadRecord } from './store.js';

export interface SqliteStoreOptions {
  dataDir: string;
  file?: string;
  sweepIntervalMs?: number;
}

export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  /** The shared connection (the embedded queue keeps its tables in the same file). */
  readonly db: Database.Database;
}

const MIGRATIONS: string[] = [
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
];

function migrate(db: Database.Database): void {
  // IMMEDIATE: two processes opening a fresh file must not both run the same migration.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

/** The installed @types predate typed results; this keeps rows typed at the call sites. */
interface Stmt<P extends unknown[], R> {
  get(...args: P): R | undefined;
  all(...args: P): R[];
  run(...args: P): Database.RunResult;
}

interface SubRow {
  id: string;
  disabled: string | null;
  json: string;
}
interface ThreadRow {
  team_id: string;
  channel_id: string;
  thread_key: string;
  ts: string | null;
  owner: string;
  claimed_at: string;
  subject_kind: string | null;
  state: string;
  state_times: string;
  updated_at: string;
}

function subFromRow(row: SubRow): Subscription {
  const sub = { ...(JSON.parse(row.json) as Omit<Subscription, 'id'>), id: row.id };
  if (row.disabled) sub.disabled = JSON.parse(row.disabled);
  return sub;
}

function threadFromRow(row: ThreadRow): ThreadRecord {
  const rec: ThreadRecord = {
    teamId: row.team_id,
    channelId: row.channel_id,
    threadKey: row.thread_key,
    ts: row.ts,
    owner: row.owner,
    claimedAt: row.claimed_at,
    state: JSON.parse(row.state),
    stateTimes: JSON.parse(row.state_times),
    updatedAt: row.updated_at,
  };
  if (row.subject_kind) rec.subjectKind = row.subject_kind;
  return rec;
}

export function createSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const db = new Database(path.join(opts.dataDir, opts.file ?? 'threadline.db'));
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db);

  const prep = <P extends unknown[] = unknown[], R = unknown>(sql: string) => db.prepare(sql) as unknown as Stmt<P, R>;
  const q = {
    claim: prep(
      `INSERT INTO claims (key, expires_at) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, state = NULL WHERE claims.expires_at <= ?`,
    ),
    release: prep('DELETE FROM claims WHERE key = ?'),
    setRecord: prep(
      `INSERT INTO records (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    ),
    getRecord: prep<[string, number], { value: string }>(
      'SELECT value FROM records WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    deleteRecord: prep('DELETE FROM records WHERE key = ?'),
    incr: prep<[string], { value: number }>(
      `INSERT INTO counters (key, value) VALUES (?, 1)
       ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value`,
    ),
    getCounter: prep<[string], { value: number }>('SELECT value FROM counters WHERE key = ?'),
    raise: prep<[string, number], { value: number }>(
      `INSERT INTO counters (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value) RETURNING value`,
    ),
    push: prep('INSERT INTO capped (key, value) VALUES (?, ?)'),
    trim: prep(
      `DELETE FROM capped WHERE key = ? AND seq NOT IN (SELECT seq FROM capped WHERE key = ? ORDER BY seq DESC LIMIT ?)`,
    ),
    listCapped: prep<[string, number], { value: string }>('SELECT value FROM capped WHERE key = ? ORDER BY seq DESC LIMIT ?'),
    // Stores the next free slot; the reserved slot is that minus the interval.
    reserve: prep<[{ key: string; now: number; interval: number }], { next_at: number }>(
      `INSERT INTO slots (key, next_at) VALUES (@key, @now + @interval)
       ON CONFLICT (key) DO UPDATE SET next_at = max(slots.next_at, @now) + @interval RETURNING next_at`,
    ),
    upsertSub: prep<[string, string, string, string, string, string, string | null, string], { id: string }>(
      `INSERT INTO subscriptions (id, team_id, channel_id, source, target, created_at, disabled, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (team_id, channel_id, source, target) DO UPDATE SET
         created_at = excluded.created_at, disabled = excluded.disabled, json = excluded.json
       RETURNING id`,
    ),
    removeSub: prep('DELETE FROM subscriptions WHERE team_id = ? AND channel_id = ? AND source = ? AND target = ?'),
    getSub: prep<[string], SubRow>('SELECT id, disabled, json FROM subscriptions WHERE id = ?'),
    disableSub: prep('UPDATE subscriptions SET disabled = ? WHERE id = ?'),
    getThread: prep<[string, string, string], ThreadRow>(
      'SELECT * FROM threads WHERE team_id = ? AND channel_id = ? AND thread_key = ?',
    ),
    insertThread: prep(
      `INSERT INTO threads (team_id, channel_id, thread_key, ts, owner, claimed_at, subject_kind, state, state_times, updated_at)
       VALUES (?, ?, ?, NULL, ?, ?, ?, '{}', '{}', ?) ON CONFLICT DO NOTHING`,
    ),
    threadByTs: prep<[string, string, string], ThreadRow>(
      'SELECT * FROM threads WHERE team_id = ? AND channel_id = ? AND ts = ? LIMIT 1',
    ),
    putSentry: prep(
      `INSERT INTO sentry_installations (uuid, org, has_token, updated_at, json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (uuid) DO UPDATE SET org = excluded.org, has_token = excluded.has_token,
         updated_at = excluded.updated_at, json = excluded.json`,
    ),
    getSentry: prep<[string], { json: string }>('SELECT json FROM sentry_installations WHERE uuid = ?'),
    sentryByOrg: prep<[string], { json: string }>(
      'SELECT json FROM sentry_installations WHERE org = ? ORDER BY has_token DESC, updated_at DESC LIMIT 1',
    ),
    deleteSentry: prep('DELETE FROM sentry_installations WHERE uuid = ?'),
    putSlack: prep(
      'INSERT INTO slack_installations (id, value) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value',
    ),
    getSlack: prep<[string], { value: string }>('SELECT value FROM slack_installations WHERE id = ?'),
    deleteSlack: prep('DELETE FROM slack_installations WHERE id = ?'),
    deleteDl: prep('DELETE FROM dead_letters WHERE id = ?'),
    insertDl: prep('INSERT INTO dead_letters (id, team_id, json) VALUES (?, ?, ?)'),
    listDl: prep<[number], { json: string }>('SELECT json FROM dead_letters ORDER BY seq DESC LIMIT ?'),
    listDlTeam: prep<[string, number], { json: string }>(
      'SELECT json FROM dead_letters WHERE team_id = ? ORDER BY seq DESC LIMIT ?',
    ),
    getDl: prep<[string], { json: string }>('SELECT json FROM dead_letters WHERE id = ?'),
  };

  const claimThreadTx = db.transaction(
    (teamId: string, channelId: string, threadKey: string, owner: string, subjectKind: string | undefined) => {
      const now = new Date().toISOString();
      const inserted = q.insertThread.run(teamId, channelId, threadKey, owner, now, subjectKind ?? null, now).changes === 1;
      const record = threadFromRow(q.getThread.get(teamId, channelId, threadKey)!);
      return { won: inserted || record.owner === owner, record };
    },
  );
  const claimAndCountTx = db.transaction((key: string, ttlSeconds: number, counterKey: string | undefined): ClaimResult => {
    const now = Date.now();
    if (q.claim.run(key, now + Math.max(0, ttlSeconds) * 1000, now).changes !== 1) {
      const row = db.prepare('SELECT state FROM claims WHERE key = ?').get(key) as { state: string | null } | undefined;
      const state = row?.state ?? null;
      const seq = state?.startsWith('p:') ? Number(state.slice(2)) : undefined;
      const pending = state !== null && state.startsWith('p');
      return seq === undefined ? { claimed: false, pending } : { claimed: false, pending, seq };
    }
    const seq = counterKey ? q.incr.get(counterKey)!.value : undefined;
    db.prepare('UPDATE claims SET state = ? WHERE key = ?').run(seq === undefined ? 'p' : `p:${seq}`, key);
    return seq === undefined ? { claimed: true } : { claimed: true, seq };
  });
  const pushTx = db.transaction((key: string, value: string, max: number) => {
    q.push.run(key, value);
    q.trim.run(key, key, max);
  });
  const addDlTx = db.transaction((dl: DeadLetter) => {
    // Re-adding an id moves it to the front, as it would in Redis.
    q.deleteDl.run(dl.id);
    q.insertDl.run(dl.id, dl.teamId ?? null, JSON.stringify(dl));
  });

  function sweep(): void {
    const now = Date.now();
    db.prepare('DELETE FROM claims WHERE expires_at <= ?').run(now);
    db.prepare('DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now);
    db.prepare('DELETE FROM slots WHERE next_at <= ?').run(now - 60_000);
    // Threads quiet for longer than the retention start afresh, as on Redis.
    db.prepare('DELETE FROM threads WHERE updated_at < ?').run(new Date(now - THREAD_TTL_SECONDS * 1000).toISOString());
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
  const store: SqliteStore = {
    kind: 'sqlite',
    db,

    async ping() {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      db.close();
    },

    async claim(key, ttlSeconds) {
      const now = Date.now();
      return q.claim.run(key, now + Math.max(0, ttlSeconds) * 1000, now).changes === 1;
    },
    async claimAndCount(key, ttlSeconds, counterKey) {
      return claimAndCountTx.immediate(key, ttlSeconds, counterKey);
    },
    async extendClaim(key, ttlSeconds) {
      const now = Date.now();
      return (
        db.prepare('UPDATE claims SET expires_at = ?, state = NULL WHERE key = ? AND expires_at > ?').run(now + Math.max(0, ttlSeconds) * 1000, key, now)
          .changes === 1
      );
    },
    async release(key) {
      q.release.run(key);
    },
    async setRecord(key, value, ttlSeconds) {
      const expires = ttlSeconds && ttlSeconds > 0 ? Date.now() + ttlSeconds * 1000 : null;
      q.setRecord.run(key, JSON.stringify(value), expires);
    },
    async getRecord<T>(key: string) {
      const row = q.getRecord.get(key, Date.now());
      return row ? (JSON.parse(row.value) as T) : null;
    },
    async deleteRecord(key) {
      q.deleteRecord.run(key);
    },

    async incr(key) {
      return q.incr.get(key)!.value;
    },
    async getCounter(key) {
      return q.getCounter.get(key)?.value ?? 0;
    },
    async raiseCounter(key, value) {
      return q.raise.get(key, value)!.value;
    },

    async pushCapped(key, value, max) {
      pushTx.immediate(key, JSON.stringify(value), Math.max(1, Math.floor(max)));
    },
    async listCapped<T>(key: string, limit: number) {
      if (limit <= 0) return [];
      return q.listCapped.all(key, limit).map((r) => JSON.parse(r.value) as T);
    },

    async reserveSlot(key, intervalMs) {
      const now = Date.now();
      const interval = Math.max(0, Math.ceil(intervalMs));
      const next = q.reserve.get({ key, now, interval })!.next_at;
      return Math.max(0, next - interval - now);
    },

    async upsertSubscription(sub) {
      const { id, disabled, ...rest } = sub;
      const row = q.upsertSub.get(
        id,
        sub.teamId,
        sub.channelId,
        sub.source,
        sub.target,
        sub.createdAt,
        disabled ? JSON.stringify(disabled) : null,
        JSON.stringify(rest),
      )!;
      return { ...sub, id: row.id };
    },
    async removeSubscription(teamId, channelId, source, target) {
      return q.removeSub.run(teamId, channelId, source, target).changes > 0;
    },
    async listSubscriptions(filter = {}) {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.teamId) (where.push('team_id = ?'), args.push(filter.teamId));
      if (filter.channelId) (where.push('channel_id = ?'), args.push(filter.channelId));
      const sql = `SELECT id, disabled, json FROM subscriptions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
      return (db.prepare(sql).all(...args) as SubRow[]).map(subFromRow);
    },
    async findSubscriptions(source: string, targets: string[]) {
      if (targets.length === 0) return [];
      const sql = `SELECT id, disabled, json FROM subscriptions WHERE source = ? AND target IN (${targets.map(() => '?').join(',')}) ORDER BY created_at, id`;
      return (db.prepare(sql).all(source, ...targets) as SubRow[]).map(subFromRow);
    },
    async getSubscription(id) {
      const row = q.getSub.get(id);
      return row ? subFromRow(row) : null;
    },
    async setSubscriptionDisabled(id, disabled) {
      q.disableSub.run(disabled ? JSON.stringify(disabled) : null, id);
    },

    async getThread(teamId, channelId, threadKey) {
      const row = q.getThread.get(teamId, channelId, threadKey);
      return row ? threadFromRow(row) : null;
    },
    async claimThread(teamId, channelId, threadKey, owner, subjectKind) {
      return claimThreadTx.immediate(teamId, channelId, threadKey, owner, subjectKind);
    },
    async updateThread(teamId, channelId, threadKey, patch) {
      const sets = ['updated_at = ?'];
      const args: (string | null)[] = [new Date().toISOString()];
      if (patch.ts !== undefined) (sets.push('ts = ?'), args.push(patch.ts));
      if (patch.state !== undefined) (sets.push('state = ?'), args.push(JSON.stringify(patch.state)));
      if (patch.stateTimes !== undefined) (sets.push('state_times = ?'), args.push(JSON.stringify(patch.stateTimes)));
      db.prepare(`UPDATE threads SET ${sets.join(', ')} WHERE team_id = ? AND channel_id = ? AND thread_key = ?`).run(
        ...args,
        teamId,
        channelId,
        threadKey,
      );
    },
    async releaseThread(teamId, channelId, threadKey, owner) {
      const res = db
        .prepare('DELETE FROM threads WHERE team_id = ? AND channel_id = ? AND thread_key = ? AND owner = ? AND ts IS NULL')
        .run(teamId, channelId, threadKey, owner);
      return res.changes === 1;
    },
    async findThreadByTs(teamId, channelId, ts) {
      const row = q.threadByTs.get(teamId, channelId, ts);
      return row ? threadFromRow(row) : null;
    },

    async putSentryInstallation(rec) {
      q.putSentry.run(rec.uuid, rec.org ?? null, rec.token ? 1 : 0, rec.updatedAt, JSON.stringify(rec));
    },
    async getSentryInstallation(uuid) {
      const row = q.getSentry.get(uuid);
      return row ? (JSON.parse(row.json) as SentryInstallationRecord) : null;
    },
    async findSentryInstallationByOrg(org) {
      const row = q.sentryByOrg.get(org);
      return row ? (JSON.parse(row.json) as SentryInstallationRecord) : null;
    },
    async deleteSentryInstallation(uuid) {
      q.deleteSentry.run(uuid);
    },
    async putSlackInstallation(id, value) {
      q.putSlack.run(id, value);
    },
    async getSlackInstallation(id) {
      return q.getSlack.get(id)?.value ?? null;
    },
    async deleteSlackInstallation(id) {
      q.deleteSlack.run(id);
    },

    async addDeadLetter(dl) {
      addDlTx.immediate(dl);
    },
    async listDeadLetters(limit, filter = {}) {
      if (limit <= 0) return [];
      const rows = filter.teamId ? q.listDlTeam.all(filter.teamId, limit) : q.listDl.all(limit);
      return rows.map((r) => JSON.parse(r.json) as DeadLetter);
    },
    async getDeadLetter(id) {
      const row = q.getDl.get(id);
      return row ? (JSON.parse(row.json) as DeadLetter) : null;
    },
    async removeDeadLetter(id) {
      return q.deleteDl.run(id).changes > 0;
    },
  };
  return store;
}
