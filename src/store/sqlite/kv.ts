/** `KeyValue` on SQLite: TTLs are `expires_at` (ms) columns; expired rows count as absent. */

import type { SqliteClaims } from '../sqlite.js';
import type Database from 'better-sqlite3';
import type { AttemptMark, ClaimResult, KeyValue } from '../store.js';
import { markerDecision, readMarker } from '../attempt-marker.js';
import { preparer } from './schema.js';

export function createSqliteKeyValue(db: Database.Database): KeyValue & { sweep(now: number): void; claimsInTx: SqliteClaims } {
  const prep = preparer(db);
  const q = {
    claim: prep(
      `INSERT INTO claims (key, expires_at) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, state = NULL WHERE claims.expires_at <= ?`,
    ),
    liveClaim: prep<[string, number], { state: string | null }>('SELECT state FROM claims WHERE key = ? AND expires_at > ?'),
    setClaimState: prep('UPDATE claims SET state = ? WHERE key = ?'),
    extendClaim: prep('UPDATE claims SET expires_at = ?, state = NULL WHERE key = ? AND expires_at > ?'),
    release: prep('DELETE FROM claims WHERE key = ?'),
    // A lock keeps its holder in `state` ('o:<owner>'), apart from pending dedup claims ('p…').
    claimAs: prep(
      `INSERT INTO claims (key, expires_at, state) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, state = excluded.state WHERE claims.expires_at <= ?`,
    ),
    releaseIfOwner: prep('DELETE FROM claims WHERE key = ? AND state = ?'),
    setRecord: prep(
      `INSERT INTO records (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    ),
    getRecord: prep<[string, number], { value: string }>(
      'SELECT value FROM records WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    getRecordRow: prep<[string, number], { value: string; expires_at: number | null }>(
      'SELECT value, expires_at FROM records WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    deleteRecord: prep('DELETE FROM records WHERE key = ?'),
    // An expired counter (not swept yet) counts as absent, as on Redis: it starts again at 1.
    incr: prep<[{ key: string; now: number }], { value: number }>(
      `INSERT INTO counters (key, value) VALUES (@key, 1)
       ON CONFLICT (key) DO UPDATE SET
         value = CASE WHEN counters.expires_at <= @now THEN 1 ELSE counters.value + 1 END,
         expires_at = CASE WHEN counters.expires_at <= @now THEN NULL ELSE counters.expires_at END
       RETURNING value`,
    ),
    getCounter: prep<[string, number], { value: number }>(
      'SELECT value FROM counters WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
    ),
    raise: prep<[{ key: string; value: number; now: number }], { value: number }>(
      `INSERT INTO counters (key, value) VALUES (@key, @value)
       ON CONFLICT (key) DO UPDATE SET
         value = CASE WHEN counters.expires_at <= @now THEN excluded.value ELSE max(counters.value, excluded.value) END,
         expires_at = CASE WHEN counters.expires_at <= @now THEN NULL ELSE counters.expires_at END
       RETURNING value`,
    ),
    expireCounter: prep('UPDATE counters SET expires_at = ? WHERE key = ?'),
    sweepCounters: prep('DELETE FROM counters WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    push: prep('INSERT INTO capped (key, value) VALUES (?, ?)'),
    trim: prep(`DELETE FROM capped WHERE key = ? AND seq NOT IN (SELECT seq FROM capped WHERE key = ? ORDER BY seq DESC LIMIT ?)`),
    listCapped: prep<[string, number], { value: string }>('SELECT value FROM capped WHERE key = ? ORDER BY seq DESC LIMIT ?'),
    // Stores the next free slot; the reserved slot is that minus the interval.
    reserve: prep<[{ key: string; now: number; interval: number }], { next_at: number }>(
      `INSERT INTO slots (key, next_at) VALUES (@key, @now + @interval)
       ON CONFLICT (key) DO UPDATE SET next_at = max(slots.next_at, @now) + @interval RETURNING next_at`,
    ),
    sweepClaims: prep('DELETE FROM claims WHERE expires_at <= ?'),
    sweepRecords: prep('DELETE FROM records WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    sweepSlots: prep('DELETE FROM slots WHERE next_at <= ?'),
    dropExpiredLeases: prep('DELETE FROM leases WHERE key = ? AND expires_at <= ?'),
    leaseHeld: prep<[string, string], { n: number }>('SELECT count(*) AS n FROM leases WHERE key = ? AND holder = ?'),
    leaseCount: prep<[string], { n: number }>('SELECT count(*) AS n FROM leases WHERE key = ?'),
    putLease: prep(
      'INSERT INTO leases (key, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (key, holder) DO UPDATE SET expires_at = excluded.expires_at',
    ),
    releaseLease: prep('DELETE FROM leases WHERE key = ? AND holder = ?'),
    sweepLeases: prep('DELETE FROM leases WHERE expires_at <= ?'),
  };

  const claimAndCountTx = db.transaction(
    (key: string, ttlSeconds: number, counterKey: string | undefined, aliasKey: string | undefined): ClaimResult => {
      const now = Date.now();
      const expires = now + Math.max(0, ttlSeconds) * 1000;
      const held = q.liveClaim.get(key, now);
      if (held) {
        const state = held.state;
        const seq = state?.startsWith('p:') ? Number(state.slice(2)) : undefined;
        const pending = state !== null && state.startsWith('p');
        return seq === undefined ? { claimed: false, pending } : { claimed: false, pending, seq };
      }
      // Seen under another delivery id: a duplicate with nothing of ours to finish.
      if (aliasKey && q.liveClaim.get(aliasKey, now)) return { claimed: false, pending: false };
      q.claim.run(key, expires, now);
      if (aliasKey) q.claim.run(aliasKey, expires, now);
      const seq = counterKey ? q.incr.get({ key: counterKey, now })!.value : undefined;
      const state = seq === undefined ? 'p' : `p:${seq}`;
      q.setClaimState.run(state, key);
      if (aliasKey) q.setClaimState.run(state, aliasKey);
      return seq === undefined ? { claimed: true } : { claimed: true, seq };
    },
  );
  const expireCounterAt = (key: string, ttlSeconds: number, now = Date.now()) =>
    q.expireCounter.run(now + Math.max(0, ttlSeconds) * 1000, key);
  const incrTx = db.transaction((key: string, ttlSeconds: number | undefined): number => {
    const now = Date.now();
    const value = q.incr.get({ key, now })!.value;
    if (value === 1 && ttlSeconds !== undefined) expireCounterAt(key, ttlSeconds, now);
    return value;
  });
  const raiseTx = db.transaction((key: string, value: number, ttlSeconds: number | undefined): number => {
    const now = Date.now();
    const out = q.raise.get({ key, value, now })!.value;
    if (ttlSeconds !== undefined) expireCounterAt(key, ttlSeconds, now);
    return out;
  });
  const acquireLeaseTx = db.transaction((key: string, holder: string, limit: number, leaseMs: number): boolean => {
    const now = Date.now();
    q.dropExpiredLeases.run(key, now);
    if (q.leaseHeld.get(key, holder)!.n === 0 && q.leaseCount.get(key)!.n >= limit) return false;
    q.putLease.run(key, holder, now + leaseMs);
    return true;
  });
  const markAttemptTx = db.transaction((key: string, token: number, liveMs: number, ttlSeconds: number): AttemptMark => {
    const now = Date.now();
    const row = q.getRecord.get(key, now);
    const d = markerDecision(row ? readMarker(JSON.parse(row.value)) : null, token, now, liveMs);
    if (d.result !== 'marked') return d;
    q.setRecord.run(key, JSON.stringify(d.next), now + Math.max(1, ttlSeconds) * 1000);
    return { result: 'marked', previous: d.previous };
  });
  const endAttemptTx = db.transaction((key: string, token: number, posted: boolean) => {
    const row = q.getRecordRow.get(key, Date.now());
    const m = row ? readMarker(JSON.parse(row.value)) : null;
    if (!row || !m || m.token !== token) return;
    // Nothing of this run's is in Slack, but an earlier run's may be (`first` is older): keep that.
    if (!posted && m.first >= m.at) q.deleteRecord.run(key);
    else q.setRecord.run(key, JSON.stringify({ ...m, ended: true }), row.expires_at);
  });
  const pushTx = db.transaction((key: string, value: string, max: number) => {
    q.push.run(key, value);
    q.trim.run(key, key, max);
  });

  return {
    sweep(now) {
      q.sweepClaims.run(now);
      q.sweepRecords.run(now);
      q.sweepCounters.run(now);
      q.sweepLeases.run(now);
      q.sweepSlots.run(now - 60_000);
    },

    async claim(key, ttlSeconds) {
      const now = Date.now();
      return q.claim.run(key, now + Math.max(0, ttlSeconds) * 1000, now).changes === 1;
    },
    async claimAndCount(key, ttlSeconds, counterKey, aliasKey) {
      return claimAndCountTx.immediate(key, ttlSeconds, counterKey, aliasKey);
    },
    /** Synchronous forms, for a caller's own transaction (the embedded queue's `admit`). */
    claimsInTx: {
      claimAndCount: (key: string, ttlSeconds: number, counterKey?: string, aliasKey?: string) =>
        claimAndCountTx(key, ttlSeconds, counterKey, aliasKey),
      confirm: (key: string, ttlSeconds: number) => {
        const now = Date.now();
        q.extendClaim.run(now + Math.max(0, ttlSeconds) * 1000, key, now);
      },
    },
    async extendClaim(key, ttlSeconds) {
      const now = Date.now();
      return q.extendClaim.run(now + Math.max(0, ttlSeconds) * 1000, key, now).changes === 1;
    },
    async release(key) {
      q.release.run(key);
    },
    async claimAs(key, owner, ttlSeconds) {
      const now = Date.now();
      return q.claimAs.run(key, now + Math.max(0, ttlSeconds) * 1000, `o:${owner}`, now).changes === 1;
    },
    async releaseIfOwner(key, owner) {
      return q.releaseIfOwner.run(key, `o:${owner}`).changes === 1;
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
    async markAttempt(key, token, liveMs, ttlSeconds) {
      return markAttemptTx.immediate(key, Math.floor(token), Math.max(0, Math.floor(liveMs)), Math.ceil(ttlSeconds));
    },
    async endAttempt(key, token, posted) {
      endAttemptTx.immediate(key, Math.floor(token), posted);
    },

    async incr(key, ttlSeconds) {
      return incrTx.immediate(key, ttlSeconds);
    },
    async getCounter(key) {
      return q.getCounter.get(key, Date.now())?.value ?? 0;
    },
    async raiseCounter(key, value, ttlSeconds) {
      return raiseTx.immediate(key, value, ttlSeconds);
    },
    async expireCounter(key, ttlSeconds) {
      expireCounterAt(key, ttlSeconds);
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

    async acquireLease(key, holder, limit, leaseMs) {
      return acquireLeaseTx.immediate(key, holder, Math.max(0, Math.floor(limit)), Math.max(1, Math.ceil(leaseMs)));
    },
    async releaseLease(key, holder) {
      q.releaseLease.run(key, holder);
    },
  };
}
