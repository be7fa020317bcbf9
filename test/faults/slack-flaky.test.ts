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

describe.each<StoreKind>(['redis', 'sqlite'])('flaky Slack: 10%% 5xx, 10%% 429, 5%% timeouts (%s)', (kind) => {
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
    const w = buildWorkload(20, 4);
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
