/**
 * A real Bolt app on a real ExpressReceiver, with our handlers and a real SQLite store, listening
 * on 127.0.0.1. Only Slack's own HTTP (Web API, response_url) is faked, with nock.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import nock from 'nock';
import { App, ExpressReceiver, LogLevel, type InstallationStore } from '@slack/bolt';
import { createLogger } from '../../src/log.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { registerSlackHandlers } from '../../src/slack/register.js';
import { RESPONSE_URL, TEST_SIGNING_SECRET } from '../helpers/slack.js';

export interface Harness {
  url: string;
  store: SqliteStore;
  receiver: ExpressReceiver;
  bolt: App;
  requeued: { id: string; teamId: string }[];
  close(): Promise<void>;
}

export const logger = createLogger({ level: 'silent' });
/** A failed Slack call must fail the test at once, not sit in WebClient's retry backoff. */
const clientOptions = { retryConfig: { retries: 0 } };

export function tempStore(): { store: SqliteStore; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-slack-http-'));
  return { store: createSqliteStore({ dataDir: dir }), dir };
}

export async function startHarness(
  opts: {
    store?: SqliteStore;
    dryRun?: boolean;
    oauth?: { installationStore: InstallationStore; stateSecret: string };
    requeueDeadLetter?: (id: string, teamId: string) => Promise<void>;
    now?: () => Date;
  } = {},
): Promise<Harness> {
  const own = opts.store ? undefined : tempStore();
  const store = opts.store ?? own!.store;
  const receiver = new ExpressReceiver({
    signingSecret: TEST_SIGNING_SECRET,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    logLevel: LogLevel.ERROR,
    ...(opts.oauth
      ? {
          clientId: '111.222',
          clientSecret: 'test-client-secret',
          stateSecret: opts.oauth.stateSecret,
          scopes: ['chat:write', 'commands'],
          installationStore: opts.oauth.installationStore,
          installerOptions: {
            installPath: '/slack/install',
            redirectUriPath: '/slack/oauth_redirect',
            directInstall: true,
            clientOptions,
          },
        }
      : {}),
  });
  const bolt = opts.oauth
    ? new App({ receiver, logLevel: LogLevel.ERROR, clientOptions })
    : new App({
        receiver,
        token: 'xoxb-test',
        tokenVerificationEnabled: false,
        // Without these Bolt would call auth.test on the first request even with verification off.
        botId: 'B1',
        botUserId: 'UBOT',
        logLevel: LogLevel.ERROR,
        clientOptions,
      });
  const requeued: { id: string; teamId: string }[] = [];
  registerSlackHandlers(bolt, {
    store,
    logger,
    dryRun: opts.dryRun,
    now: opts.now,
    requeueDeadLetter:
      opts.requeueDeadLetter ??
      (async (id, teamId) => {
        requeued.push({ id, teamId });
        await store.removeDeadLetter(id);
      }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = receiver.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    receiver,
    bolt,
    requeued,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (own) {
        await own.store.close();
        fs.rmSync(own.dir, { recursive: true, force: true });
      }
    },
  };
}

/** Only 127.0.0.1 (our server) may be reached for real. */
export function lockNetwork(): void {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
}

export function unlockNetwork(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}

/** Decodes a Web API request body, whether WebClient sent a form or JSON. */
export function apiBody(body: unknown): Record<string, unknown> {
  if (typeof body === 'string') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(body)) {
      out[k] = v.startsWith('{') || v.startsWith('[') ? JSON.parse(v) : v;
    }
    return out;
  }
  const out = { ...(body as Record<string, unknown>) };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'string' && (v.startsWith('{') || v.startsWith('['))) out[k] = JSON.parse(v);
  }
  return out;
}

/** Resolves with the next message POSTed to `response_url` (the ephemeral reply). */
export function captureReply(responseUrl = RESPONSE_URL): Promise<{ text: string; response_type?: string }> {
  const u = new URL(responseUrl);
  return new Promise((resolve) => {
    nock(u.origin)
      .post(u.pathname, (body) => {
        resolve(body as { text: string; response_type?: string });
        return true;
      })
      .reply(200, 'ok');
  });
}

/** Resolves with the arguments of the next `views.publish` call. */
export function captureViewsPublish(): Promise<{ user_id: string; view: { type: string; blocks: Record<string, any>[] } }> {
  return new Promise((resolve) => {
    nock('https://slack.com')
      .post('/api/views.publish', (body) => {
        resolve(apiBody(body) as never);
        return true;
      })
      .reply(200, { ok: true, view: { id: 'V1' } });
  });
}

/** Races `p` against a timeout so a missing reply fails with a message instead of hanging. */
export function within<T>(p: Promise<T>, what: string, ms = 5000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}
