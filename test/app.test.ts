import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { readConfig } from '../src/config.js';
import { composeThreadline } from '../src/compose.js';
import { startRedisServer } from './helpers/redis.js';
import { startService, eventually, SENTRY_SECRET, BUGSEE_SECRET } from './helpers/service.js';
import { readFixture, sendSentry, sendBugsee } from './helpers/deliver.js';
import { sentryHeaders } from './helpers/signing.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, destination };
}

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('health, readiness and metrics', () => {
  it('answers /healthz, /readyz and /metrics on both stores', async () => {
    for (const kind of ['redis', 'sqlite'] as const) {
      const svc = await startService(kind, {}, { worker: false });
      try {
        expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
        const ready = await fetch(`${svc.url}/readyz`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ status: 'ready', store: kind });
        const metrics = await (await fetch(`${svc.url}/metrics`)).text();
        expect(metrics).toMatch(/threadline_http_requests_total\{route="\/readyz",status="200"\} 1/);
        expect(metrics).toContain('threadline_webhook_to_slack_seconds');
      } finally {
        await svc.stop();
      }
    }
  });

  it('answers /readyz 503 when Redis is unreachable, and webhooks 503', async () => {
    const redis = await startRedisServer();
    const config = readConfig({ REDIS_URL: redis.url, SENTRY_CLIENT_SECRET: SENTRY_SECRET, LOG_LEVEL: 'silent' });
    const t = await composeThreadline(config);
    const server = await t.app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      redis.child.kill('SIGKILL');
      await new Promise((r) => redis.child.once('exit', r));
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable' });
      const body = JSON.stringify(readFixture('sentry/issue/created.json'));
      const hook = await fetch(`${url}/webhooks/sentry`, { method: 'POST', body, headers: sentryHeaders(body, 'issue', SENTRY_SECRET) });
      expect(hook.status).toBe(503);
      expect(await hook.json()).toMatchObject({ status: 'error' });
    } finally {
      await t.app.close();
      await Promise.race([t.shutdown().catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
    }
  });

  it('answers /slack/* with 503 when SLACK_SIGNING_SECRET is unset', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tl-app-'));
    tmp.push(dir);
    const t = await composeThreadline(readConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }));
    const server = await t.app.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(503);
      expect(JSON.stringify(await res.json())).toContain('SLACK_SIGNING_SECRET');
    } finally {
      await t.shutdown();
    }
  });
});

describe('dry-run', () => {
  it('logs each Slack call as one JSON line and runs the pipeline', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tl-dry-'));
    tmp.push(dir);
    const { lines, destination } = capture();
    const t = await composeThreadline(readConfig({ DATA_DIR: dir, SENTRY_CLIENT_SECRET: SENTRY_SECRET }), { logDestination: destination });
    t.startWorker();
    const server = await t.app.listen(0, '127.0.0.1');
    const svc = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } as never;
    try {
      const gid = String(Date.now());
      const issue = readFixture('sentry/issue/created.json') as { data: { issue: Record<string, unknown> } };
      issue.data.issue.id = gid;
      expect((await sendSentry(svc, 'issue', issue as never)).status).toBe(200);
      expect((await sendSentry(svc, 'issue', { ...issue, action: 'resolved' })).status).toBe(200);
      const dry = () => lines.filter((l) => l.includes('"dryRun":true'));
      await eventually(() => dry().length >= 3, 'dry-run calls logged');
      for (const l of dry()) {
        const j = JSON.parse(l) as { dryRun: boolean; method: string; args: Record<string, unknown> };
        expect(j.dryRun).toBe(true);
        expect(typeof j.method).toBe('string');
        expect(j.args).toBeTypeOf('object');
      }
      const methods = dry().map((l) => (JSON.parse(l) as { method: string }).method);
      expect(methods).toEqual(['chat.postMessage', 'chat.postMessage', 'chat.update']);
      const reply = JSON.parse(dry()[1]) as { args: { thread_ts?: string } };
      expect(reply.args.thread_ts).toBeTruthy();
    } finally {
      await t.shutdown();
    }
  });
});

describe('logs', () => {
  it('never contain a secret or a token', async () => {
    const secrets = {
      SLACK_SIGNING_SECRET: `sss-${randomUUID()}`,
      SLACK_BOT_TOKEN: `xoxb-${randomUUID()}`,
      SENTRY_CLIENT_SECRET: `sen-${randomUUID()}`,
      SENTRY_AUTH_TOKEN: `sat-${randomUUID()}`,
      BUGSEE_WEBHOOK_SECRET: `bws-${randomUUID()}`,
      BUGSEE_API_TOKEN: `bat-${randomUUID()}`,
      THREADLINE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    const svc = await startService('sqlite', { ...secrets, LOG_LEVEL: 'trace' });
    try {
      const body = JSON.stringify(readFixture('sentry/issue/created.json'));
      // Good and bad signatures, a Bugsee token in the query and in a header, a wrong token, a Slack request.
      await fetch(`${svc.url}/webhooks/sentry`, {
        method: 'POST',
        body,
        headers: sentryHeaders(body, 'issue', secrets.SENTRY_CLIENT_SECRET),
      });
      await fetch(`${svc.url}/webhooks/sentry`, { method: 'POST', body, headers: sentryHeaders(body, 'issue', 'wrong') });
      const bugsee = readFixture('bugsee/issue.created.json');
      await sendBugsee(svc, bugsee, { token: secrets.BUGSEE_WEBHOOK_SECRET });
      await sendBugsee(svc, { ...bugsee, id: randomUUID() }, { token: secrets.BUGSEE_WEBHOOK_SECRET, header: true });
      await sendBugsee(svc, bugsee, { token: `${secrets.BUGSEE_WEBHOOK_SECRET}x` });
      await fetch(`${svc.url}/slack/events`, {
        method: 'POST',
        body: 'token=abc',
        headers: { 'x-slack-signature': 'v0=abc', 'x-slack-request-timestamp': '1' },
      });
      await new Promise((r) => setTimeout(r, 300));
      const all = svc.logs.join('\n');
      expect(svc.logs.length).toBeGreaterThan(3);
      for (const [name, value] of Object.entries(secrets)) expect(all, name).not.toContain(value);
      expect(all).not.toContain(BUGSEE_SECRET);
    } finally {
      await svc.stop();
    }
  });
});
