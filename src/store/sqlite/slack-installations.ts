/** `SlackInstallationRepo` on SQLite: opaque JSON by team or enterprise id. */

import type Database from 'better-sqlite3';
import type { SlackInstallationRepo } from '../store.js';
import { preparer } from './schema.js';

export function createSqliteSlackInstallations(db: Database.Database): SlackInstallationRepo {
  const prep = preparer(db);
  const q = {
    put: prep('INSERT INTO slack_installations (id, value) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value'),
    get: prep<[string], { value: string }>('SELECT value FROM slack_installations WHERE id = ?'),
    del: prep('DELETE FROM slack_installations WHERE id = ?'),
  };
  return {
    async putSlackInstallation(id, value) {
      q.put.run(id, value);
    },
    async getSlackInstallation(id) {
      return q.get.get(id)?.value ?? null;
    },
    async deleteSlackInstallation(id) {
      q.del.run(id);
    },
  };
}
