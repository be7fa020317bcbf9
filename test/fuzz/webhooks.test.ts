/**
 * Both webhook routes under random input: random bytes, truncated JSON, huge numbers, deep
 * nesting, wrong types and valid signatures over garbage. Only CONTRACT status codes come back
 * (never 500, never 503 while the store is up), the service keeps answering, and nothing is stored
 * but what the answers say: a job per "accepted", a dead letter per 422.
 */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUGSEE_SECRET, SENTRY_SECRET, startService, type TestService } from '../helpers/service.js';
import { sentryHeaders } from '../helpers/signing.js';

const ALLOWED = new Set([200, 202, 400, 401, 413, 415, 422]);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SENTRY_RESOURCES = ['installation', 'issue', 'event_alert', 'error', 'comment', 'metric_alert', 'seer', 'preprod_artifact'];

interface Seed {
  resource: string;
  json: Record<string, unknown>;
}

function sentrySeeds(): Seed[] {
  const root = path.resolve('fixtures/sentry');
  return readdirSync(root).flatMap((resource) =>
    readdirSync(path.join(root, resource))
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ resource, json: JSON.parse(readFileSync(path.join(root, resource, f), 'utf8')) as Record<string, unknown> })),
  );
}

function bugseeSeeds(): Record<string, unknown>[] {
  const root = path.resolve('fixtures/bugsee');
  return readdirSync(root)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(root, f), 'utf8')) as Record<string, unknown>);
}

/** Replaces the value at a random path of `json` with `value` (objects and arrays only). */
function mutate(json: unknown, pick: number[], value: unknown): unknown {
  if (pick.length === 0 || json === null || typeof json !== 'object') return value;
  const [i, ...rest] = pick as [number, ...number[]];
  if (Array.isArray(json)) {
    if (json.length === 0) return value;
    const at = i % json.length;
    return json.map((v, j) => (j === at ? mutate(v, rest, value) : v));
  }
  const keys = Object.keys(json);
  if (keys.length === 0) return value;
  const key = keys[i % keys.length];
  return { ...(json as Record<string, unknown>), [key]: mutate((json as Record<string, unknown>)[key], rest, value) };
}

const deep = (levels: number, open: string, close: string, inner = '1') => `${open.repeat(levels)}${inner}${close.repeat(levels)}`;

/** Bodies that are not a valid event: bytes, broken or hostile JSON. */
const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc.integer({ min: 0, max: 12_000 }).map((n) => Buffer.from(deep(n, '[', ']'))),
  fc.integer({ min: 0, max: 12_000 }).map((n) => Buffer.from(deep(n, '{"a":', '}'))),
  fc
    .constantFrom('1e999', '-1e999', '123456789012345678901234567890', '{"action":1e400,"data":{}}', '{"type":9007199254740993}')
    .map((s) => Buffer.from(s)),
);

describe('webhook routes under fuzzing', () => {
  let svc: TestService;
  const counts = { accepted: 0, invalid: 0 };
  /** Dead letters are kept once per body (as text), however often it is rejected. */
  const invalidBodies = new Set<string>();
  const seen: Record<number, number> = {};

  beforeAll(async () => {
    svc = await startService('sqlite', {}, { worker: false });
  });
  afterAll(async () => {
    await svc?.stop();
  });

  async function post(route: 'sentry' | 'bugsee', body: Buffer | string, headers: Record<string, string>, query = ''): Promise<number> {
    const res = await fetch(`${svc.url}/webhooks/${route}${query}`, { method: 'POST', headers, body });
    const text = await res.text();
    seen[res.status] = (seen[res.status] ?? 0) + 1;
    if (res.status === 200 && (JSON.parse(text) as { status?: string }).status === 'accepted') counts.accepted += 1;
    if (res.status === 422) {
      counts.invalid += 1;
      invalidBodies.add(Buffer.from(body).toString('utf8'));
    }
    expect(ALLOWED.has(res.status), `status ${res.status}: ${text.slice(0, 200)}`).toBe(true);
    return res.status;
  }

  async function storedMatchesAnswers() {
    const q = await svc.t.queue.counts();
    expect(q.waiting + q.delayed + q.active + q.failed).toBe(counts.accepted);
    expect((await svc.t.store.listDeadLetters(100_000)).length).toBe(invalidBodies.size);
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  }

  it('sentry: garbage, signed or not, under any resource', async () => {
    await fc.assert(
      fc.asyncProperty(
        garbage,
        fc.constantFrom(...SENTRY_RESOURCES, 'nope', ''),
        fc.boolean(),
        fc.constantFrom('application/json', 'text/plain', ''),
        async (body, resource, signed, ct) => {
          const headers: Record<string, string> = signed
            ? sentryHeaders(body, resource, SENTRY_SECRET, randomUUID())
            : { 'sentry-hook-resource': resource };
          if (ct) headers['content-type'] = ct;
          else delete headers['content-type'];
          const status = await post('sentry', body, headers);
          if (!signed && ct === 'application/json') expect(status).toBe(401);
        },
      ),
      { numRuns: RUNS },
    );
    await storedMatchesAnswers();
    expect(counts.accepted).toBe(0);
  }, 120_000);

  it('sentry: fixtures truncated, or with a field of the wrong type, validly signed', async () => {
    const seeds = sentrySeeds();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.oneof(
          fc.record({ cut: fc.nat() }),
          fc.record({
            path: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
            value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(1e308), fc.constant(-0), fc.constant('')),
          }),
        ),
        async (seed, how) => {
          const full = JSON.stringify(seed.json);
          const body = 'cut' in how ? full.slice(0, how.cut % full.length) : JSON.stringify(mutate(seed.json, how.path, how.value));
          await post('sentry', body, sentryHeaders(body, seed.resource, SENTRY_SECRET, randomUUID()));
        },
      ),
      { numRuns: RUNS },
    );
    await storedMatchesAnswers();
  }, 120_000);

  it('bugsee: garbage and broken envelopes, with and without the token', async () => {
    const seeds = bugseeSeeds();
    const envelope = fc.oneof(
      garbage,
      fc.record({ seed: fc.constantFrom(...seeds), cut: fc.nat() }).map(({ seed, cut }) => {
        const full = JSON.stringify({ ...seed, id: randomUUID() });
        return Buffer.from(full.slice(0, cut % full.length));
      }),
      fc
        .record({
          seed: fc.constantFrom(...seeds),
          path: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          value: fc.jsonValue({ maxDepth: 2 }),
        })
        .map(({ seed, path: p, value }) => Buffer.from(JSON.stringify(mutate({ ...seed, id: randomUUID() }, p, value)))),
    );
    await fc.assert(
      fc.asyncProperty(envelope, fc.constantFrom('query', 'header', 'wrong', 'none'), async (body, auth) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        let query = '';
        if (auth === 'query') query = `?token=${encodeURIComponent(BUGSEE_SECRET)}`;
        if (auth === 'header') headers['x-bugsee-token'] = BUGSEE_SECRET;
        if (auth === 'wrong') query = '?token=not-the-secret';
        const status = await post('bugsee', body, headers, query);
        if (auth === 'wrong' || auth === 'none') expect(status).toBe(401);
      }),
      { numRuns: RUNS },
    );
    await storedMatchesAnswers();
  }, 120_000);

  it('answers 413 over 1 MiB and copes with 10,000 levels of nesting', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect(await post('sentry', big, sentryHeaders(big, 'issue', SENTRY_SECRET))).toBe(413);
    expect(await post('bugsee', big, { 'content-type': 'application/json' }, `?token=${BUGSEE_SECRET}`)).toBe(413);
    const nested = `{"action":"created","data":${deep(10_000, '{"issue":', '}', '{}')}}`;
    expect([400, 422]).toContain(await post('sentry', nested, sentryHeaders(nested, 'issue', SENTRY_SECRET)));
    const envelope = `{"id":"deep","type":"issue.created","payload":${deep(10_000, '[', ']')}}`;
    expect([400, 422]).toContain(await post('bugsee', envelope, { 'content-type': 'application/json' }, `?token=${BUGSEE_SECRET}`));
    await storedMatchesAnswers();
    // Every answer so far was one the contract names.
    expect(
      Object.keys(seen)
        .map(Number)
        .every((s) => ALLOWED.has(s)),
    ).toBe(true);
  }, 60_000);
});
