/**
 * `Store` on Redis (ioredis). Every key lives under `prefix`. The operations that must be atomic
 * under races are single commands (`SET NX`, `INCR`, `HSETNX`) or Lua scripts; nothing relies on
 * state held in this process, so any number of instances can share one Redis.
 */

import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DeadLetter, SentryInstallationRecord, Store, Subscription, ThreadRecord } from './store.js';
import { THREAD_TTL_SECONDS } from './store.js';

export interface RedisStoreOptions {
  url?: string;
  /** A client owned by the caller: the store never quits it. */
  client?: Redis;
  prefix: string;
  /** How long a call waits for a (re)connecting client before failing. */
  readyTimeoutMs?: number;
  pingTimeoutMs?: number;
  /** Connection errors (the client keeps reconnecting on its own). */
  onError?: (err: Error) => void;
}

export interface RedisStore extends Store {
  readonly kind: 'redis';
  readonly client: Redis;
  readonly prefix: string;
}

interface Script {
  src: string;
  sha: string;
}

function script(src: string): Script {
  return { src, sha: createHash('sha1').update(src).digest('hex') };
}

// Returns the existing record's fields, or nil after creating it: one round trip, no window.
// Thread records (and their ts index) live THREAD_TTL_SECONDS after their last update: a thread
// quiet for that long starts afresh with a new parent, and the store does not grow forever.
const CLAIM_THREAD = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HGETALL', KEYS[1]) end
redis.call('HSET', KEYS[1], unpack(ARGV))
redis.call('EXPIRE', KEYS[1], ${THREAD_TTL_SECONDS})
return false`);

// ARGV: tsMode (keep|null|set), ts, threadKey, the ts index key without the ts, then field/value pairs.
const UPDATE_THREAD = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] == 'set' then
  redis.call('HSET', KEYS[1], 'ts', ARGV[2])
  redis.call('SET', KEYS[2], ARGV[3], 'EX', ${THREAD_TTL_SECONDS})
elseif ARGV[1] == 'null' then
  redis.call('HDEL', KEYS[1], 'ts')
end
if #ARGV > 4 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
redis.call('EXPIRE', KEYS[1], ${THREAD_TTL_SECONDS})
local ts = redis.call('HGET', KEYS[1], 'ts')
if ts and ts ~= '' then redis.call('EXPIRE', ARGV[4] .. ts, ${THREAD_TTL_SECONDS}) end
return 1`);

// Only the holder's claim, and only while no parent was posted.
const RELEASE_THREAD = script(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'ts') == 1 and redis.call('HGET', KEYS[1], 'ts') ~= '' then return 0 end
redis.call('DEL', KEYS[1])
return 1`);

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

const PUSH_CAPPED = script(`
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return 1`);

function parse<T>(raw: string | null | undefined): T | null {
  return raw == null ? null : (JSON.parse(raw) as T);
}

function threadFromHash(h: Record<string, string>): ThreadRecord {
  const rec: ThreadRecord = {
    teamId: h.teamId,
    channelId: h.channelId,
    threadKey: h.threadKey,
    ts: h.ts ?? null,
    owner: h.owner,
    claimedAt: h.claimedAt,
    state: h.state ? JSON.parse(h.state) : {},
    stateTimes: h.stateTimes ? JSON.parse(h.stateTimes) : {},
    updatedAt: h.updatedAt,
  };
  if (h.subjectKind) rec.subjectKind = h.subjectKind;
  return rec;
}

function pairsToObject(arr: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < arr.length; i += 2) out[arr[i]] = arr[i + 1];
  return out;
}

function sortSubs(subs: Subscription[]): Subscription[] {
  return subs.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export function createRedisStore(opts: RedisStoreOptions): RedisStore {
  const owned = !opts.client;
  const client =
    opts.client ??
    new Redis(opts.url ?? 'redis://127.0.0.1:6379', {
      // Fail fast while Redis is down instead of queueing: /readyz must answer 503 promptly and
      // callers (ingest, workers) have their own retry paths.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
      commandTimeout: 5000,
    });
  if (owned) client.on('error', (err: Error) => opts.onError?.(err));
  const p = opts.prefix;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 2000;
  const pingTimeoutMs = opts.pingTimeoutMs ?? 1000;
  let closed = false;
  let waiting: Promise<Redis> | undefined;

  const k = {
    claim: (key: string) => `${p}claim:${key}`,
    rec: (key: string) => `${p}rec:${key}`,
    ctr: (key: string) => `${p}ctr:${key}`,
    list: (key: string) => `${p}list:${key}`,
    slot: (key: string) => `${p}slot:${key}`,
    subs: `${p}subs`,
    subNatural: `${p}subs:natural`,
    subTarget: (source: string, target: string) => `${p}subs:target:${source}:${target}`,
    subTeam: (teamId: string) => `${p}subs:team:${teamId}`,
    subChannel: (teamId: string, channelId: string) => `${p}subs:channel:${teamId}:${channelId}`,
    thread: (t: string, c: string, key: string) => `${p}thread:${t}:${c}:${key}`,
    threadTs: (t: string, c: string, ts: string) => `${p}thread-ts:${t}:${c}:${ts}`,
    sentryInst: `${p}sentry:inst`,
    sentryOrg: (org: string) => `${p}sentry:org:${org}`,
    slackInst: `${p}slack:inst`,
    dl: `${p}dl`,
    dlSeq: `${p}dl:seq`,
    dlIds: `${p}dl:ids`,
    dlTeam: (teamId: string) => `${p}dl:team:${teamId}`,
  };
  const natural = (s: Pick<Subscription, 'teamId' | 'channelId' | 'source' | 'target'>) =>
    JSON.stringify([s.teamId, s.channelId, s.source, s.target]);

  /** The client once it can take commands (the offline queue is off, so we wait here instead). */
  function ready(): Promise<Redis> {
    if (closed) return Promise.reject(new Error('Redis store is closed'));
    if (client.status === 'ready' || client.options.enableOfflineQueue) return Promise.resolve(client);
    if (client.status === 'end') return Promise.reject(new Error('Redis connection has ended'));
    if (client.status === 'wait') client.connect().catch(() => undefined);
    waiting ??= new Promise<Redis>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('error', onFail);
        client.off('end', onEnd);
        waiting = undefined;
        if (err) reject(err);
        else resolve(client);
      };
      const onReady = () => done();
      const onFail = (err: Error) => done(new Error(`Redis unavailable: ${err.message}`));
      const onEnd = () => done(new Error('Redis connection has ended'));
      const timer = setTimeout(() => done(new Error(`Redis not ready within ${readyTimeoutMs}ms`)), readyTimeoutMs);
      client.on('ready', onReady);
      client.on('error', onFail);
      client.on('end', onEnd);
    });
    return waiting;
  }

  async function run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    const r = await ready();
    try {
      return await r.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return r.eval(s.src, keys.length, ...keys, ...args);
    }
  }

  async function getSubs(ids: string[]): Promise<Subscription[]> {
    if (ids.length === 0) return [];
    const raws = await (await ready()).hmget(k.subs, ...ids);
    return sortSubs(raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Subscription));
  }

  async function getInstallations(uuids: string[]): Promise<SentryInstallationRecord[]> {
    if (uuids.length === 0) return [];
    const raws = await (await ready()).hmget(k.sentryInst, ...uuids);
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as SentryInstallationRecord);
  }

  const store: RedisStore = {
    kind: 'redis',
    client,
    prefix: p,

    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${pingTimeoutMs}ms`)), pingTimeoutMs);
      });
      try {
        await Promise.race([ready().then((r) => r.ping()), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      if (!owned) return;
      try {
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      } catch {
        client.disconnect();
      }
    },

    async claim(key, ttlSeconds) {
      const res = await (await ready()).set(k.claim(key), '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX');
      return res === 'OK';
    },
    async claimAndCount(key, ttlSeconds, counterKey) {
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

    async upsertSubscription(sub) {
      const r = await ready();
      const nat = natural(sub);
      // HSETNX decides the id once, so two concurrent upserts of one subscription agree on it.
      let id = await r.hget(k.subNatural, nat);
      if (id === null) {
        id = (await r.hsetnx(k.subNatural, nat, sub.id)) === 1 ? sub.id : await r.hget(k.subNatural, nat);
      }
      const stored: Subscription = { ...sub, id: id ?? sub.id };
      await r
        .multi()
        .hset(k.subs, stored.id, JSON.stringify(stored))
        .sadd(k.subTarget(stored.source, stored.target), stored.id)
        .sadd(k.subTeam(stored.teamId), stored.id)
        .sadd(k.subChannel(stored.teamId, stored.channelId), stored.id)
        .exec();
      return stored;
    },
    async removeSubscription(teamId, channelId, source, target) {
      const r = await ready();
      const nat = natural({ teamId, channelId, source, target });
      const id = await r.hget(k.subNatural, nat);
      if (id === null) return false;
      const res = await r
        .multi()
        .hdel(k.subs, id)
        .hdel(k.subNatural, nat)
        .srem(k.subTarget(source, target), id)
        .srem(k.subTeam(teamId), id)
        .srem(k.subChannel(teamId, channelId), id)
        .exec();
      return Number(res?.[0]?.[1] ?? 0) > 0;
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
      return getSubs(await r.sunion(...targets.map((t) => k.subTarget(source, t))));
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

    async getThread(teamId, channelId, threadKey) {
      const h = await (await ready()).hgetall(k.thread(teamId, channelId, threadKey));
      return h.owner ? threadFromHash(h) : null;
    },
    async claimThread(teamId, channelId, threadKey, owner, subjectKind) {
      const now = new Date().toISOString();
      const record: ThreadRecord = { teamId, channelId, threadKey, ts: null, owner, claimedAt: now, state: {}, stateTimes: {}, updatedAt: now };
      if (subjectKind) record.subjectKind = subjectKind;
      const fields: string[] = ['teamId', teamId, 'channelId', channelId, 'threadKey', threadKey, 'owner', owner];
      fields.push('claimedAt', now, 'state', '{}', 'stateTimes', '{}', 'updatedAt', now);
      if (subjectKind) fields.push('subjectKind', subjectKind);
      const existing = (await run(CLAIM_THREAD, [k.thread(teamId, channelId, threadKey)], fields)) as string[] | null;
      if (!existing) return { won: true, record };
      const found = threadFromHash(pairsToObject(existing));
      return { won: found.owner === owner, record: found };
    },
    async updateThread(teamId, channelId, threadKey, patch) {
      const mode = patch.ts === undefined ? 'keep' : patch.ts === null ? 'null' : 'set';
      const ts = patch.ts ?? '';
      const fields: string[] = ['updatedAt', new Date().toISOString()];
      if (patch.state !== undefined) fields.push('state', JSON.stringify(patch.state));
      if (patch.stateTimes !== undefined) fields.push('stateTimes', JSON.stringify(patch.stateTimes));
      const keys = [k.thread(teamId, channelId, threadKey), k.threadTs(teamId, channelId, ts)];
      await run(UPDATE_THREAD, keys, [mode, ts, threadKey, k.threadTs(teamId, channelId, ''), ...fields]);
    },
    async releaseThread(teamId, channelId, threadKey, owner) {
      return (await run(RELEASE_THREAD, [k.thread(teamId, channelId, threadKey)], [owner])) === 1;
    },
    async findThreadByTs(teamId, channelId, ts) {
      const threadKey = await (await ready()).get(k.threadTs(teamId, channelId, ts));
      if (threadKey === null) return null;
      const rec = await store.getThread(teamId, channelId, threadKey);
      // The index is never rewritten when a parent is re-posted; the record has the final word.
      return rec && rec.ts === ts ? rec : null;
    },

    async putSentryInstallation(rec) {
      const r = await ready();
      const old = parse<SentryInstallationRecord>(await r.hget(k.sentryInst, rec.uuid));
      const tx = r.multi().hset(k.sentryInst, rec.uuid, JSON.stringify(rec));
      if (old?.org && old.org !== rec.org) tx.srem(k.sentryOrg(old.org), rec.uuid);
      if (rec.org) tx.sadd(k.sentryOrg(rec.org), rec.uuid);
      await tx.exec();
    },
    async getSentryInstallation(uuid) {
      return parse<SentryInstallationRecord>(await (await ready()).hget(k.sentryInst, uuid));
    },
    async findSentryInstallationByOrg(org) {
      const recs = (await getInstallations(await (await ready()).smembers(k.sentryOrg(org)))).filter((i) => i.org === org);
      // Prefer one that can make API calls, then the most recently updated.
      recs.sort((a, b) => Number(!!b.token) - Number(!!a.token) || b.updatedAt.localeCompare(a.updatedAt));
      return recs[0] ?? null;
    },
    async deleteSentryInstallation(uuid) {
      const r = await ready();
      const old = parse<SentryInstallationRecord>(await r.hget(k.sentryInst, uuid));
      const tx = r.multi().hdel(k.sentryInst, uuid);
      if (old?.org) tx.srem(k.sentryOrg(old.org), uuid);
      await tx.exec();
    },
    async putSlackInstallation(id, value) {
      await (await ready()).hset(k.slackInst, id, value);
    },
    async getSlackInstallation(id) {
      return (await ready()).hget(k.slackInst, id);
    },
    async deleteSlackInstallation(id) {
      await (await ready()).hdel(k.slackInst, id);
    },

    async addDeadLetter(dl) {
      const r = await ready();
      const seq = await r.incr(k.dlSeq);
      const tx = r.multi().hset(k.dl, dl.id, JSON.stringify(dl)).zadd(k.dlIds, seq, dl.id);
      if (dl.teamId) tx.zadd(k.dlTeam(dl.teamId), seq, dl.id);
      await tx.exec();
    },
    async listDeadLetters(limit, filter = {}) {
      if (limit <= 0) return [];
      const r = await ready();
      const ids = await r.zrevrange(filter.teamId ? k.dlTeam(filter.teamId) : k.dlIds, 0, limit - 1);
      if (ids.length === 0) return [];
      const raws = await r.hmget(k.dl, ...ids);
      return raws
        .filter((x): x is string => x !== null)
        .map((x) => JSON.parse(x) as DeadLetter)
        .filter((d) => !filter.teamId || d.teamId === filter.teamId);
    },
    async getDeadLetter(id) {
      return parse<DeadLetter>(await (await ready()).hget(k.dl, id));
    },
    async removeDeadLetter(id) {
      const r = await ready();
      const old = parse<DeadLetter>(await r.hget(k.dl, id));
      const tx = r.multi().hdel(k.dl, id).zrem(k.dlIds, id);
      if (old?.teamId) tx.zrem(k.dlTeam(old.teamId), id);
      const res = await tx.exec();
      return Number(res?.[0]?.[1] ?? 0) > 0;
    },
  };
  return store;
}
