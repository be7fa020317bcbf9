/**
 * A redis-server owned by one fault scenario, on its own free port (never the shared 6379). With
 * `aof`, it writes an fsync-always append-only file in a temp dir, as a production Redis with AOF
 * would, so its data survives the restart the scenario inflicts on it.
 */

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redisAnswers } from '../../bench/local.js';
import { freePort, startRedisServer } from '../helpers/redis.js';
import { killGroup, spawnGroup } from '../helpers/processes.js';

export interface OwnRedis {
  url: string;
  port: number;
  /** SIGKILLs the server (no shutdown save) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const answers = (url: string) => redisAnswers(url, 500);

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export async function startOwnRedis(opts: { aof?: boolean } = {}): Promise<OwnRedis> {
  if (!opts.aof) {
    // The shared helper's throwaway server (no persistence) is all most scenarios need.
    const s = await startRedisServer();
    return {
      url: s.url,
      port: s.port,
      kill: async () => {
        killGroup(s.child);
        await exited(s.child);
      },
      restart: () => Promise.reject(new Error('restart needs { aof: true }')),
      stop: async () => {
        killGroup(s.child);
        await exited(s.child);
      },
    };
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'tl-faults-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    const c = spawnGroup(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'],
      { stdio: 'ignore' },
    );
    child = c;
    const spawnError = new Promise<never>((_, reject) => c.once('error', reject));
    for (let i = 0; i < 100; i++) {
      if (await Promise.race([answers(url), spawnError])) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    killGroup(c);
    throw new Error(`redis-server (AOF) did not answer on port ${port}`);
  };
  const kill = async () => {
    if (!child) return;
    const c = child;
    child = undefined;
    killGroup(c);
    await exited(c);
  };
  await launch();
  return {
    url,
    port,
    kill,
    restart: launch,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
