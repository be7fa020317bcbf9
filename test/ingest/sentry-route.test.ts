import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupKey, deliveryTag, seqKey } from '../../src/store/keys.js';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startService, SENTRY_SECRET, type StoreKind, type TestService } from '../helpers/service.js';
import { sentryHeaders } from '../helpers/signing.js';
import { SENTRY_DERIVED_TYPES } from '../../src/sources/sentry/events.js';

const FIXTURES = path.resolve('fixtures/sentry');

function sentryFixtures(): { resource: string; file: string; name: string }[] {
  const out: { resource: string; file: string; name: string }[] = [];
  for (const resource of readdirSync(FIXTURES)) {
    for (const f of readdirSync(path.join(FIXTURES, resource))) {
      if (f.endsWith('.json')) out.push({ resource, file: path.join(FIXTURES, resource, f), name: `${resource}/${f}` });
    }
  }
  return out;
}

const derived = (f: { resource: string; file: string }) =>
  SENTRY_DERIVED_TYPES.has(`sentry.${f.resource}.${path.basename(f.file).split('.')[0]}`);

async function post(svc: TestService, body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(`${svc.url}/webhooks/sentry`, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as { status: string; reason?: string } };
}

/** The fixture made unique (`_replay`), as Sentry's own deliveries are: the same bytes twice are a replay. */
const issueBody = () =>
  JSON.stringify({ ...JSON.parse(readFileSync(path.join(FIXTURES, 'issue/created.json'), 'utf8')), _replay: randomUUID() });

describe.each<StoreKind>(['redis', 'sqlite'])('POST /webhooks/sentry on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    // No worker: these tests are about the answer and what is stored, not delivery.
    svc = await startService(kind, { SENTRY_CLIENT_SECRET: `old-secret,${SENTRY_SECRET}` }, { worker: false });
  });
  afterAll(async () => svc?.stop());

  it.each(sentryFixtures().filter((f) => !derived(f)))('accepts the signed fixture $name', async ({ resource, file }) => {
    const body = readFileSync(file);
    const res = await post(svc, body, sentryHeaders(body, resource, SENTRY_SECRET));
    expect(res).toMatchObject({ status: 200, body: { status: 'accepted' } });
  });

  // Our own link events (src/delivery/thread-links.ts) come from the worker only, never from outside.
  it.each(sentryFixtures().filter(derived))('answers 202, not ours, to the link event fixture $name', async ({ resource, file }) => {
    const body = readFileSync(file);
    const res = await post(svc, body, sentryHeaders(body, resource, SENTRY_SECRET));
    expect(res.status).toBe(202);
  });

  it('accepts a delivery signed with the old secret during rotation', async () => {
    const body = issueBody();
    expect((await post(svc, body, sentryHeaders(body, 'issue', 'old-secret'))).status).toBe(200);
  });

  it('answers 401 to a wrong or missing signature and stores nothing', async () => {
    const body = issueBody();
    const id = randomUUID();
    const wrong = await post(svc, body, sentryHeaders(body, 'issue', 'not-the-secret', id));
    expect(wrong).toEqual({ status: 401, body: { status: 'error', reason: expect.any(String) } });
    const { 'sentry-hook-signature': _sig, ...unsigned } = sentryHeaders(body, 'issue', SENTRY_SECRET, id);
    expect((await post(svc, body, unsigned)).status).toBe(401);
    // Nothing was claimed: the genuine delivery with the same Request-ID is accepted, not a duplicate.
    expect((await post(svc, body, sentryHeaders(body, 'issue', SENTRY_SECRET, id))).body.status).toBe('accepted');
  });

  it('verifies the bytes as received, not re-serialized JSON', async () => {
    const body = `{ "action" : "created",\n  "data": ${JSON.stringify(JSON.parse(issueBody()).data)}, "installation": {"uuid": "a8e5d37a-696c-4c54-adb5-b3f28d64c7de"}, "actor": {"type":"application","id":"sentry","name":"Sentry"} }`;
    expect((await post(svc, body, sentryHeaders(body, 'issue', SENTRY_SECRET))).status).toBe(200);
    const reserialized = JSON.stringify(JSON.parse(body));
    expect((await post(svc, body, sentryHeaders(reserialized, 'issue', SENTRY_SECRET))).status).toBe(401);
  });

  it('answers 413 over 1 MiB', async () => {
    const body = JSON.stringify({ action: 'created', data: { pad: 'x'.repeat(1024 * 1024) } });
    expect((await post(svc, body, sentryHeaders(body, 'issue', SENTRY_SECRET))).status).toBe(413);
  });

  it('answers 413 to a body over 1 MiB sent in chunks without a length, and then serves the next request', async () => {
    // No Content-Length: the limit is found while reading, and the rest is read and dropped.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(chunk);
        c.close();
      },
    });
    const res = await fetch(`${svc.url}/webhooks/sentry`, {
      method: 'POST',
      body: stream,
      headers: sentryHeaders('{}', 'issue', SENTRY_SECRET),
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    const body = issueBody();
    expect((await post(svc, body, sentryHeaders(body, 'issue', SENTRY_SECRET))).status).toBe(200);
  });

  it('answers 415 to a compressed body: signatures are over the bytes as sent, and nothing is inflated', async () => {
    const body = issueBody();
    const res = await post(svc, body, { ...sentryHeaders(body, 'issue', SENTRY_SECRET), 'content-encoding': 'gzip' });
    expect(res).toEqual({ status: 415, body: { status: 'error', reason: expect.stringContaining('Content-Encoding') } });
  });

  it('takes the route in any case and with a trailing slash (as Express did), and only as POST', async () => {
    const body = issueBody();
    const res = await fetch(`${svc.url}/Webhooks/SENTRY/?x=1`, {
      method: 'POST',
      body,
      headers: sentryHeaders(body, 'issue', SENTRY_SECRET),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect((await fetch(`${svc.url}/webhooks/sentry`)).status).toBe(404);
    expect((await fetch(`${svc.url}/webhooks/sentry/extra`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('answers 415 when the body is not JSON', async () => {
    const body = 'action=created';
    const res = await post(svc, body, {
      ...sentryHeaders(body, 'issue', SENTRY_SECRET),
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(415);
  });

  it('answers 400 to unparseable JSON, a missing action or a missing resource header', async () => {
    const bad = '{"action": "created", ';
    expect((await post(svc, bad, sentryHeaders(bad, 'issue', SENTRY_SECRET))).status).toBe(400);
    const noAction = JSON.stringify({ data: {} });
    expect((await post(svc, noAction, sentryHeaders(noAction, 'issue', SENTRY_SECRET))).status).toBe(400);
    const body = issueBody();
    const { 'sentry-hook-resource': _r, ...noResource } = sentryHeaders(body, 'issue', SENTRY_SECRET);
    expect((await post(svc, body, noResource)).status).toBe(400);
  });

  it('answers 202 to an unknown resource or action', async () => {
    const body = JSON.stringify({ action: 'created', data: {} });
    expect(await post(svc, body, sentryHeaders(body, 'spaceship', SENTRY_SECRET))).toMatchObject({
      status: 202,
      body: { status: 'ignored' },
    });
    const odd = JSON.stringify({ action: 'teleported', data: {} });
    expect((await post(svc, odd, sentryHeaders(odd, 'issue', SENTRY_SECRET))).status).toBe(202);
  });

  it('answers 422 to a verified body that fails the schema, and keeps it as a dead letter', async () => {
    const body = JSON.stringify({ action: 'resolved', data: { issue: { title: 'no id' } }, installation: { uuid: 'u' } });
    const headers = sentryHeaders(body, 'issue', SENTRY_SECRET);
    const res = await post(svc, body, headers);
    expect(res).toMatchObject({ status: 422, body: { status: 'invalid' } });
    const dls = await svc.t.store.listDeadLetters(50);
    const dl = dls.find((d) => d.body === body);
    expect(dl).toBeDefined();
    expect(dl?.reason).toBe('schema');
    expect(dl?.headers?.['request-id']).toBe(headers['request-id']);
    expect(dl?.headers).not.toHaveProperty('sentry-hook-signature');
    expect(dl?.error).toBeTruthy();
  });

  it('keeps 100 relabelled copies of one invalid body as one dead letter', async () => {
    // Same signed bytes, a new Request-ID each time: the dedup claim never sees them, the body hash does.
    const body = JSON.stringify({ action: 'created', data: { comment: { text: randomUUID() } }, installation: { uuid: 'u' } });
    const answers = [];
    for (let i = 0; i < 100; i++) answers.push((await post(svc, body, sentryHeaders(body, 'comment', SENTRY_SECRET, randomUUID()))).status);
    expect(new Set(answers)).toEqual(new Set([422]));
    const kept = (await svc.t.store.listDeadLetters(10_000)).filter((d) => d.body === body);
    expect(kept).toHaveLength(1);
    expect(kept[0].count).toBe(100);
  });

  it('answers a redelivery with 200 duplicate and does nothing else', async () => {
    const body = issueBody();
    const headers = sentryHeaders(body, 'issue', SENTRY_SECRET);
    expect((await post(svc, body, headers)).body.status).toBe('accepted');
    const before = await svc.t.queue.counts();
    expect(await post(svc, body, headers)).toEqual({ status: 200, body: expect.objectContaining({ status: 'duplicate' }) });
    expect(await svc.t.queue.counts()).toEqual(before);
  });

  it('stores the job when a retry finds the first attempt died between its claim and the enqueue', async () => {
    const body = issueBody();
    const headers = sentryHeaders(body, 'issue', SENTRY_SECRET);
    // What a first attempt left when it died right after claiming: a pending claim with its number.
    const threadKey = 'sentry:issue:1170820242';
    const first = await svc.t.store.claimAndCount(
      dedupKey('sentry', headers['request-id'], deliveryTag(threadKey, '')),
      120,
      seqKey(threadKey),
    );
    expect(first.claimed).toBe(true);
    const before = await svc.t.queue.counts();
    expect(await post(svc, body, headers)).toEqual({ status: 200, body: expect.objectContaining({ status: 'duplicate' }) });
    expect((await svc.t.queue.counts()).waiting).toBe(before.waiting + 1);
    // Confirmed now: a later redelivery is a plain duplicate and queues nothing more.
    await new Promise((r) => setTimeout(r, 50));
    expect((await post(svc, body, headers)).body.status).toBe('duplicate');
    expect((await svc.t.queue.counts()).waiting).toBe(before.waiting + 1);
  });

  it('dedups on the body sha256 when Request-ID is missing', async () => {
    const body = JSON.stringify({ ...JSON.parse(issueBody()), extra: randomUUID() });
    const { 'request-id': _id, ...headers } = sentryHeaders(body, 'issue', SENTRY_SECRET);
    expect((await post(svc, body, headers)).body.status).toBe('accepted');
    expect((await post(svc, body, headers)).body.status).toBe('duplicate');
  });

  it('accepts twenty identical deliveries sent at once exactly once', async () => {
    const body = issueBody();
    const headers = sentryHeaders(body, 'issue', SENTRY_SECRET);
    const results = await Promise.all(Array.from({ length: 20 }, () => post(svc, body, headers)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(results.filter((r) => r.body.status === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.body.status === 'duplicate')).toHaveLength(19);
  });
});

describe.each<StoreKind>(['redis', 'sqlite'])('Sentry dedup survives a restart on %s', (kind) => {
  it('answers duplicate to a redelivery after the service restarted', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const env: Record<string, string> =
      kind === 'redis'
        ? { REDIS_PREFIX: `tl-restart-${randomUUID().slice(0, 8)}:` }
        : { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'tl-restart-')) };
    const body = issueBody();
    const headers = sentryHeaders(body, 'issue', SENTRY_SECRET);
    const a = await startService(kind, env, { worker: false });
    expect((await post(a, body, headers)).body.status).toBe('accepted');
    await a.t.shutdown();
    const b = await startService(kind, env, { worker: false });
    try {
      expect((await post(b, body, headers)).body.status).toBe('duplicate');
    } finally {
      await b.stop();
      await a.slack.close();
    }
  });
});
