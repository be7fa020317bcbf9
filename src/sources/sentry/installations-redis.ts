/** `SentryInstallationRepo` on Redis: one hash of records by uuid, plus a set of uuids per org. */

import { parse, type RedisConn } from '../../store/redis/conn.js';
import type { SentryInstallationRecord, SentryInstallationRepo } from './installations-repo.js';

export function createRedisSentryInstallations(conn: RedisConn): SentryInstallationRepo {
  const { ready } = conn;
  const k = {
    inst: `${conn.prefix}sentry:inst`,
    org: (org: string) => `${conn.prefix}sentry:org:${org}`,
  };

  async function getInstallations(uuids: string[]): Promise<SentryInstallationRecord[]> {
    if (uuids.length === 0) return [];
    const raws = await (await ready()).hmget(k.inst, ...uuids);
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as SentryInstallationRecord);
  }

  return {
    async putSentryInstallation(rec) {
      const r = await ready();
      const old = parse<SentryInstallationRecord>(await r.hget(k.inst, rec.uuid));
      // One command per key (Redis Cluster slots); readers check a record's org, so a stale
      // index entry is harmless.
      await r.hset(k.inst, rec.uuid, JSON.stringify(rec));
      if (old?.org && old.org !== rec.org) await r.srem(k.org(old.org), rec.uuid);
      if (rec.org) await r.sadd(k.org(rec.org), rec.uuid);
    },
    async getSentryInstallation(uuid) {
      return parse<SentryInstallationRecord>(await (await ready()).hget(k.inst, uuid));
    },
    async findSentryInstallationByOrg(org) {
      const recs = (await getInstallations(await (await ready()).smembers(k.org(org)))).filter((i) => i.org === org);
      // Prefer one that can make API calls, then the most recently updated.
      recs.sort((a, b) => Number(!!b.token) - Number(!!a.token) || b.updatedAt.localeCompare(a.updatedAt));
      return recs[0] ?? null;
    },
    async deleteSentryInstallation(uuid) {
      const r = await ready();
      const old = parse<SentryInstallationRecord>(await r.hget(k.inst, uuid));
      await r.hdel(k.inst, uuid);
      if (old?.org) await r.srem(k.org(old.org), uuid);
    },
  };
}
