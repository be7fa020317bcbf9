/** `SentryInstallationRepo` on SQLite (the `sentry_installations` table of the store's file). */

import type Database from 'better-sqlite3';
import { preparer } from '../../store/sqlite/schema.js';
import type { SentryInstallationRecord, SentryInstallationRepo } from './installations-repo.js';

export function createSqliteSentryInstallations(db: Database.Database): SentryInstallationRepo {
  const prep = preparer(db);
  const q = {
    put: prep(
      `INSERT INTO sentry_installations (uuid, org, has_token, updated_at, json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (uuid) DO UPDATE SET org = excluded.org, has_token = excluded.has_token,
         updated_at = excluded.updated_at, json = excluded.json`,
    ),
    get: prep<[string], { json: string }>('SELECT json FROM sentry_installations WHERE uuid = ?'),
    byOrg: prep<[string], { json: string }>(
      'SELECT json FROM sentry_installations WHERE org = ? ORDER BY has_token DESC, updated_at DESC LIMIT 1',
    ),
    del: prep('DELETE FROM sentry_installations WHERE uuid = ?'),
  };
  return {
    async putSentryInstallation(rec) {
      q.put.run(rec.uuid, rec.org ?? null, rec.token ? 1 : 0, rec.updatedAt, JSON.stringify(rec));
    },
    async getSentryInstallation(uuid) {
      const row = q.get.get(uuid);
      return row ? (JSON.parse(row.json) as SentryInstallationRecord) : null;
    },
    async findSentryInstallationByOrg(org) {
      const row = q.byOrg.get(org);
      return row ? (JSON.parse(row.json) as SentryInstallationRecord) : null;
    },
    async deleteSentryInstallation(uuid) {
      q.del.run(uuid);
    },
  };
}
