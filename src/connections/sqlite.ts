/**
 * `ConnectionRepo` on SQLite. The table is created here (IF NOT EXISTS) rather than as a numbered
 * migration, so it needs no place in the shared migration list.
 */

import type Database from 'better-sqlite3';
import { preparer } from '../store/sqlite/schema.js';
import { matches, type Connection, type ConnectionRepo } from './repo.js';

export function createSqliteConnections(db: Database.Database): ConnectionRepo {
  db.exec(`CREATE TABLE IF NOT EXISTS connections (
     source TEXT NOT NULL, team_id TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL,
     PRIMARY KEY (source, team_id, key));
   CREATE INDEX IF NOT EXISTS connections_key ON connections (source, key);`);
  const prep = preparer(db);
  const q = {
    put: prep(
      `INSERT INTO connections (source, team_id, key, json) VALUES (?, ?, ?, ?)
       ON CONFLICT (source, team_id, key) DO UPDATE SET json = excluded.json`,
    ),
    all: prep<[], { json: string }>('SELECT json FROM connections'),
    bySource: prep<[string], { json: string }>('SELECT json FROM connections WHERE source = ?'),
    byKey: prep<[string, string], { json: string }>('SELECT json FROM connections WHERE source = ? AND key = ?'),
    byTeam: prep<[string], { json: string }>('SELECT json FROM connections WHERE team_id = ?'),
    del: prep<[string, string, string]>('DELETE FROM connections WHERE source = ? AND team_id = ? AND key = ?'),
  };
  const rows = (f: { source?: string; teamId?: string; key?: string }) => {
    const raw =
      f.teamId !== undefined
        ? q.byTeam.all(f.teamId)
        : f.source !== undefined && f.key !== undefined
          ? q.byKey.all(f.source, f.key)
          : f.source !== undefined
            ? q.bySource.all(f.source)
            : q.all.all();
    return raw.map((r) => JSON.parse(r.json) as Connection).filter((c) => matches(c, f));
  };
  return {
    async putConnection(c) {
      q.put.run(c.source, c.teamId, c.key, JSON.stringify(c));
    },
    async listConnections(filter) {
      return rows(filter);
    },
    async deleteConnections(filter) {
      const gone = rows(filter);
      db.transaction(() => {
        for (const c of gone) q.del.run(c.source, c.teamId, c.key);
      })();
      return gone.length;
    },
  };
}
