/** `ThreadRepo` on SQLite: one row per thread; claims are IMMEDIATE transactions. */

import type Database from 'better-sqlite3';
import { THREAD_TTL_SECONDS, type ThreadRecord, type ThreadRepo } from '../store.js';
import { mergeState } from '../merge.js';
import { preparer } from './schema.js';

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

export function createSqliteThreads(db: Database.Database): ThreadRepo & { sweep(now: number): void } {
  const prep = preparer(db);
  const q = {
    getThread: prep<[string, string, string], ThreadRow>('SELECT * FROM threads WHERE team_id = ? AND channel_id = ? AND thread_key = ?'),
    insertThread: prep(
      `INSERT INTO threads (team_id, channel_id, thread_key, ts, owner, claimed_at, subject_kind, state, state_times, updated_at)
       VALUES (?, ?, ?, NULL, ?, ?, ?, '{}', '{}', ?) ON CONFLICT DO NOTHING`,
    ),
    threadByTs: prep<[string, string, string], ThreadRow>('SELECT * FROM threads WHERE team_id = ? AND channel_id = ? AND ts = ? LIMIT 1'),
    sweep: prep('DELETE FROM threads WHERE updated_at < ?'),
    writeState: prep(
      'UPDATE threads SET state = ?, state_times = ?, updated_at = ? WHERE team_id = ? AND channel_id = ? AND thread_key = ?',
    ),
  };
  // Read, merge and write in one IMMEDIATE transaction: other connections (processes) wait.
  const mergeStateTx = db.transaction(
    (teamId: string, channelId: string, threadKey: string, patch: Record<string, unknown>, time: string): ThreadRecord | null => {
      const row = q.getThread.get(teamId, channelId, threadKey);
      if (!row) return null;
      const merged = mergeState(JSON.parse(row.state), JSON.parse(row.state_times), patch, time);
      const updatedAt = new Date().toISOString();
      const state = JSON.stringify(merged.state);
      const times = JSON.stringify(merged.stateTimes);
      q.writeState.run(state, times, updatedAt, teamId, channelId, threadKey);
      return threadFromRow({ ...row, state, state_times: times, updated_at: updatedAt });
    },
  );
  const claimThreadTx = db.transaction(
    (teamId: string, channelId: string, threadKey: string, owner: string, subjectKind: string | undefined) => {
      const now = new Date().toISOString();
      const inserted = q.insertThread.run(teamId, channelId, threadKey, owner, now, subjectKind ?? null, now).changes === 1;
      const record = threadFromRow(q.getThread.get(teamId, channelId, threadKey)!);
      return { won: inserted || record.owner === owner, record };
    },
  );
  return {
    sweep(now) {
      // Threads quiet for longer than the retention start afresh, as on Redis.
      q.sweep.run(new Date(now - THREAD_TTL_SECONDS * 1000).toISOString());
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
      if (patch.ts !== undefined) {
        sets.push('ts = ?');
        args.push(patch.ts);
      }
      if (patch.state !== undefined) {
        sets.push('state = ?');
        args.push(JSON.stringify(patch.state));
      }
      if (patch.stateTimes !== undefined) {
        sets.push('state_times = ?');
        args.push(JSON.stringify(patch.stateTimes));
      }
      db.prepare(`UPDATE threads SET ${sets.join(', ')} WHERE team_id = ? AND channel_id = ? AND thread_key = ?`).run(
        ...args,
        teamId,
        channelId,
        threadKey,
      );
    },
    async mergeThreadState(teamId, channelId, threadKey, patch, time) {
      return mergeStateTx.immediate(teamId, channelId, threadKey, patch, time);
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
  };
}
