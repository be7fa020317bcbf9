/**
 * Redis for tests: REDIS_URL, else redis://127.0.0.1:6379, else a `redis-server` from PATH on a
 * free port. If none works, fail loudly with how to get Redis: the Redis suites never skip.
 */

import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort, redisAnswers } from '../../bench/local.js';
import { killGroup, spawnGroup } from './processes.js';

let resolved: Promise<string> | undefined;

const answers = redisAnswers;

export { freePort };

/** Starts a throwaway redis-server (no persistence) on a free port. */
export async function startRedisServer(): Promise<{ url: string; port: number; child: ChildProcess }> {
  const port = await freePort();
  // Its own process group, killed with the test process at the latest (helpers/processes.ts).
  const child = spawnGroup('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  for (let i = 0; i < 50; i++) {
    const ok = await Promise.race([answers(url), spawnError]);
    if (ok) return { url, port, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  killGroup(child);
  throw new Error(`redis-server did not answer on port ${port}`);
}

async function resolveUrl(): Promise<string> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    if (await answers(fromEnv)) return fromEnv;
    throw new Error(`REDIS_URL=${fromEnv} does not answer. Start Redis there, or unset REDIS_URL to use 127.0.0.1:6379.`);
  }
  if (await answers('redis://127.0.0.1:6379')) return 'redis://127.0.0.1:6379';
  try {
    // Killed with this test process (spawnGroup's exit hook).
    return (await startRedisServer()).url;
  } catch (err) {
    throw new Error(
      'These tests need Redis and none was found: set REDIS_URL, run Redis on 127.0.0.1:6379, ' +
        'or install redis-server on PATH (Debian: apt-get install redis-server). ' +
        `Starting redis-server failed: ${(err as Error).message}`,
    );
  }
}

/** The Redis URL tests use (never skipped: throws with instructions when there is none). */
export function redisUrl(): Promise<string> {
  resolved ??= resolveUrl();
  return resolved;
}

/** A key prefix unique to this test run, so suites never collide on a shared server. */
export function testPrefix(name = 'test'): string {
  return `tl-${name}-${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix` (SCAN, never FLUSHALL). */
export async function cleanPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    // BullMQ's keys sit under the hash-tagged `{<prefix>bull}`.
    for (const match of [`${prefix}*`, `{${prefix}*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', 500);
        cursor = next;
        if (keys.length) await client.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}
