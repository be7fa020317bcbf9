/** `KeyValue` on Redis: single commands (`SET NX`, `INCR`) or Lua scripts, so races stay atomic. */

import type { AttemptMark, ClaimResult, KeyValue } from '../store.js';
import { readMarker } from '../attempt-marker.js';
import { parse, script, type RedisConn } from './conn.js';

// Dedup claim, its optional alias (the body-hash claim) and the thread's sequence number in one
// round trip. The claim's value is 'p' or 'p:<seq>' while pending, 'd' once confirmed.
// ARGV[2] = '1' when KEYS[2] is the alias; the counter, if any, is the last key.
// A live alias alone means "seen under another delivery id": a duplicate with nothing of ours to
// finish, so it reads as confirmed ('d').
const CLAIM_AND_COUNT = script(`
local hasAlias = ARGV[2] == '1'
local counter = KEYS[hasAlias and 3 or 2]
local held = redis.call('GET', KEYS[1])
if held then return {0, held} end
if hasAlias and redis.call('EXISTS', KEYS[2]) == 1 then return {0, 'd'} end
local v = 'p'
if counter then v = 'p:' .. redis.call('INCR', counter) end
redis.call('SET', KEYS[1], v, 'EX', ARGV[1])
if hasAlias then redis.call('SET', KEYS[2], v, 'EX', ARGV[1]) end
return {1, v}`);

// ARGV[2], when set: the counter's TTL in seconds from now, raised or not (SET drops it).
const RAISE_COUNTER = script(`
local raw = redis.call('GET', KEYS[1])
local out = raw
if raw == false or tonumber(raw) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
  out = ARGV[1]
end
if ARGV[2] then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return out`);

// A counter that starts here expires in ARGV[1] seconds; a running one keeps its expiry.
const INCR_EXPIRING = script(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`);

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

// The fenced attempt marker (`attempt-marker.ts`: the same rule as \`markerDecision\`). An earlier
// version's marker is a bare number: the attempt time, with no token.
// ARGV: token, now, liveMs, ttl. Returns {'fenced'} | {'busy', retryInMs} | {'marked', previous JSON or ''}.
const MARK_ATTEMPT = script(`
local token, now, live = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local raw = redis.call('GET', KEYS[1])
local prev = nil
if raw then
  local ok, v = pcall(cjson.decode, raw)
  if ok and type(v) == 'number' then prev = {token = 0, at = v, first = v, ended = false}
  elseif ok and type(v) == 'table' and tonumber(v.token) and tonumber(v.at) then
    prev = {token = tonumber(v.token), at = tonumber(v.at), first = tonumber(v.first) or tonumber(v.at), ended = v.ended == true}
  end
end
if prev and prev.token > token then return {'fenced'} end
local older = nil
if prev and prev.token < token then older = prev end
if older and not older.ended and now - older.at < live then return {'busy', tostring(math.max(1, live - (now - older.at)))} end
local first = now
if prev and prev.first < now then first = prev.first end
local mine = string.format('{"token":%d,"at":%d,"first":%d,"ended":false}', token, now, first)
redis.call('SET', KEYS[1], mine, 'EX', ARGV[4])
if older then
  return {'marked', string.format('{"token":%d,"at":%d,"first":%d,"ended":%s}', older.token, older.at, older.first, tostring(older.ended))}
end
return {'marked', ''}`);

// Ends an attempt only while the marker is the run's own. ARGV: token, posted ('1' maybe, '0' no).
const END_ATTEMPT = script(`
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, v = pcall(cjson.decode, raw)
if not ok or type(v) ~= 'table' or tonumber(v.token) ~= tonumber(ARGV[1]) then return 0 end
-- Nothing of this run's is in Slack, but an earlier run's may be (first is older): keep that.
if ARGV[2] == '0' and (tonumber(v.first) or tonumber(v.at)) >= tonumber(v.at) then return redis.call('DEL', KEYS[1]) end
local ttl = redis.call('TTL', KEYS[1])
local ended = string.format('{"token":%d,"at":%d,"first":%d,"ended":true}', tonumber(v.token), tonumber(v.at), tonumber(v.first) or tonumber(v.at))
if ttl > 0 then redis.call('SET', KEYS[1], ended, 'EX', ttl) else redis.call('SET', KEYS[1], ended) end
return 1`);

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

/** Where each kind of `KeyValue` entry lives on Redis (the inbox's claim script writes claims and counters too). */
export function kvKeys(p: string) {
  return {
    claim: (key: string) => `${p}claim:${key}`,
    rec: (key: string) => `${p}rec:${key}`,
    ctr: (key: string) => `${p}ctr:${key}`,
    list: (key: string) => `${p}list:${key}`,
    slot: (key: string) => `${p}slot:${key}`,
    lease: (key: string) => `${p}lease:${key}`,
  };
}

export function createRedisKeyValue(conn: RedisConn): KeyValue {
  const { ready, run } = conn;
  const k = kvKeys(conn.prefix);
  return {
    async claim(key, ttlSeconds) {
      const res = await (await ready()).set(k.claim(key), '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX');
      return res === 'OK';
    },
    async claimAndCount(key, ttlSeconds, counterKey, aliasKey): Promise<ClaimResult> {
      const keys = [k.claim(key), ...(aliasKey ? [k.claim(aliasKey)] : []), ...(counterKey ? [k.ctr(counterKey)] : [])];
      const args = [String(Math.max(1, Math.ceil(ttlSeconds))), aliasKey ? '1' : '0'];
      const [won, value] = (await run(CLAIM_AND_COUNT, keys, args)) as [number, string];
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
    async markAttempt(key, token, liveMs, ttlSeconds): Promise<AttemptMark> {
      const args = [
        String(Math.floor(token)),
        String(Date.now()),
        String(Math.max(0, Math.floor(liveMs))),
        String(Math.max(1, Math.ceil(ttlSeconds))),
      ];
      const res = (await run(MARK_ATTEMPT, [k.rec(key)], args)) as string[];
      if (res[0] === 'fenced') return { result: 'fenced' };
      if (res[0] === 'busy') return { result: 'busy', retryInMs: Number(res[1]) };
      return { result: 'marked', previous: res[1] ? readMarker(JSON.parse(res[1])) : null };
    },
    async endAttempt(key, token, posted) {
      await run(END_ATTEMPT, [k.rec(key)], [String(Math.floor(token)), posted ? '1' : '0']);
    },
    async deleteRecord(key) {
      await (await ready()).del(k.rec(key));
    },

    async incr(key, ttlSeconds) {
      if (ttlSeconds === undefined) return (await ready()).incr(k.ctr(key));
      return Number(await run(INCR_EXPIRING, [k.ctr(key)], [String(Math.max(1, Math.ceil(ttlSeconds)))]));
    },
    async getCounter(key) {
      return Number((await (await ready()).get(k.ctr(key))) ?? 0);
    },
    async raiseCounter(key, value, ttlSeconds) {
      const ttl = ttlSeconds === undefined ? [] : [String(Math.max(1, Math.ceil(ttlSeconds)))];
      return Number(await run(RAISE_COUNTER, [k.ctr(key)], [String(value), ...ttl]));
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
      return (
        Number(await run(ACQUIRE_LEASE, [k.lease(key)], [holder, Math.max(0, Math.floor(limit)), Math.max(1, Math.ceil(leaseMs))])) === 1
      );
    },
    async releaseLease(key, holder) {
      await (await ready()).zrem(k.lease(key), holder);
    },
  };
}
