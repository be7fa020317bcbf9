/** `KeyValue` on Redis: single commands (`SET NX`, `INCR`) or Lua scripts, so races stay atomic. */

import type { ClaimResult, KeyValue } from '../store.js';
import { parse, script, type RedisConn } from './conn.js';

// Dedup claim and the thread's sequence number in one round trip.
// The claim's value is 'p' or 'p:<seq>' while pending, 'd' once confirmed.
const CLAIM_AND_COUNT = script(`
if not redis.call('SET', KEYS[1], 'p', 'EX', ARGV[1], 'NX') then return {0, redis.call('GET', KEYS[1]) or 'd'} end
if KEYS[2] then
  local n = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], 'p:' .. n, 'EX', ARGV[1])
  return {1, 'p:' .. n}
end
return {1, 'p'}`);

const RAISE_COUNTER = script(`
local raw = redis.call('GET', KEYS[1])
if raw == false or tonumber(raw) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
  return ARGV[1]
end
return raw`);

// The key holds the next free slot (ms). Redis's clock, so every instance agrees on "now".
const RESERVE_SLOT = script(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, free)
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', slot + interval), 'PX', string.format('%d', slot + interval - now + 1000))
return slot - now`);

// Compare-and-delete: only the lock's holder frees it.
const RELEASE_IF_OWNER = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

// A sorted set of holders scored by lease expiry (Redis's clock): expired holders drop out first.
const ACQUIRE_LEASE = script(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
return 1`);

const PUSH_CAPPED = script(`
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return 1`);

export function createRedisKeyValue(conn: RedisConn): KeyValue {
  const { ready, run } = conn;
  const p = conn.prefix;
  const k = {
    claim: (key: string) => `${p}claim:${key}`,
    rec: (key: string) => `${p}rec:${key}`,
    ctr: (key: string) => `${p}ctr:${key}`,
    list: (key: string) => `${p}list:${key}`,
    slot: (key: string) => `${p}slot:${key}`,
    lease: (key: string) => `${p}lease:${key}`,
  };
  return {
    async claim(key, ttlSeconds) {
      const res = await (await ready()).set(k.claim(key), '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX');
      return res === 'OK';
    },
    async claimAndCount(key, ttlSeconds, counterKey): Promise<ClaimResult> {
      const keys = counterKey ? [k.claim(key), k.ctr(counterKey)] : [k.claim(key)];
      const [won, value] = (await run(CLAIM_AND_COUNT, keys, [String(Math.max(1, Math.ceil(ttlSeconds)))])) as [number, string];
      const seq = value.startsWith('p:') ? Number(value.slice(2)) : undefined;
      if (Number(won) === 1) return seq === undefined ? { claimed: true } : { claimed: true, seq };
      const pending = value.startsWith('p');
      return seq === undefined ? { claimed: false, pending } : { claimed: false, pending, seq };
    },
    async extendClaim(key, ttlSeconds) {
      return (await (await ready()).set(k.claim(key), 'd', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'XX')) === 'OK';
    },
    async release(key) {
      await (await ready()).del(k.claim(key));
    },
    async claimAs(key, owner, ttlSeconds) {
      const res = await (await ready()).set(k.claim(key), `o:${owner}`, 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX');
      return res === 'OK';
    },
    async releaseIfOwner(key, owner) {
      return Number(await run(RELEASE_IF_OWNER, [k.claim(key)], [`o:${owner}`])) === 1;
    },
    async setRecord(key, value, ttlSeconds) {
      const r = await ready();
      const json = JSON.stringify(value);
      if (ttlSeconds && ttlSeconds > 0) await r.set(k.rec(key), json, 'EX', Math.ceil(ttlSeconds));
      else await r.set(k.rec(key), json);
    },
    async getRecord<T>(key: string) {
      return parse<T>(await (await ready()).get(k.rec(key)));
    },
    async deleteRecord(key) {
      await (await ready()).del(k.rec(key));
    },

    async incr(key) {
      return (await ready()).incr(k.ctr(key));
    },
    async getCounter(key) {
      return Number((await (await ready()).get(k.ctr(key))) ?? 0);
    },
    async raiseCounter(key, value) {
      return Number(await run(RAISE_COUNTER, [k.ctr(key)], [String(value)]));
    },

    async expireCounter(key, ttlSeconds) {
      await (await ready()).expire(k.ctr(key), Math.max(1, Math.ceil(ttlSeconds)));
    },

    async pushCapped(key, value, max) {
      await run(PUSH_CAPPED, [k.list(key)], [JSON.stringify(value), Math.max(1, Math.floor(max))]);
    },
    async listCapped<T>(key: string, limit: number) {
      if (limit <= 0) return [];
      const raws = await (await ready()).lrange(k.list(key), 0, limit - 1);
      return raws.map((r) => JSON.parse(r) as T);
    },

    async reserveSlot(key, intervalMs) {
      return Number(await run(RESERVE_SLOT, [k.slot(key)], [Math.max(0, Math.ceil(intervalMs))]));
    },

    async acquireLease(key, holder, limit, leaseMs) {
      return Number(await run(ACQUIRE_LEASE, [k.lease(key)], [holder, Math.max(0, Math.floor(limit)), Math.max(1, Math.ceil(leaseMs))])) === 1;
    },
    async releaseLease(key, holder) {
      await (await ready()).zrem(k.lease(key), holder);
    },
  };
}
