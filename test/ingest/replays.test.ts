/**
 * Issue 16, replays: Sentry signs only the body, so a captured delivery can be resent with any
 * Request-ID and Sentry-Hook-Timestamp. A replay is a duplicate (no second post, no second OAuth
 * code exchange), and an unsigned timestamp far from receipt never pins a card.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import nock from 'nock';
import { startService, eventually, SENTRY_SECRET, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import { sentryHeaders } from '../helpers/signing.js';
import { dedupBodyKey, dedupKey, deliveryTag } from '../../src/store/keys.js';

const ORG_PROJECT = 'acme/mobile-app';

function issue(groupId: string, action: string, status = 'unresolved'): Record<string, unknown> {
  const p = readFixture('sentry/issue/created.json') as { data: { issue: Record<string, unknown> } } & Record<string, unknown>;
  return { ...p, action, data: { ...p.data, issue: { ...p.data.issue, id: groupId, status } } };
}

function comment(groupId: string, text: string): Record<string, unknown> {
  const p = readFixture('sentry/comment/created.json') as { data: Record<string, unknown> } & Record<string, unknown>;
  return { ...p, data: { ...p.data, issue_id: groupId, comment: text, project_slug: 'mobile-app' } };
}

/** Posts exactly these bytes with these headers (a captured delivery, relabelled). */
async function postRaw(svc: TestService, body: string, headers: Record<string, string>) {
  const res = await fetch(`${svc.url}/webhooks/sentry`, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as { status: string } };
}

const posts = (svc: TestService, channel: string) => svc.slack.of('chat.postMessage', channel);

describe.each<StoreKind>(['redis', 'sqlite'])('replayed Sentry deliveries on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
    await installSentry(svc);
  });
  afterAll(async () => svc?.stop());

  const newChannel = async () => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId, source: 'sentry', target: ORG_PROJECT });
    return channelId;
  };

  it('answers duplicate to the same body with a new Request-ID, and posts once', async () => {
    const ch = await newChannel();
    const gid = String(Date.now());
    const body = JSON.stringify(comment(gid, `once-${randomUUID()}`));
    expect((await postRaw(svc, body, sentryHeaders(body, 'comment', SENTRY_SECRET, randomUUID()))).body.status).toBe('accepted');
    for (let i = 0; i < 5; i++) {
      const replay = await postRaw(svc, body, sentryHeaders(body, 'comment', SENTRY_SECRET, randomUUID()));
      expect(replay).toEqual({ status: 200, body: expect.objectContaining({ status: 'duplicate' }) });
    }
    await eventually(() => posts(svc, ch).length === 1, 'the one post');
    // A later, distinct comment of the thread posts: only the replays were dropped.
    expect((await sendSentry(svc, 'comment', comment(gid, 'after-the-replays'))).body.status).toBe('accepted');
    await eventually(() => posts(svc, ch).length === 2, 'the later comment posted');
    expect(await svc.t.queue.drained(10_000)).toBe(true);
    expect(posts(svc, ch)).toHaveLength(2);
    expect(JSON.stringify(posts(svc, ch)[1]?.args)).toContain('after-the-replays');
  });

  it('takes 100 relabelled copies of one signed body (new Request-ID, any timestamp) as one delivery', async () => {
    const ch = await newChannel();
    const body = JSON.stringify(comment(String(Date.now() + 9), `relabelled-${randomUUID()}`));
    const stamps = ['4102444800', 'banana', '1000000000', '', String(Math.floor(Date.now() / 1000))];
    const answers: string[] = [];
    for (let i = 0; i < 100; i++) {
      const headers = {
        ...sentryHeaders(body, 'comment', SENTRY_SECRET, randomUUID()),
        'sentry-hook-timestamp': stamps[i % stamps.length],
      };
      answers.push((await postRaw(svc, body, headers)).body.status);
    }
    expect(answers.filter((a) => a === 'accepted')).toHaveLength(1);
    expect(answers.filter((a) => a === 'duplicate')).toHaveLength(99);
    await eventually(() => posts(svc, ch).length === 1, 'the one post');
    expect(await svc.t.queue.drained(10_000)).toBe(true);
    expect(posts(svc, ch)).toHaveLength(1);
  });

  it('still finishes a pending claim when the sender retries with the same Request-ID', async () => {
    const ch = await newChannel();
    const gid = String(Date.now() + 2);
    const body = JSON.stringify({ ...comment(gid, 'pending'), _replay: randomUUID() });
    const headers = sentryHeaders(body, 'comment', SENTRY_SECRET, randomUUID());
    // What a first attempt left when it died after claiming: both claims pending, nothing queued.
    const sha = createHash('sha256').update(body).digest('hex');
    const tag = deliveryTag(`sentry:issue:${gid}`, sha);
    const first = await svc.t.store.claimAndCount(
      dedupKey('sentry', headers['request-id'], tag),
      120,
      undefined,
      dedupBodyKey('sentry', sha, tag),
    );
    expect(first.claimed).toBe(true);
    expect((await postRaw(svc, body, headers)).body.status).toBe('duplicate');
    await eventually(() => posts(svc, ch).length === 1, 'the retry queued the job, which posted');
    // A relabelled copy of the same bytes finds the body claim: a duplicate, nothing more.
    expect((await postRaw(svc, body, sentryHeaders(body, 'comment', SENTRY_SECRET, randomUUID()))).body.status).toBe('duplicate');
    expect(await svc.t.queue.drained(10_000)).toBe(true);
    expect(posts(svc, ch)).toHaveLength(1);
  });

  for (const [what, stamp] of [
    ['year-2100', '4102444800'],
    ['banana', 'banana'],
  ] as const) {
    it(`does not let a ${what} timestamp pin the card; a later real event updates it`, async () => {
      const ch = await newChannel();
      const gid = String(Date.now() + 3 + stamp.length);
      const now = Math.floor(Date.now() / 1000);
      expect((await sendSentry(svc, 'issue', issue(gid, 'created'), { timestamp: now - 60 })).body.status).toBe('accepted');
      await eventually(() => posts(svc, ch).length === 1, 'parent posted');
      const resolved = JSON.stringify(issue(gid, 'resolved', 'resolved'));
      const headers = { ...sentryHeaders(resolved, 'issue', SENTRY_SECRET, randomUUID()), 'sentry-hook-timestamp': stamp };
      expect((await postRaw(svc, resolved, headers)).body.status).toBe('accepted');
      await eventually(() => posts(svc, ch).length === 2, 'resolved reply');
      await eventually(
        async () => (await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`))?.state.status === 'resolved',
        'card resolved',
      );
      // The real regression, a few seconds later by Sentry's clock.
      expect((await sendSentry(svc, 'issue', issue(gid, 'unresolved', 'unresolved'), { timestamp: now + 5 })).body.status).toBe('accepted');
      await eventually(() => posts(svc, ch).length === 3, 'unresolved reply');
      await eventually(
        async () => (await svc.t.store.getThread('T1', ch, `sentry:issue:${gid}`))?.state.status === 'unresolved',
        'card state follows the later real event',
      );
      const lastUpdate = svc.slack.of('chat.update', ch).at(-1);
      expect(JSON.stringify(lastUpdate?.args)).not.toMatch(/✅ Resolved/);
    });
  }
});

describe('a replayed installation.created', () => {
  const SENTRY = 'https://sentry.replay.test';
  const UUID = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';
  let svc: TestService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1'));
    svc = await startService('sqlite', { SENTRY_URL: SENTRY, SENTRY_CLIENT_ID: 'sentry-client-id' });
  });
  afterAll(async () => {
    await svc?.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('exchanges the code once, whatever Request-ID the copies carry', async () => {
    let exchanges = 0;
    nock(SENTRY)
      .persist()
      .post(`/api/0/sentry-app-installations/${UUID}/authorizations/`)
      .reply(201, () => {
        exchanges++;
        return { token: `tok-${exchanges}`, refreshToken: 'r', expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
      });
    const body = JSON.stringify(readFixture('sentry/installation/created.json'));
    expect((await postRaw(svc, body, sentryHeaders(body, 'installation', SENTRY_SECRET, randomUUID()))).body.status).toBe('accepted');
    await eventually(async () => Boolean((await svc.t.store.getSentryInstallation(UUID))?.token), 'installed');
    for (let i = 0; i < 3; i++) {
      expect((await postRaw(svc, body, sentryHeaders(body, 'installation', SENTRY_SECRET, randomUUID()))).body.status).toBe('duplicate');
    }
    // Let the worker drain whatever it would have queued, then count.
    expect(await svc.t.queue.drained(10_000)).toBe(true);
    expect(exchanges).toBe(1);
  });
});
