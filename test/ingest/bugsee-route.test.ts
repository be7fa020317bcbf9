import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startService, BUGSEE_SECRET, type StoreKind, type TestService } from '../helpers/service.js';

const FIXTURES = path.resolve('fixtures/bugsee');
const fixtures = () => readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

async function post(svc: TestService, body: string, opts: { query?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${svc.url}/webhooks/bugsee${opts.query ?? `?token=${BUGSEE_SECRET}`}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...opts.headers },
  });
  return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
}

const issueCreated = () => readFileSync(path.join(FIXTURES, 'issue.created.json'), 'utf8');
const fresh = (body: string) => JSON.stringify({ ...JSON.parse(body), id: randomUUID() });

describe.each<StoreKind>(['redis', 'sqlite'])('POST /webhooks/bugsee on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind, {}, { worker: false });
  });
  afterAll(async () => svc?.stop());

  it.each(fixtures())('accepts the fixture %s', async (f) => {
    const res = await post(svc, readFileSync(path.join(FIXTURES, f), 'utf8'));
    expect(res).toMatchObject({ status: 200, body: { status: 'accepted' } });
  });

  it('takes the token from the query or the X-Bugsee-Token header', async () => {
    expect((await post(svc, fresh(issueCreated()))).status).toBe(200);
    expect((await post(svc, fresh(issueCreated()), { query: '', headers: { 'x-bugsee-token': BUGSEE_SECRET } })).status).toBe(200);
  });

  it('answers 401 to a wrong or missing token and stores nothing', async () => {
    const body = fresh(issueCreated());
    expect((await post(svc, body, { query: '?token=wrong' })).status).toBe(401);
    expect((await post(svc, body, { query: `?token=${BUGSEE_SECRET}x` })).status).toBe(401);
    expect((await post(svc, body, { query: '', headers: { 'x-bugsee-token': 'nope' } })).status).toBe(401);
    expect((await post(svc, body, { query: '' })).status).toBe(401);
    expect((await post(svc, body)).body.status).toBe('accepted');
  });

  it('answers 400, 415, 413, 202 and 422 as the contract says', async () => {
    expect((await post(svc, '{"id": "x", ')).status).toBe(400);
    expect((await post(svc, JSON.stringify({ id: randomUUID(), payload: {} }))).status).toBe(400);
    const res415 = await fetch(`${svc.url}/webhooks/bugsee?token=${BUGSEE_SECRET}`, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res415.status).toBe(415);
    expect((await post(svc, JSON.stringify({ id: 'big', type: 'issue.created', payload: { pad: 'x'.repeat(1024 * 1024) } }))).status).toBe(
      413,
    );
    expect(await post(svc, JSON.stringify({ id: randomUUID(), type: 'spaceship.launched', payload: {} }))).toMatchObject({ status: 202 });
    const malformed = JSON.stringify({
      id: randomUUID(),
      type: 'issue.created',
      created_on: new Date().toISOString(),
      payload: { app: { key: 'IOS' } },
    });
    expect(await post(svc, malformed)).toMatchObject({ status: 422, body: { status: 'invalid' } });
    const dl = (await svc.t.store.listDeadLetters(50)).find((d) => d.body === malformed);
    expect(dl?.source).toBe('bugsee');
    expect(dl?.error).toBeTruthy();
  });

  it('dedups on the envelope id, and on the body when there is none', async () => {
    const body = fresh(issueCreated());
    expect((await post(svc, body)).body.status).toBe('accepted');
    expect(await post(svc, body)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    const { id: _id, ...noId } = JSON.parse(issueCreated()) as Record<string, unknown>;
    const anon = JSON.stringify({ ...noId, created_on: new Date().toISOString() });
    expect((await post(svc, anon)).body.status).toBe('accepted');
    expect((await post(svc, anon)).body.status).toBe('duplicate');
  });

  it('accepts 20 identical concurrent deliveries exactly once', async () => {
    const body = fresh(issueCreated());
    const results = await Promise.all(Array.from({ length: 20 }, () => post(svc, body)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.status === 'accepted')).toHaveLength(1);
  });
});
