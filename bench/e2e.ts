/**
 * End to end: webhook sent → fake Slack receives the chat.postMessage that names it. Each of
 * `channels` channels subscribes to its own project `acme/p<i>`; events cycle over twice as many
 * issues (threads) as channels, so the run has both first posts (parents) and replies.
 */

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createStore } from '../src/store/index.js';
import type { BenchSlack } from './fake-slack.js';
import type { CpuShare } from './cpu.js';
import { percentile, sendPaced } from './load.js';
import { issueBody, seeded, sign, uniqueBody } from './payloads.js';

export interface E2eFigures {
  rate: number;
  sent: number;
  acked: number;
  /** Of `acked`, answered `accepted`: each send is a new delivery, so anything else is a bench bug. */
  accepted: number;
  posted: number;
  missing: number;
  channels: number;
  threads: number;
  p50: number;
  p99: number;
  max: number;
  problems: string[];
  cpu?: CpuShare;
  /** Service CPU per event (ingest and delivery), ms. */
  cpuMsPerEvent?: number;
  /** The worker's deferrals by reason, warm-up included (each one reruns its job). */
  deferrals?: Record<string, number>;
}

export const SKIPPED_E2E: E2eFigures = {
  rate: 0,
  sent: 0,
  acked: 0,
  accepted: 0,
  posted: 0,
  missing: 0,
  channels: 0,
  threads: 0,
  p50: NaN,
  p99: NaN,
  max: NaN,
  problems: [],
};

export async function subscribeChannels(redisUrl: string, prefix: string, channels: number): Promise<void> {
  const store = createStore({ redisUrl, prefix, dataDir: '.' });
  try {
    for (let i = 0; i < channels; i++) {
      await store.upsertSubscription({
        id: randomUUID(),
        teamId: 'T1',
        channelId: `C${String(i).padStart(4, '0')}`,
        source: 'sentry',
        target: `acme/p${i}`,
        kinds: [],
        filters: {},
        createdAt: new Date().toISOString(),
        disabled: null,
      });
    }
  } finally {
    await store.close();
  }
}

export async function runE2e(opts: {
  url: string;
  slack: BenchSlack;
  fixture: Record<string, unknown>;
  rate: number;
  durationSec: number;
  channels: number;
  tag: string;
  /** How long to wait for the last posts after the last send. */
  settleMs: number;
  /** First Sentry issue id: a warm-up uses other threads than the measured run. */
  issueBase?: number;
}): Promise<E2eFigures> {
  const threads = opts.channels * 2;
  const count = Math.max(opts.channels, Math.round(opts.rate * opts.durationSec));
  const rand = seeded(7);
  const result = await sendPaced({
    url: opts.url,
    rate: opts.rate,
    count,
    next: (i) => {
      const issue = i % threads;
      const body = issueBody(opts.fixture, {
        issueId: String((opts.issueBase ?? 3_000_000_000) + issue),
        project: `p${issue % opts.channels}`,
        size: 2048 + Math.floor(rand() * 1024),
        rand,
      });
      const id = `${opts.tag}-${i}`;
      const unique = uniqueBody(body, id);
      return { id, body: unique, signature: sign(unique) };
    },
  });
  const deadline = performance.now() + opts.settleMs;
  while (performance.now() < deadline) {
    let all = true;
    for (const id of result.sentAt.keys()) {
      if (!opts.slack.posted.has(id)) {
        all = false;
        break;
      }
    }
    if (all) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const latencies: number[] = [];
  for (const [id, sentAt] of result.sentAt) {
    const at = opts.slack.posted.get(id);
    if (at !== undefined) latencies.push(at - sentAt);
  }
  latencies.sort((a, b) => a - b);
  return {
    rate: opts.rate,
    sent: result.sentAt.size,
    acked: result.acked,
    accepted: result.accepted,
    posted: latencies.length,
    missing: result.sentAt.size - latencies.length,
    channels: opts.channels,
    threads: Math.min(threads, count),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    problems: result.problems,
  };
}
