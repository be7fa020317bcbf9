/**
 * Scenario 4: Slack answers 10% of calls with a 5xx, 10% with 429 (Retry-After: 1) and lets 5% time
 * out (the fake never answers and never records them; the client gives up after SLACK_TIMEOUT_MS).
 * Everything is delivered once. A timeout after which Slack did post cannot be told apart from one
 * where it did not (chat.postMessage has no idempotency key): RELIABILITY.md says so, and the fake
 * does not simulate it.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploy, drain, ensureFreshBuild, verify, type Deployment, type StoreKind } from './harness.js';
import { buildWorkload, sendAll } from './workload.js';

const CHANNELS = ['CFLAKY1', 'CFLAKY2'];

beforeAll(() => ensureFreshBuild(), 120_000);

describe.each<StoreKind>(['redis', 'sqlite'])('flaky Slack, 5xx + 429 + timeouts (%s)', (kind) => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('delivers everything once', async () => {
    d = await deploy(kind, { env: { SLACK_TIMEOUT_MS: '1500' } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    const seed = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
    dep.slack.random({ p5xx: 0.1, p429: 0.1, pTimeout: 0.05, maxStreak: 3, seed });
    await dep.start();
    const w = buildWorkload(16, 3);
    await sendAll(w.deliveries, { url: dep.url, concurrency: 20, serialPerThread: true });
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 180_000, quietMs: 4000 });
    const f = dep.slack.faultCounts;
    expect(f['5xx'] + f['429'] + f.timeout).toBeGreaterThan(0);
    await verify(`flaky Slack [${kind}]`, w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries, ${w.threads} threads × ${CHANNELS.length} channels, ${f['5xx']} × 5xx, ${f['429']} × 429, ${f.timeout} timeouts, FAULT_SEED=${seed}`,
    });
  });
});

describe('slow Slack, a backlog older than the 30 s gap timeout (redis)', () => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('keeps each thread in order', async () => {
    d = await deploy('redis');
    const dep = d;
    const channels = ['CSLOW'];
    await dep.subscribe(channels);
    // Every call takes 400 ms: two threads of 40 events need about 35 s, so the last events of each
    // thread have waited longer than the gap timeout for predecessors that are queued, not missing.
    dep.slack.slow(400);
    await dep.start();
    const w = buildWorkload(2, 40);
    await sendAll(w.deliveries, { url: dep.url, concurrency: 2, serialPerThread: true });
    await drain(dep, w.deliveries.length * channels.length, { timeoutMs: 150_000 });
    await verify('slow Slack, backlog older than the gap timeout [redis]', w, dep, {
      channels,
      extra: `${w.deliveries.length} deliveries in ${w.threads} threads, every Slack call delayed 400 ms`,
    });
  });
});
