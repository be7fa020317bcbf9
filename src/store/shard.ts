/**
 * Which shard a delivery's keys live in. Every key one delivery touches in one Lua call (its dedup
 * claims, its thread's sequence and marks, the inbox stream) carries the same Redis Cluster hash
 * tag `{s<N>}`, so the call touches one slot. The shard count is fixed: changing it moves every
 * thread to another shard, which would split a thread's counter from its marks.
 */

export const SHARD_COUNT = 16;

/** FNV-1a (32 bit) of the UTF-8 bytes: stable across processes and versions, unlike a salted hash. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The shard (0 … SHARD_COUNT-1) of a thread key, or of whatever identifies a threadless delivery. */
export function shardOf(key: string): number {
  return fnv1a(key) % SHARD_COUNT;
}

/** The hash tag of a shard, as it appears inside a key. */
export const shardTag = (shard: number) => `{s${shard}}`;

/** The hash tag of the keys of one delivery. */
export const tagOf = (key: string) => shardTag(shardOf(key));
