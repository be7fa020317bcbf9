/**
 * A `redis+sentinel://` URL against a real Sentinel watching a local master: the store finds the
 * master through the sentinel and works on it. Both processes run in their own process group,
 * killed in afterAll.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import { freePort, testPrefix } from '../helpers/redis.js';

const children: ChildProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'tl-sentinel-'));
let masterPort = 0;
let sentinelPort = 0;

function killAll() {
  for (const c of children) {
    try {
      if (c.pid !== undefined && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
process.once('exit', killAll);

async function answers(port: number, check: (r: Redis) => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    const ok = await r
      .connect()
      .then(() => check(r))
      .catch(() => false);
    r.disconnect();
    if (ok) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`port ${port} never became ready`);
}

beforeAll(async () => {
  masterPort = await freePort();
  sentinelPort = await freePort();
  children.push(
    spawn('redis-server', ['--port', String(masterPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
      detached: true,
    }),
  );
  const conf = path.join(dir, 'sentinel.conf');
  writeFileSync(conf, `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor tlmaster 127.0.0.1 ${masterPort} 1\n`);
  children.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore', detached: true, cwd: dir }));
  await answers(masterPort, async (r) => (await r.ping()) === 'PONG');
  await answers(sentinelPort, async (r) => Array.isArray(await r.call('SENTINEL', 'get-master-addr-by-name', 'tlmaster')));
}, 60_000);
afterAll(killAll);

describe('Redis through Sentinel', () => {
  it('finds the master named in redis+sentinel:// and stores there', async () => {
    const store = createRedisStore({ url: `redis+sentinel://127.0.0.1:${sentinelPort}/tlmaster/2`, prefix: testPrefix('sentinel') });
    try {
      await store.setRecord('r', { a: 1 });
      expect(await store.getRecord('r')).toEqual({ a: 1 });
      expect(await store.incr('n')).toBe(1);
      const direct = new Redis({ port: masterPort, db: 2 });
      try {
        expect(await direct.get(`${store.prefix}rec:r`)).toBe('{"a":1}');
      } finally {
        direct.disconnect();
      }
    } finally {
      await store.close();
    }
  });
});
