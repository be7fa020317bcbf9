/**
 * One deployment under test: the service as a child process, its own store (a redis-server the
 * harness starts, or a SQLite DATA_DIR), a fault-scriptable fake Slack, subscriptions seeded
 * straight into the store, and a drain that waits until Slack has everything and the queue is empty.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { createBullQueue } from '../../src/queue/bullmq.js';
import { bullPrefix } from '../../src/queue/index.js';
import { createSqliteQueue } from '../../src/queue/sqlite.js';
import type { QueueCounts } from '../../src/queue/queue.js';
import { freePort } from '../helpers/redis.js';
import { startOwnRedis, type OwnRedis } from './redis-server.js';
import { startChild, type Child } from './service.js';
import { startFaultySlack, type FaultySlack } from './slack.js';
import { BUGSEE_APP, BUGSEE_SECRET, INSTALLATION_UUID, SENTRY_ORG, SENTRY_PROJECT, SENTRY_SECRET } from './workload.js';

export { ensureFreshBuild } from './service.js';

export type StoreKind = 'redis' | 'sqlite';
export const TEAM = 'T1';

export interface Deployment {
  kind: StoreKind;
  slack: FaultySlack;
  redis?: OwnRedis;
  /** The store's key prefix on Redis. */
  prefix: string;
  child: Child;
  url: () => string;
  /** (Re)starts the service on the same port and store. */
  start(extraEnv?: Record<string, string>): Promise<Child>;
  /**
   * Starts one more process on the same store and Slack (scale-out: `THREADLINE_ROLE` in `extraEnv`),
   * on `port` (to restart one where it was) or a free one. Teardown kills it too.
   */
  spawn(extraEnv?: Record<string, string>, port?: number): Promise<Child>;
  openStore(): Promise<Store>;
  /** The delivery queue's counts, read beside the service (or after it stopped). */
  jobCounts(): Promise<QueueCounts>;
  subscribe(channels: string[]): Promise<void>;
  teardown(): Promise<void>;
}

export interface DeployOptions {
  /** Redis with an fsync-always AOF, so a restart keeps the data. */
  aof?: boolean;
  env?: Record<string, string>;
  /** Node options of every service process (before the script). */
  nodeArgs?: string[];
}

/** Env every child gets; scenarios override single names. */
function baseEnv(port: number, slackUrl: string): Record<string, string> {
  return {
    PORT: String(port),
    LOG_LEVEL: 'warn',
    SENTRY_CLIENT_SECRET: SENTRY_SECRET,
    BUGSEE_WEBHOOK_SECRET: BUGSEE_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-fault-matrix',
    SLACK_SIGNING_SECRET: 'fault-matrix-signing-secret',
    SLACK_API_URL: slackUrl,
    SLACK_CHANNEL_INTERVAL_MS: '0',
    WORKER_CONCURRENCY: '8',
    // A crashed worker's jobs are taken again after the lease; keep it short so the matrix is quick.
    QUEUE_LEASE_MS: '2000',
    SLACK_TIMEOUT_MS: '1500',
    SHUTDOWN_TIMEOUT_MS: '30000',
  };
}

export async function deploy(kind: StoreKind, opts: DeployOptions = {}): Promise<Deployment> {
  const slack = await startFaultySlack();
  const port = await freePort();
  const redis = kind === 'redis' ? await startOwnRedis({ aof: opts.aof }) : undefined;
  const dataDir = kind === 'sqlite' ? mkdtempSync(path.join(tmpdir(), 'tl-faults-data-')) : undefined;
  const prefix = `tl-faults-${randomUUID().slice(0, 8)}:`;
  const storeEnv: Record<string, string> = redis ? { REDIS_URL: redis.url, REDIS_PREFIX: prefix } : { DATA_DIR: dataDir as string };
  const children: Child[] = [];

  const openStore = async (): Promise<Store> => {
    const store = createStore({ redisUrl: redis?.url, dataDir: dataDir ?? '', prefix });
    await store.ping();
    return store;
  };

  // The installation maps Sentry's uuid to the org, as `installation.created` would have.
  const seed = await openStore();
  const at = new Date().toISOString();
  await seed.putSentryInstallation({ uuid: INSTALLATION_UUID, org: SENTRY_ORG, createdAt: at, updatedAt: at });
  await seed.close();

  const d: Deployment = {
    kind,
    slack,
    redis,
    prefix,
    child: undefined as unknown as Child,
    url: () => `http://127.0.0.1:${port}`,
    async start(extraEnv = {}) {
      const child = await startChild({ ...baseEnv(port, slack.url), ...storeEnv, ...opts.env, ...extraEnv }, opts.nodeArgs);
      children.push(child);
      d.child = child;
      return child;
    },
    async spawn(extraEnv = {}, at?: number) {
      const p = at ?? (await freePort());
      const child = await startChild({ ...baseEnv(p, slack.url), ...storeEnv, ...opts.env, ...extraEnv }, opts.nodeArgs);
      children.push(child);
      return child;
    },
    openStore,
    async jobCounts() {
      if (redis) {
        const q = createBullQueue({ connection: { url: redis.url }, prefix: bullPrefix(prefix), inbox: { storePrefix: prefix } });
        try {
          return await q.counts();
        } finally {
          await q.close();
        }
      }
      const store = (await openStore()) as SqliteStore;
      try {
        return await createSqliteQueue({ db: store.db }).counts();
      } finally {
        await store.close();
      }
    },
    async subscribe(channels) {
      const store = await openStore();
      try {
        for (const channelId of channels) {
          for (const [source, target] of [
            ['sentry', `${SENTRY_ORG}/${SENTRY_PROJECT}`],
            ['bugsee', BUGSEE_APP],
          ] as const) {
            await store.upsertSubscription({
              id: randomUUID(),
              teamId: TEAM,
              channelId,
              source,
              target,
              kinds: [],
              filters: {},
              createdAt: new Date().toISOString(),
              disabled: null,
            });
          }
        }
      } finally {
        await store.close();
      }
    },
    async teardown() {
      for (const c of children) {
        if (c.alive()) {
          c.kill('SIGKILL');
          await c.exit;
        }
      }
      await slack.stop();
      await redis?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return d;
}

export { diagnose, drain, verify } from './verify.js';
