/**
 * `DeadLetterRepo` on Redis. Records live in one hash; sorted sets order them (all, per team, per
 * pool) and date them for the 30-day sweep. Adding, dropping and capping are Lua scripts, so a
 * flood from many instances still leaves each pool within its cap.
 */

import type { DeadLetter, DeadLetterRepo, DeadLetterStoreOptions } from '../store.js';
import { deadLetterPool } from '../store.js';
import { deadLetterSettings, prepareDeadLetter, withCount } from '../dead-letters.js';
import { parse, script, type RedisConn } from './conn.js';

// Keys are built from the base (ARGV[1], also KEYS[1]) inside the scripts: a dropped record names
// its team set. The base is a hash tag (\`<prefix>{dl}\`), so every key built from it shares the
// base's Redis Cluster slot: the scripts touch one slot, and KEYS[1] routes them there.
const LIB = `
local b = ARGV[1]
local DL, IDS, SEQ, SHA, CNT, AT, BYTES = b, b..':ids', b..':seq', b..':sha', b..':count', b..':at', b..':bytes'
local function drop(id)
  local raw = redis.call('HGET', DL, id)
  redis.call('ZREM', IDS, id)
  redis.call('ZREM', AT, id)
  redis.call('HDEL', CNT, id)
  redis.call('ZREM', b..':pool:rejected', id)
  redis.call('ZREM', b..':pool:delivery', id)
  if not raw then return 0 end
  redis.call('HDEL', DL, id)
  local ok, d = pcall(cjson.decode, raw)
  if ok and type(d) == 'table' then
    if type(d.teamId) == 'string' then redis.call('ZREM', b..':team:'..d.teamId, id) end
    redis.call('HINCRBY', BYTES, d.source == 'delivery' and 'delivery' or 'rejected', -#raw)
    if type(d.bodySha256) == 'string' and redis.call('HGET', SHA, d.bodySha256) == id then redis.call('HDEL', SHA, d.bodySha256) end
  end
  return 1
end
local function sweep(now, ttlMs)
  local old = redis.call('ZRANGEBYSCORE', AT, '-inf', '(' .. (now - ttlMs), 'LIMIT', 0, 1000)
  for _, id in ipairs(old) do drop(id) end
  return #old
end
`;

// ARGV: prefix, id, json, teamId, sha, pool, maxCount, maxBytes, now, ttlMs. Returns {added, id, dropped}.
const ADD = script(`${LIB}
local id, json, team, sha, pool = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local maxCount, maxBytes, now, ttlMs = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
sweep(now, ttlMs)
if sha ~= '' then
  local existing = redis.call('HGET', SHA, sha)
  if existing and existing ~= id and redis.call('HEXISTS', DL, existing) == 1 then
    redis.call('HINCRBY', CNT, existing, 1)
    return {0, existing, 0}
  end
end
drop(id)
local seq = redis.call('INCR', SEQ)
local POOL = b..':pool:'..pool
redis.call('HSET', DL, id, json)
redis.call('ZADD', IDS, seq, id)
redis.call('ZADD', AT, now, id)
redis.call('ZADD', POOL, seq, id)
redis.call('HINCRBY', BYTES, pool, #json)
local ttl = math.ceil(ttlMs / 1000)
if team ~= '' then
  redis.call('ZADD', b..':team:'..team, seq, id)
  redis.call('EXPIRE', b..':team:'..team, ttl)
end
if sha ~= '' then redis.call('HSET', SHA, sha, id) end
local dropped = 0
while redis.call('ZCARD', POOL) > 0 and (redis.call('ZCARD', POOL) > maxCount or tonumber(redis.call('HGET', BYTES, pool) or '0') > maxBytes) do
  drop(redis.call('ZRANGE', POOL, 0, 0)[1])
  dropped = dropped + 1
end
-- Everything here is younger than the newest record: when that is past the retention, so is all.
for _, key in ipairs({DL, IDS, SEQ, SHA, CNT, AT, BYTES, POOL}) do redis.call('EXPIRE', key, ttl) end
return {1, id, dropped}`);

const DROP = script(`${LIB}
return drop(ARGV[2])`);

const SWEEP = script(`${LIB}
return sweep(tonumber(ARGV[2]), tonumber(ARGV[3]))`);

// A dead letter kept under the keys of an earlier version (before hash tags; maybe before pools
// and ages). ARGV: base, id, json, seq, at (ms), pool, extra copies seen, ttlMs.
const ADOPT = script(`${LIB}
local id, raw, seq, pool = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[6]
if redis.call('HEXISTS', DL, id) == 1 then return 0 end
redis.call('HSET', DL, id, raw)
redis.call('ZADD', IDS, seq, id)
redis.call('ZADD', AT, ARGV[5], id)
redis.call('ZADD', b..':pool:'..pool, seq, id)
redis.call('HINCRBY', BYTES, pool, #raw)
if tonumber(ARGV[7]) > 0 then redis.call('HSET', CNT, id, ARGV[7]) end
if tonumber(redis.call('GET', SEQ) or '0') < seq then redis.call('SET', SEQ, seq) end
local ttl = math.ceil(tonumber(ARGV[8]) / 1000)
local ok, d = pcall(cjson.decode, raw)
if ok and type(d) == 'table' then
  if type(d.teamId) == 'string' then
    redis.call('ZADD', b..':team:'..d.teamId, seq, id)
    redis.call('EXPIRE', b..':team:'..d.teamId, ttl)
  end
  if type(d.bodySha256) == 'string' then redis.call('HSET', SHA, d.bodySha256, id) end
end
for _, key in ipairs({DL, IDS, SEQ, SHA, CNT, AT, BYTES, b..':pool:'..pool}) do redis.call('EXPIRE', key, ttl) end
return 1`);

export function createRedisDeadLetters(conn: RedisConn, opts?: DeadLetterStoreOptions): DeadLetterRepo {
  const { ready, run } = conn;
  const p = conn.prefix;
  const settings = deadLetterSettings(opts);
  const { limits } = settings;
  const ttlMs = limits.ttlSeconds * 1000;
  const base = `${p}{dl}`;
  const k = {
    dl: base,
    ids: `${base}:ids`,
    count: `${base}:count`,
    at: `${base}:at`,
    bytes: `${base}:bytes`,
    pool: (pool: string) => `${base}:pool:${pool}`,
    team: (teamId: string) => `${base}:team:${teamId}`,
    adopted: `${base}:adopted`,
  };
  // Where an earlier version kept them (one node only: no hash tag).
  const old = {
    dl: `${p}dl`,
    ids: `${p}dl:ids`,
    count: `${p}dl:count`,
    at: `${p}dl:at`,
    others: ['seq', 'sha', 'bytes', 'adopted', 'pool:rejected', 'pool:delivery'].map((s) => `${p}dl:${s}`),
    team: (teamId: string) => `${p}dl:team:${teamId}`,
  };

  /**
   * Dead letters kept by an earlier version (under keys without a hash tag, maybe without pools
   * or ages) move to this version's keys once per Redis, one single-key read at a time, so they
   * are listed, capped and expire like the rest.
   */
  async function adoptLegacy(): Promise<void> {
    const r = await ready();
    if ((await r.exists(k.adopted)) === 1) return;
    const entries = await r.zrange(old.ids, 0, -1, 'WITHSCORES');
    const teams = new Set<string>();
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const id = entries[i];
      const raw = await r.hget(old.dl, id);
      if (raw === null) continue;
      const dl = parse<DeadLetter>(raw);
      if (dl?.teamId) teams.add(dl.teamId);
      const at = Number((await r.zscore(old.at, id)) ?? ((dl && Date.parse(dl.createdAt)) || settings.now()));
      const copies = Number((await r.hget(old.count, id)) ?? 0);
      await run(ADOPT, [base], [base, id, raw, entries[i + 1], at, deadLetterPool(dl ?? { source: '' }), copies, ttlMs]);
    }
    await r.set(k.adopted, '1');
    for (const key of [old.dl, old.ids, old.count, old.at, ...old.others, ...[...teams].map(old.team)]) await r.del(key);
  }
  let adopting: Promise<void> | undefined;
  const adopt = () =>
    (adopting ??= adoptLegacy().catch((err: unknown) => {
      adopting = undefined;
      throw err;
    }));
  const sweep = async () => {
    await adopt();
    await run(SWEEP, [base], [base, settings.now(), ttlMs]);
  };

  return {
    async addDeadLetter(input) {
      const { dl, json, pool, sha } = prepareDeadLetter(input);
      await adopt();
      const args = [base, dl.id, json, dl.teamId ?? '', sha, pool, limits.maxCount, limits.maxBytes, settings.now(), ttlMs];
      const [added, id, dropped] = (await run(ADD, [base], args)) as [number, string, number];
      settings.onDrop(pool, Number(dropped));
      return { id, added: Number(added) === 1 };
    },
    async listDeadLetters(limit, filter = {}) {
      if (limit <= 0) return [];
      await sweep();
      const r = await ready();
      const ids = await r.zrevrange(filter.teamId ? k.team(filter.teamId) : k.ids, 0, limit - 1);
      if (ids.length === 0) return [];
      const [raws, counts] = await Promise.all([r.hmget(k.dl, ...ids), r.hmget(k.count, ...ids)]);
      const out: DeadLetter[] = [];
      raws.forEach((raw, i) => {
        if (raw === null) return;
        const dl = JSON.parse(raw) as DeadLetter;
        // The stored count is the extra copies seen.
        if (!filter.teamId || dl.teamId === filter.teamId) out.push(withCount(dl, 1 + Number(counts[i] ?? 0)));
      });
      return out;
    },
    async getDeadLetter(id) {
      const r = await ready();
      const [raw, count, at] = await Promise.all([r.hget(k.dl, id), r.hget(k.count, id), r.zscore(k.at, id)]);
      const dl = parse<DeadLetter>(raw);
      if (!dl || (at !== null && Number(at) < settings.now() - ttlMs)) return null;
      return withCount(dl, 1 + Number(count ?? 0));
    },
    async removeDeadLetter(id) {
      return Number(await run(DROP, [base], [base, id])) === 1;
    },
    async deadLetterStats() {
      await sweep();
      const r = await ready();
      const [rejected, delivery, bytes] = await Promise.all([
        r.zcard(k.pool('rejected')),
        r.zcard(k.pool('delivery')),
        r.hmget(k.bytes, 'rejected', 'delivery'),
      ]);
      return {
        rejected: { count: rejected, bytes: Number(bytes[0] ?? 0) },
        delivery: { count: delivery, bytes: Number(bytes[1] ?? 0) },
        limits: { ...limits },
      };
    },
  };
}
