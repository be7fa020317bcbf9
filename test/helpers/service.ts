/**
 * A whole Threadline service in this process, on port 0, against real Redis (unique prefix) or a
 * real SQLite file, with a fake Slack on 127.0.0.1. The log is captured for assertions.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { readConfig } from '../../src/config.js';
import { composeThreadline, type ComposeOptions, type Threadline } from '../../src/compose.js';
import { cleanPrefix, redisUrl, testPrefix } from './redis.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';

export const SENTRY_SECRET = 'sentry-test-secret';
export const BUGSEE_SECRET = 'bugsee-test-secret';
export const SIGNING_SECRET = 'slack-signing-secret';

export type StoreKind = 'redis' | 'sqlite';

export interface TestService {
  t: Threadline;
  url: string;
  slack: FakeSlack;
  logs: string[];
  /** Parsed JSON log lines. */
  logLines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startService(
  kind: StoreKind,
  env: Record<string, string> = {},
  opts: ComposeOptions & { worker?: boolean; fakeSlack?: FakeSlack } = {},
): Promise<TestService> {
  const slack = opts.fakeSlack ?? (await startFakeSlack());
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const prefix = env.REDIS_PREFIX ?? testPrefix('svc');
  const url = kind === 'redis' ? await redisUrl() : undefined;
  // Data given by the caller (to restart on it) is the caller's to remove.
  const ownData = kind === 'sqlite' && !env.DATA_DIR;
  const dataDir = kind === 'sqlite' ? (env.DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'tl-svc-'))) : undefined;
  const config = readConfig({
    LOG_LEVEL: 'info',
    SENTRY_CLIENT_SECRET: SENTRY_SECRET,
    BUGSEE_WEBHOOK_SECRET: BUGSEE_SECRET,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_API_URL: slack.url,
    SLACK_CHANNEL_INTERVAL_MS: '0',
    WORKER_CONCURRENCY: '8',
    ...(url ? { REDIS_URL: url, REDIS_PREFIX: prefix } : { DATA_DIR: dataDir }),
    ...env,
  });
  const t = await composeThreadline(config, {
    logDestination: destination,
    slackRetry: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 20, randomize: false },
    slackTimeoutMs: 2000,
    sourceApiTimeoutMs: 1500,
    queueOptions: { backoffMs: 50, pollMs: 10 },
    ...opts,
  });
  if (opts.worker !== false) t.startWorker();
  const server = await t.app.listen(0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  return {
    t,
    url: `http://127.0.0.1:${port}`,
    slack,
    logs,
    logLines: () => logs.map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop() {
      await t.shutdown();
      if (!opts.fakeSlack) await slack.close();
      if (url) await cleanPrefix(url, prefix);
      if (dataDir && ownData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` is true (polling), or fails with `what`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
