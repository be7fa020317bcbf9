/**
 * `DeadLetterRepo` on SQLite. Each row knows its pool, body hash, size and age, so dedup, the
 * per-pool caps and the expiry are plain statements inside one IMMEDIATE transaction.
 */

import type Database from 'better-sqlite3';
import type { DeadLetter, DeadLetterPool, DeadLetterRepo, DeadLetterStoreOptions } from '../store.js';
import { deadLetterSettings, prepareDeadLetter, withCount, type PreparedDeadLetter } from '../dead-letters.js';
import { preparer } from './schema.js';

type Row = { json: string; copies: number };

export function createSqliteDeadLetters(db: Database.Database, opts?: DeadLetterStoreOptions): DeadLetterRepo & { sweep(): void } {
  const prep = preparer(db);
  const settings = deadLetterSettings(opts);
  const { limits } = settings;
  const ttlMs = limits.ttlSeconds * 1000;
  const q = {
    expire: prep<[number]>('DELETE FROM dead_letters WHERE at < ?'),
    bySha: prep<[string, string, string], { id: string }>('SELECT id FROM dead_letters WHERE pool = ? AND sha = ? AND id != ? LIMIT 1'),
    bump: prep('UPDATE dead_letters SET copies = copies + 1 WHERE id = ?'),
    delete: prep('DELETE FROM dead_letters WHERE id = ?'),
    insert: prep(
      `INSERT INTO dead_letters (id, team_id, json, pool, sha, bytes, copies, at) VALUES (@id, @teamId, @json, @pool, @sha, @bytes, 1, @at)`,
    ),
    size: prep<[string], { n: number; bytes: number }>(
      'SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes FROM dead_letters WHERE pool = ?',
    ),
    oldest: prep<[string], { seq: number; bytes: number }>('SELECT seq, bytes FROM dead_letters WHERE pool = ? ORDER BY seq LIMIT 1'),
    deleteSeq: prep('DELETE FROM dead_letters WHERE seq = ?'),
    list: prep<[number, number], Row>('SELECT json, copies FROM dead_letters WHERE at >= ? ORDER BY seq DESC LIMIT ?'),
    listTeam: prep<[string, number, number], Row>(
      'SELECT json, copies FROM dead_letters WHERE team_id = ? AND at >= ? ORDER BY seq DESC LIMIT ?',
    ),
    get: prep<[string, number], Row>('SELECT json, copies FROM dead_letters WHERE id = ? AND at >= ?'),
  };

  /** Drops the pool's oldest until it is within both caps; returns how many went. */
  function cap(pool: DeadLetterPool): number {
    let { n, bytes } = q.size.get(pool)!;
    let dropped = 0;
    while (n > 0 && (n > limits.maxCount || bytes > limits.maxBytes)) {
      const oldest = q.oldest.get(pool)!;
      q.deleteSeq.run(oldest.seq);
      n -= 1;
      bytes -= oldest.bytes;
      dropped += 1;
    }
    return dropped;
  }

  const addTx = db.transaction((p: PreparedDeadLetter, now: number) => {
    q.expire.run(now - ttlMs);
    const same = p.sha ? q.bySha.get(p.pool, p.sha, p.dl.id) : undefined;
    if (same) {
      q.bump.run(same.id);
      return { id: same.id, added: false, dropped: 0 };
    }
    // Re-adding an id moves it to the front, as it would in Redis.
    q.delete.run(p.dl.id);
    q.insert.run({ id: p.dl.id, teamId: p.dl.teamId ?? null, json: p.json, pool: p.pool, sha: p.sha || null, bytes: p.bytes, at: now });
    return { id: p.dl.id, added: true, dropped: cap(p.pool) };
  });

  const read = (row: Row | undefined): DeadLetter | null => (row ? withCount(JSON.parse(row.json) as DeadLetter, row.copies) : null);

  return {
    sweep() {
      q.expire.run(settings.now() - ttlMs);
    },
    async addDeadLetter(input) {
      const prepared = prepareDeadLetter(input);
      const { id, added, dropped } = addTx.immediate(prepared, settings.now());
      settings.onDrop(prepared.pool, dropped);
      return { id, added };
    },
    async listDeadLetters(limit, filter = {}) {
      if (limit <= 0) return [];
      const since = settings.now() - ttlMs;
      const rows = filter.teamId ? q.listTeam.all(filter.teamId, since, limit) : q.list.all(since, limit);
      return rows.map((r) => read(r)!);
    },
    async getDeadLetter(id) {
      return read(q.get.get(id, settings.now() - ttlMs));
    },
    async removeDeadLetter(id) {
      return q.delete.run(id).changes > 0;
    },
    async deadLetterStats() {
      q.expire.run(settings.now() - ttlMs);
      const rejected = q.size.get('rejected')!;
      const delivery = q.size.get('delivery')!;
      return {
        rejected: { count: rejected.n, bytes: rejected.bytes },
        delivery: { count: delivery.n, bytes: delivery.bytes },
        limits: { ...limits },
      };
    },
  };
}
