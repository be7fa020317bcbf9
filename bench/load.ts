/** Load generators: autocannon for throughput and fixed-rate ack latency, a paced sender for end to end. */

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { sentryHeaders, uniqueSigned, type SignedBody } from './payloads.js';
import type { CpuShare } from './cpu.js';

export interface LoadFigures {
  /** Mean requests per second answered `accepted` (not merely 2xx) over the phase. */
  rps: number;
  /** Requests answered `accepted`: a 2xx `duplicate` would measure the dedup path instead. */
  accepted?: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  durationSec: number;
  cpu?: CpuShare;
  /** Receiver CPU per answered request, µs: less sensitive to a busy machine than req/s. */
  cpuUsPerReq?: number;
}

/** A phase that was not run (--only): printed as n/a, its targets as skipped. */
export const SKIPPED_LOAD: LoadFigures = { rps: NaN, p50: NaN, p99: NaN, max: NaN, total: 0, non2xx: 0, errors: 0, durationSec: 0 };

export interface LoadOptions {
  url: string;
  pool: SignedBody[];
  /** Request-IDs are `${tag}-${n}`: unique per phase and run, so nothing is taken for a duplicate. */
  tag: string;
  durationSec: number;
  connections: number;
  overallRate?: number;
}

export function runLoad(opts: LoadOptions): Promise<LoadFigures> {
  let n = 0;
  const request: autocannon.Request = {
    method: 'POST',
    path: '/webhooks/sentry',
    setupRequest: (req) => {
      n += 1;
      const id = `${opts.tag}-${n}`;
      const item = uniqueSigned(opts.pool[n % opts.pool.length], id);
      return { ...req, method: 'POST', path: '/webhooks/sentry', body: item.body, headers: sentryHeaders(item.signature, id) };
    },
    onResponse: (status, body) => {
      if (status < 300 && isAccepted(body)) accepted += 1;
    },
  };
  let accepted = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.durationSec,
        timeout: 10,
        requests: [request],
        ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
      },
      (err, r) => {
        if (err) return reject(err);
        resolve({
          rps: accepted / Math.max(r.duration, 0.001),
          accepted,
          p50: r.latency.p50,
          p99: r.latency.p99,
          max: r.latency.max,
          total: r['2xx'] + r.non2xx,
          non2xx: r.non2xx,
          errors: r.errors,
          durationSec: r.duration,
        });
      },
    );
  });
}

export interface PacedResult {
  /** Request-ID → performance.now() when the request was written. */
  sentAt: Map<string, number>;
  /** Ack latency of each 2xx answer, ms from the request's write to the end of its answer. */
  latencies: number[];
  acked: number;
  /** Of `acked`, those answered `accepted` (the rest were taken for duplicates). */
  accepted: number;
  failed: number;
  /** The first few non-2xx answers or errors, for the report. */
  problems: string[];
}

/**
 * Sends `count` deliveries at `rate` per second, on time regardless of answers (an open-loop
 * generator, as webhooks arrive), and records when each one left.
 */
export async function sendPaced(opts: {
  url: string;
  rate: number;
  count: number;
  next: (i: number) => { id: string; body: string; signature: string };
}): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(`${opts.url}/webhooks/sentry`);
  const result: PacedResult = { sentAt: new Map(), latencies: [], acked: 0, accepted: 0, failed: 0, problems: [] };
  const inflight: Promise<void>[] = [];
  const note = (p: string) => {
    if (result.problems.length < 5) result.problems.push(p);
  };
  const send = (i: number) =>
    new Promise<void>((resolve) => {
      const { id, body, signature } = opts.next(i);
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: sentryHeaders(signature, id) },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            if (res.statusCode && res.statusCode < 300) {
              result.acked += 1;
              result.latencies.push(performance.now() - wroteAt);
              if (isAccepted(text)) result.accepted += 1;
              else note(`${res.statusCode} ${text.slice(0, 200)}`);
            } else {
              result.failed += 1;
              note(`${res.statusCode} ${text.slice(0, 200)}`);
            }
            resolve();
          });
        },
      );
      req.on('error', (err) => {
        result.failed += 1;
        note(err.message);
        resolve();
      });
      const wroteAt = performance.now();
      result.sentAt.set(id, wroteAt);
      req.end(body);
    });

  const start = performance.now();
  let sent = 0;
  while (sent < opts.count) {
    const due = Math.min(opts.count, Math.floor(((performance.now() - start) / 1000) * opts.rate) + 1);
    while (sent < due) inflight.push(send(sent++));
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  agent.destroy();
  return result;
}

/**
 * Ack latency at a fixed rate: requests leave on an even schedule (about one a millisecond at
 * 1,000 req/s) whatever the answers, as webhooks arrive. Not autocannon's `overallRate`: that
 * lets each connection send its share of a second back to back and then wait for the next
 * second, so "1,000 req/s" is a 1,000-request burst at full speed each second, and its p99 is the
 * full-load p99 (the reference's own was 24–27 ms there).
 */
export async function runFixedRate(opts: Omit<LoadOptions, 'connections' | 'overallRate'> & { rate: number }): Promise<LoadFigures> {
  const t0 = performance.now();
  const result = await sendPaced({
    url: opts.url,
    rate: opts.rate,
    count: Math.round(opts.rate * opts.durationSec),
    next: (i) => {
      const id = `${opts.tag}-${i}`;
      const item = uniqueSigned(opts.pool[i % opts.pool.length], id);
      return { id, body: item.body, signature: item.signature };
    },
  });
  const durationSec = (performance.now() - t0) / 1000;
  const sorted = result.latencies.sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v * 10) / 10;
  return {
    rps: result.accepted / Math.max(durationSec, 0.001),
    accepted: result.accepted,
    p50: ms(percentile(sorted, 50)),
    p99: ms(percentile(sorted, 99)),
    max: ms(sorted.length ? sorted[sorted.length - 1] : NaN),
    total: result.acked + result.failed,
    non2xx: result.failed,
    errors: 0,
    durationSec,
  };
}

function isAccepted(body: string): boolean {
  try {
    return (JSON.parse(body) as { status?: unknown }).status === 'accepted';
  } catch {
    return false;
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}
