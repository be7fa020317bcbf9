/** Deletes every key under a prefix with SCAN + UNLINK: the bench never flushes a shared server. */

import { Redis } from 'ioredis';

export async function deletePrefix(url: string, prefix: string): Promise<number> {
  if (!prefix || prefix.length < 6) throw new Error(`refusing to delete under the short prefix "${prefix}"`);
  const client = new Redis(url, { maxRetriesPerRequest: 3 });
  let deleted = 0;
  try {
    // BullMQ's keys sit under the hash-tagged `{<prefix>bull}`.
    for (const match of [`${prefix}*`, `{${prefix}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        if (keys.length) deleted += await client.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
  return deleted;
}
