/** `SubscriptionRepo` on SQLite: one row per subscription, unique by team, channel, source and target. */

import type Database from 'better-sqlite3';
import type { Subscription, SubscriptionRepo } from '../store.js';
import { preparer } from './schema.js';

interface SubRow {
  id: string;
  disabled: string | null;
  json: string;
}
function subFromRow(row: SubRow): Subscription {
  const sub = { ...(JSON.parse(row.json) as Omit<Subscription, 'id'>), id: row.id };
  if (row.disabled) sub.disabled = JSON.parse(row.disabled);
  return sub;
}

export function createSqliteSubscriptions(db: Database.Database): SubscriptionRepo {
  const prep = preparer(db);
  const q = {
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
  };
  return {
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
      if (filter.teamId) {
        where.push('team_id = ?');
        args.push(filter.teamId);
      }
      if (filter.channelId) {
        where.push('channel_id = ?');
        args.push(filter.channelId);
      }
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
  };
}
