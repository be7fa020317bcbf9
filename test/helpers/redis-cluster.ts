/**
 * A throwaway Redis Cluster for tests: N masters (`redis-server --cluster-enabled yes`) on free
 * ports in a temp dir, joined with `redis-cli --cluster create`. Every process runs in its own
 * process group, and `stop()` kills the groups (also registered for process exit, so a timed-out
 * or failed suite leaves nothing behind).
 */

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './redis.js';

export interface RedisCluster {
  /** `redis+cluster://127.0.0.1:P1,…` */
  url: string;
  ports: number[];
  stop(): void;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} not reached within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function ask<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tl-cluster-'));
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const c of children) killGroup(c);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      // The bus port is given explicitly: the default (port + 10000) may be taken or out of range.
      const busPort = await freePort();
      ports.push(port);
      const args = ['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'];
      args.push(
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '5000',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      );
      children.push(spawn('redis-server', args, { stdio: 'ignore', detached: true }));
    }
    for (const port of ports) await until(() => ask(port, async (r) => (await r.ping()) === 'PONG'), `node ${port} answering`);
    await new Promise<void>((resolve, reject) => {
      const create = execFile(
        'redis-cli',
        ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
        { timeout: 60_000 },
        (err, _out, stderr) => (err ? reject(new Error(`redis-cli --cluster create failed: ${stderr || err.message}`)) : resolve()),
      );
      children.push(create);
    });
    for (const port of ports) {
      await until(
        () => ask(port, async (r) => String(await r.cluster('INFO')).includes('cluster_state:ok')),
        `cluster_state:ok on ${port}`,
      );
    }
    return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
