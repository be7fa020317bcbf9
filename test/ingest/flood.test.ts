/**
 * Issue 16 acceptance: 20,000 signed Sentry deliveries, each with a distinct unknown
 * `Sentry-Hook-Resource` (unsigned, so anyone with one captured delivery can vary it), sent to the
 * service running as its own process (`node dist/src/main.js`), so its resident memory is measured
 * alone. `/metrics` stays small, the process lives, its RSS stays within 20 MB and its log is short.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { sentryHeaders } from '../helpers/signing.js';

const N = 20_000;
const WARM_UP = 2_000;
const CONCURRENCY = 16;
const SECRET = 'flood-test-secret';

/** Resident memory of a process, from /proc (what the kernel charges it). */
function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) * 1024;
}

describe('20,000 distinct unknown resource names, against the service process', () => {
  let child: ChildProcess;
  let url = '';
  const lines: string[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'tl-flood-'));

  beforeAll(async () => {
    ensureBuilt();
    // Its own process group, so afterAll can end it and anything it started, even after a failure.
    child = spawn(process.execPath, ['--max-old-space-size=160', 'dist/src/main.js'], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', DATA_DIR: path.join(dir, 'data'), SENTRY_CLIENT_SECRET: SECRET, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout?.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        for (const l of lines) {
          const j = JSON.parse(l) as { msg?: string; port?: number };
          if (j.msg === 'listening' && j.port) {
            clearInterval(timer);
            resolve(j.port);
          }
        }
      }, 25);
      child.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`service exited with ${code}`));
      });
    });
    url = `http://127.0.0.1:${port}`;
  }, 180_000);

  afterAll(() => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps /metrics under 64 KB, RSS within 20 MB and the log short', { timeout: 600_000 }, async () => {
    const body = JSON.stringify({ action: 'created', data: {} });
    const base = sentryHeaders(body, 'x', SECRET);
    const statuses = new Map<number, number>();
    const send = async (i: number) => {
      // 2 KB names, as in the report: a label value this size per name is what ran the heap out.
      const resource = `${i}-${randomBytes(1024).toString('hex')}`;
      const res = await fetch(`${url}/webhooks/sentry`, { method: 'POST', body, headers: { ...base, 'sentry-hook-resource': resource } });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    };
    const flood = async (from: number, to: number) => {
      let next = from;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < to) await send(next++);
        }),
      );
    };
    // Warm up (JIT, pools, the first label sets, a settled heap), then measure from there.
    await flood(0, WARM_UP);
    const pid = child.pid as number;
    const rssBefore = rssOf(pid);
    const logsBefore = lines.length;
    await flood(WARM_UP, WARM_UP + N);
    const rssAfter = rssOf(pid);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const health = await fetch(`${url}/healthz`);
    const logLines = lines.length - logsBefore;
    // The figures for RELIABILITY.md.
    console.log(
      JSON.stringify({
        metricsBytes: Buffer.byteLength(metrics),
        rssBeforeMB: +(rssBefore / 2 ** 20).toFixed(1),
        rssGrowthMB: +((rssAfter - rssBefore) / 2 ** 20).toFixed(1),
        logLines,
      }),
    );
    expect([...statuses.keys()]).toEqual([202]);
    expect(health.status).toBe(200);
    expect(Buffer.byteLength(metrics)).toBeLessThan(64 * 1024);
    expect(metrics).toMatch(/threadline_webhooks_total\{[^}]*type="unknown"[^}]*\} \d+/);
    expect(rssAfter - rssBefore).toBeLessThan(20 * 2 ** 20);
    expect(logLines).toBeLessThanOrEqual(5);
  });
});
