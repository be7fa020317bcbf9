/** `SubscriptionRepo` on Redis: one hash of records, plus sets by target, team and channel. */

import type { Subscription, SubscriptionRepo } from '../store.js';
import { parse, type RedisConn } from './conn.js';

function sortSubs(subs: Subscription[]): Subscription[] {
  return subs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export function createRedisSubscriptions(conn: RedisConn): SubscriptionRepo {
  const { ready } = conn;
  const p = conn.prefix;
  const k = {
    subs: `${p}subs`,
    subNatural: `${p}subs:natural`,
    subTarget: (source: string, target: string) => `${p}subs:target:${source}:${target}`,
    subTeam: (teamId: string) => `${p}subs:team:${teamId}`,
    subChannel: (teamId: string, channelId: string) => `${p}subs:channel:${teamId}:${channelId}`,
  };
  const natural = (s: Pick<Subscription, 'teamId' | 'channelId' | 'source' | 'target'>) =>
    JSON.stringify([s.teamId, s.channelId, s.source, s.target]);

  async function getSubs(ids: string[]): Promise<Subscription[]> {
    if (ids.length === 0) return [];
    const raws = await (await ready()).hmget(k.subs, ...ids);
    return sortSubs(raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Subscription));
  }

  return {
    async upsertSubscription(sub) {
      const r = await ready();
      const nat = natural(sub);
      // HSETNX decides the id once, so two concurrent upserts of one subscription agree on it.
      let id = await r.hget(k.subNatural, nat);
      if (id === null) {
        id = (await r.hsetnx(k.subNatural, nat, sub.id)) === 1 ? sub.id : await r.hget(k.subNatural, nat);
      }
      const stored: Subscription = { ...sub, id: id ?? sub.id };
      // One command per key (on a Redis Cluster they live in different slots). The record goes
      // first: an index entry never points at nothing for long, and readers skip one that does.
      await r.hset(k.subs, stored.id, JSON.stringify(stored));
      await Promise.all([
        r.sadd(k.subTarget(stored.source, stored.target), stored.id),
        r.sadd(k.subTeam(stored.teamId), stored.id),
        r.sadd(k.subChannel(stored.teamId, stored.channelId), stored.id),
      ]);
      return stored;
    },
    async removeSubscription(teamId, channelId, source, target) {
      const r = await ready();
      const nat = natural({ teamId, channelId, source, target });
      const id = await r.hget(k.subNatural, nat);
      if (id === null) return false;
      const removed = await r.hdel(k.subs, id);
      await Promise.all([
        r.hdel(k.subNatural, nat),
        r.srem(k.subTarget(source, target), id),
        r.srem(k.subTeam(teamId), id),
        r.srem(k.subChannel(teamId, channelId), id),
      ]);
      return removed > 0;
    },
    async listSubscriptions(filter = {}) {
      const r = await ready();
      if (filter.teamId && filter.channelId) return getSubs(await r.smembers(k.subChannel(filter.teamId, filter.channelId)));
      if (filter.teamId) return getSubs(await r.smembers(k.subTeam(filter.teamId)));
      const all = sortSubs(Object.values(await r.hgetall(k.subs)).map((v) => JSON.parse(v) as Subscription));
      return filter.channelId ? all.filter((s) => s.channelId === filter.channelId) : all;
    },
    async findSubscriptions(source: string, targets: string[]) {
      if (targets.length === 0) return [];
      const r = await ready();
      // A set per target, read one by one: SUNION cannot span Redis Cluster slots.
      const sets = await Promise.all(targets.map((t) => r.smembers(k.subTarget(source, t))));
      return getSubs([...new Set(sets.flat())]);
    },
    async getSubscription(id) {
      return parse<Subscription>(await (await ready()).hget(k.subs, id));
    },
    async setSubscriptionDisabled(id, disabled) {
      const r = await ready();
      const sub = parse<Subscription>(await r.hget(k.subs, id));
      if (!sub) return;
      await r.hset(k.subs, id, JSON.stringify({ ...sub, disabled }));
    },
  };
}
