/**
 * The inbox on the webhook path (Redis): one Lua call claims a delivery under both its identities
 * (delivery id, body hash), numbers it in its thread, and appends it to its shard's inbox stream.
 * Every key of the call carries the delivery's `{s<N>}` hash tag, so on a Cluster it is one slot.
 * The pump (`inbox-pump.ts`) moves entries into BullMQ on the worker side, so the answer waits for
 * one Redis round trip instead of BullMQ's `add`.
 *
 * Claim and append are one atomic step: a claim is confirmed ('d') the moment it is taken, with its
 * full TTL. There is no pending claim left to finish, except one written by an earlier version's
 * two-step path ('p' or 'p:<seq>'): the first retry that finds it appends the job then.
 */

import { deliveryTag, inboxKey } from '../store/keys.js';
import { kvKeys } from '../store/redis/kv.js';
import type { RedisClient } from '../store/redis/client.js';
import { script } from '../store/redis/conn.js';
import { SHARD_COUNT, shardTag } from '../store/shard.js';
import type { DeliveryJob } from './queue.js';

// KEYS: inbox, claim, [alias], [counter]. ARGV: ttl, hasAlias, hasCounter, jobId, job JSON (no seq), thread key.
// Returns {won, claim value, appended}.
const ADMIT = script(`
local hasAlias, hasCounter = ARGV[2] == '1', ARGV[3] == '1'
local alias = hasAlias and KEYS[3] or nil
local counter = hasCounter and KEYS[hasAlias and 4 or 3] or nil
local held = redis.call('GET', KEYS[2])
if held then
  if string.sub(held, 1, 1) ~= 'p' then return {0, held, 0} end
  local seq = string.match(held, '^p:(%d+)$') or ''
  redis.call('XADD', KEYS[1], '*', 'id', ARGV[4], 'job', ARGV[5], 'seq', seq, 'thread', ARGV[6])
  local v = seq == '' and 'd' or ('d:' .. seq)
  redis.call('SET', KEYS[2], v, 'EX', ARGV[1])
  return {0, held, 1}
end
if alias and redis.call('EXISTS', alias) == 1 then return {0, 'd', 0} end
local seq = ''
if counter then seq = tostring(redis.call('INCR', counter)) end
local v = seq == '' and 'd' or ('d:' .. seq)
redis.call('SET', KEYS[2], v, 'EX', ARGV[1])
if alias then redis.call('SET', alias, v, 'EX', ARGV[1]) end
redis.call('XADD', KEYS[1], '*', 'id', ARGV[4], 'job', ARGV[5], 'seq', seq, 'thread', ARGV[6])
return {1, v, 1}`);

/** The identities a delivery is claimed under (`KeyValue` keys, one hash tag: `keys.ts`). */
export interface AdmitClaims {
  /** Its `deliveryTag`: names the inbox shard. */
  tag: string;
  key: string;
  alias?: string;
  counter?: string;
  ttlSeconds: number;
}

export interface AdmitResult {
  /** True when this call took the claim (accepted); false for a duplicate. */
  claimed: boolean;
  /** The thread position given to the delivery (by this call or the first one). */
  seq?: number;
}

/** Every inbox stream, one per shard. */
export function inboxKeys(storePrefix: string): string[] {
  return Array.from({ length: SHARD_COUNT }, (_, i) => `${storePrefix}${inboxKey(shardTag(i))}`);
}

export function createInboxAdmission(client: RedisClient, storePrefix: string) {
  const k = kvKeys(storePrefix);
  async function run(keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(ADMIT.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return client.eval(ADMIT.src, keys.length, ...keys, ...args);
    }
  }
  return {
    /** Claims and stores a delivery in one call. The job's `seq` is the one the claim gives. */
    async admit(claims: AdmitClaims, job: DeliveryJob, jobId: string): Promise<AdmitResult> {
      const keys = [`${storePrefix}${inboxKey(claims.tag)}`, k.claim(claims.key)];
      if (claims.alias) keys.push(k.claim(claims.alias));
      if (claims.counter) keys.push(k.ctr(claims.counter));
      const { seq: _seq, ...rest } = job;
      const args = [
        Math.max(1, Math.ceil(claims.ttlSeconds)),
        claims.alias ? '1' : '0',
        claims.counter ? '1' : '0',
        jobId,
        JSON.stringify(rest),
        job.event.threadKey ?? '',
      ];
      const [won, value] = (await run(keys, args)) as [number, string];
      const m = /^[pd]:(\d+)$/.exec(value);
      const seq = m ? Number(m[1]) : undefined;
      return seq === undefined ? { claimed: Number(won) === 1 } : { claimed: Number(won) === 1, seq };
    },

    /**
     * Whether a job still sits in the inbox (not yet moved into BullMQ, or moved but not acked):
     * for the ordering gate, an earlier event of a thread found here is alive, not gone. Reads
     * its shard's stream, which the pump keeps short.
     */
    async holds(jobId: string, tag: string): Promise<boolean> {
      const entries = (await client.xrange(`${storePrefix}${inboxKey(tag)}`, '-', '+', 'COUNT', 10_000)) as [string, string[]][];
      return entries.some(([, fields]) => fields[1] === jobId);
    },

    /**
     * Whether an event of `threadKey` numbered below `seq` still waits in the inbox: the ordering
     * gate's "is the earlier event gone?" must answer no then (gone = in neither inbox nor BullMQ).
     */
    async holdsEarlier(threadKey: string, seq: number): Promise<boolean> {
      const tag = deliveryTag(threadKey, '');
      const entries = (await client.xrange(`${storePrefix}${inboxKey(tag)}`, '-', '+', 'COUNT', 10_000)) as [string, string[]][];
      return entries.some(([, f]) => f[7] === threadKey && f[5] !== '' && Number(f[5]) < seq);
    },

    /** Entries in every inbox shard (backlog on its way to BullMQ). */
    async length(): Promise<number> {
      const lens = await Promise.all(inboxKeys(storePrefix).map((key) => client.xlen(key)));
      return lens.reduce((a, b) => a + b, 0);
    },
  };
}

export type InboxAdmission = ReturnType<typeof createInboxAdmission>;
