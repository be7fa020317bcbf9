/**
 * The pump on the worker side: moves inbox entries (`inbox.ts`) into BullMQ. It reads through a
 * consumer group, adds what it read with one `addBulk` under each delivery's job id (so an entry
 * moved twice is queued once), then acks and deletes the entries. Entries a dead pump read but
 * never acked are taken over with XAUTOCLAIM once idle for `claimIdleMs`.
 *
 * On one node a single blocking XREADGROUP reads all shards; on a Cluster each shard is read on its
 * own (one read may not span slots).
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from '../store/redis/client.js';
import { inboxKeys } from './inbox.js';
import type { DeliveryJob } from './queue.js';

export const INBOX_GROUP = 'pump';

type Entry = [id: string, fields: string[]];

// Deletes entries the group has acked but nobody deleted (left by an earlier version, which acked
// and deleted in two calls): everything below the oldest pending entry, or below the group's
// last-delivered id when none is pending. Entries above that are unread, so nothing live goes.
const SWEEP = `
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
local last
for _, g in ipairs(groups) do
  local name, id
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then id = g[i + 1] end
  end
  if name == ARGV[1] then last = id end
end
if not last or last == '0-0' then return 0 end
local pending = redis.call('XPENDING', KEYS[1], ARGV[1])
local minid
if tonumber(pending[1]) > 0 then
  minid = pending[2]
else
  local ms, sq = string.match(last, '^(%d+)-(%d+)$')
  minid = ms .. '-' .. tostring(tonumber(sq) + 1)
end
return redis.call('XTRIM', KEYS[1], 'MINID', minid)`;

export interface InboxPumpDeps {
  /** A fresh blocking connection per reader (`createRedisClient` with `maxRetriesPerRequest: null`). */
  connect: () => RedisClient;
  cluster: boolean;
  storePrefix: string;
  /** Stores jobs durably (BullMQ addBulk, ids deduplicated). */
  add: (items: { job: DeliveryJob; jobId: string }[]) => Promise<void>;
  /** How long an entry read by a pump that died stays with it before another takes it. */
  claimIdleMs: number;
  onError: (err: Error) => void;
  batch?: number;
  blockMs?: number;
}

function toItem([, fields]: Entry): { job: DeliveryJob; jobId: string } | undefined {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  if (!f.id || !f.job) return undefined;
  const job = JSON.parse(f.job) as DeliveryJob;
  return { jobId: f.id, job: f.seq ? { ...job, seq: Number(f.seq) } : job };
}

export function createInboxPump(deps: InboxPumpDeps) {
  const batch = deps.batch ?? 200;
  const blockMs = deps.blockMs ?? 1000;
  const consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const all = inboxKeys(deps.storePrefix);
  const groups = deps.cluster ? all.map((k) => [k]) : [all];
  let stopped = false;
  const loops: Promise<void>[] = [];
  const conns: RedisClient[] = [];

  async function ensureGroups(r: RedisClient, keys: string[]): Promise<void> {
    for (const key of keys) {
      try {
        await r.xgroup('CREATE', key, INBOX_GROUP, '0', 'MKSTREAM');
      } catch (err) {
        if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
      }
    }
  }

  async function move(r: RedisClient, key: string, entries: Entry[]): Promise<void> {
    const live = entries.filter((e) => e && Array.isArray(e[1]));
    if (live.length === 0) return;
    const items = live.map(toItem).filter((x): x is { job: DeliveryJob; jobId: string } => x !== undefined);
    if (items.length) await deps.add(items);
    const ids = live.map((e) => e[0]);
    // Acked only once BullMQ has the jobs: a crash before this leaves them pending, taken over later.
    // Ack and delete are one transaction: a crash between them would leave acked entries that no
    // pump reads again and that the backlog (XLEN) would count for ever.
    const res = await r
      .multi()
      .xack(key, INBOX_GROUP, ...ids)
      .xdel(key, ...ids)
      .exec();
    const failed = res?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  async function reclaim(r: RedisClient, keys: string[]): Promise<void> {
    for (const key of keys) {
      await r.call('EVAL', SWEEP, 1, key, INBOX_GROUP);
      let cursor = '0-0';
      do {
        const res = (await r.call('XAUTOCLAIM', key, INBOX_GROUP, consumer, deps.claimIdleMs, cursor, 'COUNT', batch)) as [string, Entry[]];
        cursor = res[0];
        await move(r, key, res[1]);
      } while (cursor !== '0-0' && !stopped);
    }
  }

  async function loop(keys: string[]): Promise<void> {
    const r = deps.connect();
    conns.push(r);
    r.on('error', (err: Error) => deps.onError(err));
    let grouped = false;
    let nextReclaim = 0;
    while (!stopped) {
      try {
        if (!grouped) {
          await ensureGroups(r, keys);
          grouped = true;
        }
        if (Date.now() >= nextReclaim) {
          await reclaim(r, keys);
          nextReclaim = Date.now() + Math.max(250, Math.floor(deps.claimIdleMs / 2));
        }
        const args = ['GROUP', INBOX_GROUP, consumer, 'COUNT', batch, 'BLOCK', blockMs, 'STREAMS', ...keys, ...keys.map(() => '>')];
        const res = (await r.call('XREADGROUP', ...args)) as [string, Entry[]][] | null;
        for (const [key, entries] of res ?? []) await move(r, key, entries);
      } catch (err) {
        if (stopped) break;
        if (String((err as Error).message).includes('NOGROUP')) grouped = false;
        deps.onError(err as Error);
        await new Promise((res) => setTimeout(res, 500));
      }
    }
  }

  return {
    consumer,
    start() {
      stopped = false;
      for (const keys of groups) loops.push(loop(keys));
    },
    /** Finishes the batch in hand (at most one blocking read, `blockMs`), then disconnects. */
    async stop(): Promise<void> {
      stopped = true;
      await Promise.all(loops.splice(0));
      for (const c of conns.splice(0)) c.disconnect();
    },
    /** Stops at once, as a crashed process would: entries read and not acked stay pending. */
    abandon(): void {
      stopped = true;
      for (const c of conns.splice(0)) c.disconnect();
      loops.splice(0);
    },
  };
}

export type InboxPump = ReturnType<typeof createInboxPump>;
