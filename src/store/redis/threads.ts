/** `ThreadRepo` on Redis: one hash per thread, plus a ts → thread key index for buttons. */

import type { ThreadRecord, ThreadRepo } from '../store.js';
import { THREAD_TTL_SECONDS } from '../store.js';
import { mergeState } from '../merge.js';
import { script, type RedisConn } from './conn.js';

// Returns the existing record's fields, or nil after creating it: one round trip, no window.
// Thread records (and their ts index) live THREAD_TTL_SECONDS after their last update: a thread
// quiet for that long starts afresh with a new parent, and the store does not grow forever.
const CLAIM_THREAD = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HGETALL', KEYS[1]) end
redis.call('HSET', KEYS[1], unpack(ARGV))
redis.call('EXPIRE', KEYS[1], ${THREAD_TTL_SECONDS})
return false`);

// ARGV: tsMode (keep|null|set), ts, then field/value pairs. Returns the ts after the update ('' for
// none), or false when there is no record. Only the record: its ts index is another key, which on a
// Redis Cluster may live in another slot, so the caller refreshes it after (the record has the
// final word on a ts, see findThreadByTs).
const UPDATE_THREAD = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[1] == 'set' then
  redis.call('HSET', KEYS[1], 'ts', ARGV[2])
elseif ARGV[1] == 'null' then
  redis.call('HDEL', KEYS[1], 'ts')
end
if #ARGV > 2 then redis.call('HSET', KEYS[1], unpack(ARGV, 3)) end
redis.call('EXPIRE', KEYS[1], ${THREAD_TTL_SECONDS})
return redis.call('HGET', KEYS[1], 'ts') or ''`);

// Compare-and-set of the merged state: written only if the state is still the one the merge read,
// else the current fields come back and the caller merges again. ARGV: state and times read, then
// written, updatedAt. Only the record: the caller refreshes its ts index (another slot on a Cluster).
const SWAP_STATE = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local cur = redis.call('HMGET', KEYS[1], 'state', 'stateTimes')
if (cur[1] or '{}') ~= ARGV[1] or (cur[2] or '{}') ~= ARGV[2] then return redis.call('HGETALL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'stateTimes', ARGV[4], 'updatedAt', ARGV[5])
redis.call('EXPIRE', KEYS[1], ${THREAD_TTL_SECONDS})
return 1`);

// Only the holder's claim, and only while no parent was posted.
const RELEASE_THREAD = script(`
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'ts') == 1 and redis.call('HGET', KEYS[1], 'ts') ~= '' then return 0 end
redis.call('DEL', KEYS[1])
return 1`);

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

/** A record's hash as `threadFromHash` reads it; state as we store it (JSON text), so a compare-and-set matches. */
function hashFromThread(rec: ThreadRecord): Record<string, string> {
  const h: Record<string, string> = {
    teamId: rec.teamId,
    channelId: rec.channelId,
    threadKey: rec.threadKey,
    owner: rec.owner,
    claimedAt: rec.claimedAt,
    state: JSON.stringify(rec.state ?? {}),
    stateTimes: JSON.stringify(rec.stateTimes ?? {}),
    updatedAt: rec.updatedAt,
  };
  if (rec.ts) h.ts = rec.ts;
  if (rec.subjectKind) h.subjectKind = rec.subjectKind;
  return h;
}

function pairsToObject(arr: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < arr.length; i += 2) out[arr[i]] = arr[i + 1];
  return out;
}

export function createRedisThreads(conn: RedisConn): ThreadRepo {
  const { ready, run } = conn;
  const p = conn.prefix;
  const k = {
    thread: (t: string, c: string, key: string) => `${p}thread:${t}:${c}:${key}`,
    threadTs: (t: string, c: string, ts: string) => `${p}thread-ts:${t}:${c}:${ts}`,
  };
  async function getThread(teamId: string, channelId: string, threadKey: string): Promise<ThreadRecord | null> {
    const h = await (await ready()).hgetall(k.thread(teamId, channelId, threadKey));
    return h.owner ? threadFromHash(h) : null;
  }
  return {
    getThread,
    async claimThread(teamId, channelId, threadKey, owner, subjectKind) {
      const now = new Date().toISOString();
      const record: ThreadRecord = {
        teamId,
        channelId,
        threadKey,
        ts: null,
        owner,
        claimedAt: now,
        state: {},
        stateTimes: {},
        updatedAt: now,
      };
      if (subjectKind) record.subjectKind = subjectKind;
      const fields = Object.entries(hashFromThread(record)).flat();
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
      const current = (await run(UPDATE_THREAD, [k.thread(teamId, channelId, threadKey)], [mode, ts, ...fields])) as string | null;
      if (current === null) return;
      const r = await ready();
      if (mode === 'set') await r.set(k.threadTs(teamId, channelId, ts), threadKey, 'EX', THREAD_TTL_SECONDS);
      else if (current !== '') await r.expire(k.threadTs(teamId, channelId, current), THREAD_TTL_SECONDS);
    },
    async mergeThreadState(teamId, channelId, threadKey, patch, time, seen) {
      const key = k.thread(teamId, channelId, threadKey);
      // A stale `seen` costs one lost compare-and-set, which answers the current fields.
      let h = seen?.owner ? hashFromThread(seen) : await (await ready()).hgetall(key);
      // Every lost race means another writer got through, so this ends; the bound is a safety net.
      for (let round = 0; round < 10_000; round++) {
        if (!h.owner) return null;
        const seenState = h.state ?? '{}';
        const seenTimes = h.stateTimes ?? '{}';
        const merged = mergeState(JSON.parse(seenState), JSON.parse(seenTimes), patch, time);
        const state = JSON.stringify(merged.state);
        const times = JSON.stringify(merged.stateTimes);
        const updatedAt = new Date().toISOString();
        const res = (await run(SWAP_STATE, [key], [seenState, seenTimes, state, times, updatedAt])) as number | string[] | null;
        if (res === null) return null;
        if (!Array.isArray(res)) {
          if (h.ts) await (await ready()).expire(k.threadTs(teamId, channelId, h.ts), THREAD_TTL_SECONDS);
          return threadFromHash({ ...h, state, stateTimes: times, updatedAt });
        }
        h = pairsToObject(res);
        // Spread the losers out (exponential, jittered): writers retrying in lockstep mostly lose again.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 * 2 ** round)));
      }
      throw new Error(`thread state of ${threadKey} kept changing; merge not applied`);
    },
    async releaseThread(teamId, channelId, threadKey, owner) {
      return (await run(RELEASE_THREAD, [k.thread(teamId, channelId, threadKey)], [owner])) === 1;
    },
    async findThreadByTs(teamId, channelId, ts) {
      const threadKey = await (await ready()).get(k.threadTs(teamId, channelId, ts));
      if (threadKey === null) return null;
      const rec = await getThread(teamId, channelId, threadKey);
      // The index is never rewritten when a parent is re-posted; the record has the final word.
      return rec && rec.ts === ts ? rec : null;
    },
  };
}
