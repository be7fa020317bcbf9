/**
 * Issue 16 acceptance: 20,000 signed Sentry deliveries, each with a distinct unknown
 * `Sentry-Hook-Resource` (unsigned, so anyone with one captured delivery can vary it). `/metrics`
 * stays small, the process lives, memory does not grow with the names, and the log stays short.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startService, SENTRY_SECRET, type TestService } from '../helpers/service.js';
import { sentryHeaders } from '../helpers/signing.js';

const N = 20_000;
const CONCURRENCY = 16;

/** A full collection, with or without --expose-gc, so heap figures are not noise. */
function collect(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g();
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function heap(): number {
  collect();
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

describe('20,000 distinct unknown resource names', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService('redis', {}, { worker: false });
  });
  afterAll(async () => svc?.stop());

  it('keeps /metrics under 64 KB, memory flat and the log short', { timeout: 300_000 }, async () => {
    const body = JSON.stringify({ action: 'created', data: {} });
    const base = sentryHeaders(body, 'x', SENTRY_SECRET);
    const send = async (i: number) => {
      // 2 KB names, as in the report: a label value this size per name is what ran the heap out.
      const resource = `${i}-${randomBytes(1024).toString('hex')}`;
      const res = await fetch(`${svc.url}/webhooks/sentry`, { method: 'POST', body, headers: { ...base, 'sentry-hook-resource': resource } });
      await res.arrayBuffer();
      return res.status;
    };
    // Warm up (JIT, pools, first label sets), then measure from there.
    for (let i = 0; i < 200; i++) expect(await send(i)).toBe(202);
    const logsBefore = svc.logs.length;
    const heapBefore = heap();
    const rssBefore = process.memoryUsage().rss;
    let next = 200;
    const statuses = new Map<number, number>();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const s = await send(next++);
          statuses.set(s, (statuses.get(s) ?? 0) + 1);
        }
      }),
    );
    expect([...statuses.keys()]).toEqual([202]);
    const heapGrowth = heap() - heapBefore;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    const health = await fetch(`${svc.url}/healthz`);
    const logLines = svc.logs.length - logsBefore;
    // The figures for RELIABILITY.md.
    console.log(JSON.stringify({ metricsBytes: Buffer.byteLength(metrics), heapGrowthMB: +(heapGrowth / 2 ** 20).toFixed(1), rssGrowthMB: +(rssGrowth / 2 ** 20).toFixed(1), logLines }));
    expect(health.status).toBe(200);
    expect(Buffer.byteLength(metrics)).toBeLessThan(64 * 1024);
    expect(metrics).toMatch(/threadline_webhooks_total\{[^}]*type="unknown"[^}]*\} \d+/);
    expect(heapGrowth).toBeLessThan(20 * 2 ** 20);
    expect(logLines).toBeLessThanOrEqual(5);
  });
});
