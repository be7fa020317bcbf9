import { describe, expect, it } from 'vitest';
import path from 'node:path';
import {
  BENCH_SECRET,
  bodyPool,
  issueBody,
  loadIssueFixture,
  seeded,
  sentryHeaders,
  sign,
  uniqueBody,
  uniqueSigned,
} from '../../bench/payloads.js';
import { parseBenchArgs } from '../../bench/args.js';
import { createSentryPlugin } from '../../src/sources/sentry/plugin.js';
import { verifySentrySignature } from '../../src/sources/sentry/verify.js';
import type { RawDelivery } from '../../src/ingest/types.js';

const root = path.resolve('.');
const fixture = loadIssueFixture(root);

describe('bench payloads', () => {
  const pool = bodyPool(fixture, 200);

  it('are 2–3 KB, distinct issues, signed over their exact bytes', () => {
    for (const { body, signature } of pool) {
      const size = Buffer.byteLength(body);
      expect(size).toBeGreaterThanOrEqual(2048);
      expect(size).toBeLessThanOrEqual(3100);
      expect(verifySentrySignature(Buffer.from(body), signature, [BENCH_SECRET])).toBe(true);
    }
    expect(new Set(pool.map((p) => (JSON.parse(p.body) as { data: { issue: { id: string } } }).data.issue.id)).size).toBe(200);
  });

  it('are made unique per send with a top-level _replay nonce, re-signed (the same bytes twice are a replay)', () => {
    const a = uniqueSigned(pool[0], 'run-1');
    const b = uniqueSigned(pool[0], 'run-2');
    expect(a.body).not.toBe(b.body);
    expect(JSON.parse(a.body)).toEqual({ ...JSON.parse(pool[0].body), _replay: 'run-1' });
    expect(verifySentrySignature(Buffer.from(a.body), a.signature, [BENCH_SECRET])).toBe(true);
    expect(JSON.parse(uniqueBody('{}', 'x'))).toEqual({ _replay: 'x' });
  });

  it('are the same on every run (seeded)', () => {
    expect(bodyPool(fixture, 5).map((p) => p.body)).toEqual(pool.slice(0, 5).map((p) => p.body));
  });

  it('pass the real Sentry plugin and route to the project they name', () => {
    const plugin = createSentryPlugin({ secrets: [BENCH_SECRET] });
    const body = issueBody(fixture, { issueId: '3000000042', project: 'p42', size: 2500, rand: seeded(1) });
    const delivery: RawDelivery = {
      source: 'sentry',
      headers: sentryHeaders(sign(body), 'req-1'),
      query: {},
      body: Buffer.from(body),
      receivedAt: new Date(),
    };
    expect(() => plugin.authenticate(delivery)).not.toThrow();
    expect(() => plugin.authenticate({ ...delivery, headers: sentryHeaders(sign(body, 'other'), 'req-1') })).toThrow();
    const json = JSON.parse(body) as unknown;
    const id = plugin.identify(delivery, json);
    expect(id).toEqual({ known: true, type: 'sentry.issue.created' });
    const parsed = plugin.parse('sentry.issue.created', json);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const event = plugin.normalize('sentry.issue.created', parsed.payload, { deliveryId: 'req-1', receivedAt: new Date() });
    expect(event.routing).toMatchObject({ org: 'acme', project: 'p42' });
    expect(event.threadKey).toContain('3000000042');
  });
});

describe('bench arguments', () => {
  it('defaults to 10 s phases, BENCH_DURATION and --duration override, --smoke is small and writes no RESULTS.md row', () => {
    expect(parseBenchArgs([], {}, '/r')).toMatchObject({
      durationSec: 10,
      out: '/r/bench/results.json',
      md: '/r/bench/RESULTS.md',
      smoke: false,
    });
    expect(parseBenchArgs([], { BENCH_DURATION: '3' }, '/r').durationSec).toBe(3);
    expect(parseBenchArgs(['--duration', '2'], { BENCH_DURATION: '3' }, '/r').durationSec).toBe(2);
    expect(parseBenchArgs(['--smoke', '--out=/t/x.json'], {}, '/r')).toMatchObject({
      durationSec: 1,
      out: '/t/x.json',
      md: null,
      smoke: true,
    });
    expect(parseBenchArgs(['--no-md'], {}, '/r').md).toBeNull();
    expect([...parseBenchArgs(['--only', 'e2e,profile'], {}, '/r').only]).toEqual(['e2e', 'profile']);
  });

  it('--e2e-rate sets the end-to-end rate; away from the target rate it writes no RESULTS.md row unless --md says where', () => {
    expect(parseBenchArgs([], {}, '/r').e2eRate).toBe(200);
    expect(parseBenchArgs(['--e2e-rate', '400'], {}, '/r')).toMatchObject({ e2eRate: 400, md: null });
    expect(parseBenchArgs(['--e2e-rate=200'], {}, '/r').md).toBe('/r/bench/RESULTS.md');
    expect(parseBenchArgs(['--e2e-rate=400', '--md', '/t/R.md'], {}, '/r').md).toBe('/t/R.md');
    expect(() => parseBenchArgs(['--e2e-rate', '-1'], {}, '/r')).toThrow(/positive/);
  });

  it('rejects what it does not know', () => {
    expect(() => parseBenchArgs(['--duration', '0'], {}, '/r')).toThrow(/positive/);
    expect(() => parseBenchArgs(['--fast'], {}, '/r')).toThrow(/unknown option --fast/);
    expect(() => parseBenchArgs(['--only', 'warp'], {}, '/r')).toThrow(/unknown phase warp/);
    expect(() => parseBenchArgs(['stray'], {}, '/r')).toThrow(/unexpected argument/);
  });
});
