import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { HTTP_ROUTES, clipForLog, routeLabel, statusLabel } from '../src/http-labels.js';
import { startService } from './helpers/service.js';

describe('HTTP metric labels come from a closed set', () => {
  it('labels each route we answer by its name, whatever the case or trailing slash', () => {
    for (const r of HTTP_ROUTES) {
      expect(routeLabel(r)).toBe(r);
      expect(routeLabel(`${r.toUpperCase()}/`)).toBe(r);
    }
  });

  it('labels every other path `other`', () => {
    for (const p of [
      '/',
      '/webhooks/',
      '/webhooks/x',
      '/webhooks/sentry/x',
      '/slack/evil',
      `/webhooks/${'a'.repeat(4096)}`,
      '/favicon.ico',
      '/metrics.json',
    ]) {
      expect(routeLabel(p)).toBe('other');
    }
  });

  it('keeps statuses to three digits and cuts logged strings', () => {
    expect(statusLabel(404)).toBe('404');
    expect(statusLabel(1000)).toBe('other');
    expect(clipForLog('x'.repeat(5000))).toHaveLength(101);
    expect(clipForLog('/short')).toBe('/short');
  });
});

describe('a flood of distinct unknown paths', () => {
  it('keeps /metrics under 64 KB and the log bounded, and the process answers /healthz', async () => {
    const svc = await startService('sqlite', { LOG_LEVEL: 'debug' }, { worker: false });
    try {
      const total = 20_000;
      const prefixes = ['/webhooks/', '/slack/', '/', '/webhooks/sentry/'];
      let next = 0;
      const statuses = new Map<number, number>();
      // Bounded concurrency: the point is many distinct series, not many sockets.
      const lane = async () => {
        while (next < total) {
          const i = next++;
          // Every 100th path is 4 KB, the rest 200 bytes: long enough that one label per path would show.
          const tail = randomBytes(i % 100 === 0 ? 2048 : 100).toString('hex');
          const res = await fetch(`${svc.url}${prefixes[i % prefixes.length]}${i}-${tail}`, { method: i % 2 ? 'GET' : 'POST' });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: 16 }, lane));
      expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(total);

      const health = await fetch(`${svc.url}/healthz`);
      expect(health.status).toBe(200);
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      expect(Buffer.byteLength(metrics)).toBeLessThan(64 * 1024);
      const routes = new Set([...metrics.matchAll(/threadline_http_requests_total\{route="([^"]*)"/g)].map((m) => m[1]));
      expect([...routes].every((r) => r === 'other' || (HTTP_ROUTES as readonly string[]).includes(r))).toBe(true);
      expect(routes.has('other')).toBe(true);

      const requestLines = svc.logLines().filter((l) => l.msg === 'request');
      expect(requestLines.length).toBeGreaterThan(total / 2);
      expect(Math.max(...requestLines.map((l) => String(l.url).length))).toBeLessThanOrEqual(101);
      expect(Math.max(...svc.logs.map((l) => l.length))).toBeLessThan(1024);
    } finally {
      await svc.stop();
    }
  }, 300_000);

  it('labels a refused webhook body by its route, not by the path a mounted handler sees', async () => {
    const svc = await startService('sqlite', {}, { worker: false });
    try {
      // A well-formed (wrong) signature: without one the answer is 401 before the body is read (issue 16).
      const headers = { 'content-type': 'application/json', 'sentry-hook-signature': 'ab'.repeat(32) };
      const big = await fetch(`${svc.url}/webhooks/sentry`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 10), headers });
      expect(big.status).toBe(413);
      const metrics = await (await fetch(`${svc.url}/metrics`)).text();
      expect(metrics).toMatch(/threadline_http_requests_total\{route="\/webhooks\/sentry",status="413"\} 1/);
    } finally {
      await svc.stop();
    }
  });

  it('cuts a sender-chosen request id before it reaches the log or the response', async () => {
    const svc = await startService('sqlite', { LOG_LEVEL: 'debug' }, { worker: false });
    try {
      const res = await fetch(`${svc.url}/nowhere`, { headers: { 'x-request-id': 'r'.repeat(4000) } });
      expect(res.status).toBe(404);
      expect(res.headers.get('x-request-id')).toHaveLength(100);
      const line = svc.logLines().find((l) => l.msg === 'request');
      expect(String(line?.reqId)).toHaveLength(100);
    } finally {
      await svc.stop();
    }
  });
});
