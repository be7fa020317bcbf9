/**
 * Issue 16: the order of webhook answers. A missing or malformed credential gets 401 before the
 * body is read; then 413, 415; then a wrong signature or token 401; then 400, 202, 422. Also:
 * invalid UTF-8 is 400, a charset other than UTF-8 is 415, and refusals are logged a bounded number
 * of times however many arrive.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { startService, BUGSEE_SECRET, SENTRY_SECRET, type StoreKind, type TestService } from '../helpers/service.js';
import { readFixture } from '../helpers/deliver.js';
import { sentryHeaders } from '../helpers/signing.js';
import { createRateLimitedLog } from '../../src/ingest/rate-limited-log.js';
import { mediaTypeProblem } from '../../src/ingest/routes.js';

const BIG = 'x'.repeat(1024 * 1024 + 10);
const WRONG_SIG = 'ab'.repeat(32);

async function post(url: string, body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return res.status;
}

/** Sends the headers of a 1 MiB body and never the body: only an answer given before reading it arrives. */
function headersOnly(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(1024 * 1024) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

const issueBody = () => JSON.stringify({ ...readFixture('sentry/issue/created.json'), _replay: randomUUID() });

describe.each<StoreKind>(['redis'])('answer order on %s', (kind) => {
  let svc: TestService;
  let sentry: string;
  let bugsee: string;
  beforeAll(async () => {
    svc = await startService(kind, {}, { worker: false });
    sentry = `${svc.url}/webhooks/sentry`;
    bugsee = `${svc.url}/webhooks/bugsee`;
  });
  afterAll(async () => svc?.stop());

  const signed = (body: string, resource = 'issue') => sentryHeaders(body, resource, SENTRY_SECRET);
  const unsigned = (body: string) => {
    const { 'sentry-hook-signature': _s, ...rest } = signed(body);
    return rest;
  };

  it('Sentry: a missing or malformed signature is 401 before the body is read', async () => {
    const h = unsigned('{}');
    expect(await headersOnly(sentry, h)).toBe(401);
    expect(await headersOnly(sentry, { ...h, 'sentry-hook-signature': 'not-hex' })).toBe(401);
    // ...and before 413 and 415.
    expect(await post(sentry, BIG, h)).toBe(401);
    expect(await post(sentry, 'a=b', { ...h, 'content-type': 'text/plain' })).toBe(401);
  });

  it('Sentry: then 413, then 415, then a wrong signature 401', async () => {
    const wrong = { ...signed('{}'), 'sentry-hook-signature': WRONG_SIG };
    expect(await post(sentry, BIG, { ...wrong, 'content-type': 'text/plain' })).toBe(413);
    expect(await post(sentry, 'a=b', { ...wrong, 'content-type': 'text/plain' })).toBe(415);
    expect(await post(sentry, issueBody(), { ...wrong, 'content-type': 'application/json; charset=latin1' })).toBe(415);
    expect(await post(sentry, issueBody(), wrong)).toBe(401);
  });

  it('Sentry: then 400 (not JSON, not UTF-8), 202 (unknown), 422 (schema)', async () => {
    expect(await post(sentry, 'not json', signed('not json'))).toBe(400);
    const latin1 = Buffer.concat([Buffer.from('{"action":"created","data":{"x":"caf'), Buffer.from([0xe9]), Buffer.from('"}}')]);
    expect(await post(sentry, latin1, sentryHeaders(latin1, 'issue', SENTRY_SECRET))).toBe(400);
    const unknown = JSON.stringify({ action: 'created', data: {}, _replay: randomUUID() });
    expect(await post(sentry, unknown, signed(unknown, 'no-such-resource'))).toBe(202);
    const invalid = JSON.stringify({ action: 'created', data: { issue: 'not an object' }, _replay: randomUUID() });
    expect(await post(sentry, invalid, signed(invalid))).toBe(422);
    const good = issueBody();
    expect(await post(sentry, good, { ...signed(good), 'content-type': 'application/json; charset="UTF-8"' })).toBe(200);
  });

  it('Bugsee: a missing token is 401 before the body is read; then 413, 415, a wrong token 401, 400', async () => {
    const json = { 'content-type': 'application/json' };
    expect(await headersOnly(bugsee, json)).toBe(401);
    expect(await post(bugsee, BIG, json)).toBe(401);
    expect(await post(`${bugsee}?token=${'t'.repeat(2000)}`, '{}', json)).toBe(401);
    expect(await post(`${bugsee}?token=wrong-token`, BIG, json)).toBe(413);
    expect(await post(`${bugsee}?token=wrong-token`, 'a=b', { 'content-type': 'text/plain' })).toBe(415);
    expect(await post(`${bugsee}?token=wrong-token`, '{}', json)).toBe(401);
    expect(await post(`${bugsee}?token=${BUGSEE_SECRET}`, Buffer.from([0x7b, 0xff, 0x7d]), json)).toBe(400);
    expect(await post(`${bugsee}`, '{"type":"no.such"}', { ...json, 'x-bugsee-token': BUGSEE_SECRET })).toBe(202);
  });

  it('never makes an unknown event name a metric label value, for either source', async () => {
    const names = Array.from({ length: 50 }, () => `zz${randomUUID().replace(/-/g, '')}`);
    for (const name of names) {
      const unknown = JSON.stringify({ action: 'created', data: {}, _replay: randomUUID() });
      expect(await post(sentry, unknown, signed(unknown, name))).toBe(202);
      expect(await post(`${bugsee}?token=${BUGSEE_SECRET}`, JSON.stringify({ type: name }), { 'content-type': 'application/json' })).toBe(
        202,
      );
    }
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    for (const name of names) expect(metrics).not.toContain(name);
    const types = new Set([...metrics.matchAll(/threadline_webhooks_total\{[^}]*type="([^"]*)"/g)].map((m) => m[1]));
    for (const t of types) expect(t === 'unknown' || /^(sentry|bugsee)\.[a-z_]+(\.[a-z_]+)+$/.test(t), t).toBe(true);
    expect(metrics).toMatch(/threadline_webhooks_total\{source="bugsee",outcome="unknown",type="unknown"\} \d+/);
  });

  it('logs thousands of refusals in a bounded number of lines', { timeout: 180_000 }, async () => {
    // A service of its own, so the figure counts every line these refusals caused.
    const own = await startService(kind, {}, { worker: false });
    const sentry = `${own.url}/webhooks/sentry`;
    const bugsee = `${own.url}/webhooks/bugsee`;
    const before = own.logs.length;
    const h = unsigned('{}');
    const wrong = { ...signed('{}'), 'sentry-hook-signature': WRONG_SIG };
    const unknown = JSON.stringify({ action: 'created', data: {} });
    const kinds: Array<() => Promise<number>> = [
      () => post(sentry, '{}', h),
      () => post(sentry, '{}', wrong),
      () => post(sentry, 'a=b', { ...wrong, 'content-type': 'text/plain' }),
      () => post(sentry, 'nope', signed('nope')),
      () => post(sentry, unknown, signed(unknown, `r-${randomUUID()}`)),
      () => post(`${bugsee}?token=wrong-token`, '{}', { 'content-type': 'application/json' }),
    ];
    const statuses = new Set<number>();
    for (let i = 0; i < 2400; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => kinds[(i + j) % kinds.length]()));
      for (const s of batch) statuses.add(s);
    }
    expect([...statuses].sort()).toEqual([202, 400, 401, 415]);
    // One line per (reason, source) per minute: a handful, not 2,400.
    const lines = own.logs.slice(before);
    await own.stop();
    console.log(JSON.stringify({ refusals: 2400, logLines: lines.length }));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(12);
  });
});

describe('createRateLimitedLog', () => {
  it('writes once per interval per key and counts what it folded in', () => {
    let t = 0;
    const written: Array<{ obj: Record<string, unknown>; msg: string }> = [];
    const log = { info: (obj: Record<string, unknown>, msg: string) => written.push({ obj, msg }) } as never;
    const limited = createRateLimitedLog({ intervalMs: 60_000, now: () => t });
    for (let i = 0; i < 5000; i++) limited.write(log, 'info', 'a', { n: i }, 'refused');
    limited.write(log, 'info', 'b', {}, 'other');
    expect(written.map((w) => w.obj)).toEqual([{ n: 0 }, {}]);
    t = 60_000;
    limited.write(log, 'info', 'a', { n: 5000 }, 'refused');
    expect(written.at(-1)?.obj).toEqual({ n: 5000, folded: 4999 });
  });

  it('remembers a bounded number of keys', () => {
    const written: unknown[] = [];
    const log = { info: (obj: unknown) => written.push(obj) } as never;
    const limited = createRateLimitedLog({ maxKeys: 10, now: () => 0 });
    for (let i = 0; i < 1000; i++) limited.write(log, 'info', `k${i}`, {}, 'x');
    limited.write(log, 'info', 'k0', {}, 'x');
    // k0 was pushed out, so it is written again: the map stayed at 10 keys.
    expect(written).toHaveLength(1001);
  });
});

describe('mediaTypeProblem', () => {
  it('accepts JSON in UTF-8 and refuses other types and charsets', () => {
    for (const ok of [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON; Charset="UTF-8"',
      'application/vnd.x+json',
      'application/json;charset=utf8',
    ]) {
      expect(mediaTypeProblem(ok), ok).toBeUndefined();
    }
    for (const bad of [
      undefined,
      '',
      'text/plain',
      'application/json; charset=latin1',
      'application/json; charset=iso-8859-1',
      'application/json; charset=utf-16',
    ]) {
      expect(mediaTypeProblem(bad), String(bad)).toBeTruthy();
    }
  });
});
