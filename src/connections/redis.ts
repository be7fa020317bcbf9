/**
 * `ConnectionRepo` on Redis: one hash of rows by `source|team|key`, plus a set of row ids per team
 * and per (source, key), so lookups by team (list, App Home) and by key (routing, a Bugsee token)
 * read only their own rows.
 */

import { parse, type RedisConn } from '../store/redis/conn.js';
import { matches, type Connection, type ConnectionFilter, type ConnectionRepo } from './repo.js';

export function createRedisConnections(conn: RedisConn): ConnectionRepo {
  const { ready } = conn;
  const k = {
    // One hash tag: the MULTI blocks below touch several of these keys, and a Cluster runs a
    // transaction only within one slot.
    rows: `${conn.prefix}{conn}:rows`,
    team: (teamId: string) => `${conn.prefix}{conn}:team:${teamId}`,
    key: (source: string, key: string) => `${conn.prefix}{conn}:key:${source}:${key}`,
    source: (source: string) => `${conn.prefix}{conn}:source:${source}`,
  };
  const idOf = (c: Pick<Connection, 'source' | 'teamId' | 'key'>) => JSON.stringify([c.source, c.teamId, c.key]);

  async function rows(f: ConnectionFilter): Promise<Connection[]> {
    const r = await ready();
    const ids =
      f.teamId !== undefined
        ? await r.smembers(k.team(f.teamId))
        : f.source !== undefined && f.key !== undefined
          ? await r.smembers(k.key(f.source, f.key))
          : f.source !== undefined
            ? await r.smembers(k.source(f.source))
            : await r.hkeys(k.rows);
    if (ids.length === 0) return [];
    const raws = await r.hmget(k.rows, ...ids);
    return raws
      .map((x) => parse<Connection>(x))
      .filter((c): c is Connection => c !== null)
      .filter((c) => matches(c, f));
  }

  return {
    async putConnection(c) {
      const id = idOf(c);
      await (
        await ready()
      )
        .multi()
        .hset(k.rows, id, JSON.stringify(c))
        .sadd(k.team(c.teamId), id)
        .sadd(k.key(c.source, c.key), id)
        .sadd(k.source(c.source), id)
        .exec();
    },
    listConnections: rows,
    async deleteConnections(filter) {
      const gone = await rows(filter);
      if (gone.length === 0) return 0;
      const tx = (await ready()).multi();
      for (const c of gone) {
        const id = idOf(c);
        tx.hdel(k.rows, id).srem(k.team(c.teamId), id).srem(k.key(c.source, c.key), id).srem(k.source(c.source), id);
      }
      await tx.exec();
      return gone.length;
    },
  };
}
