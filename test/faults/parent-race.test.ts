/**
 * Scenario 7: 1,000 events for 50 new threads, sent 50 at a time in random order, so many events of
 * one thread arrive together before any parent exists. Exactly one parent per thread, every event
 * once.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploy, drain, ensureFreshBuild, verify, type Deployment, type StoreKind } from './harness.js';
import { buildWorkload, sendAll } from './workload.js';

const CHANNELS = ['CRACE'];

beforeAll(() => ensureFreshBuild(), 120_000);

function shuffle<T>(xs: T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe.each<StoreKind>(['redis', 'sqlite'])('1,000 events racing for 50 new threads (%s)', (kind) => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('posts exactly 50 parents and every event once', async () => {
    d = await deploy(kind, { env: { WORKER_CONCURRENCY: '16' } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    await dep.start();
    const w = buildWorkload(50, 20);
    const sent = await sendAll(shuffle(w.deliveries), { url: dep.url, concurrency: 50, serialPerThread: false });
    expect([...sent.answers.values()].filter((a) => a === 'accepted')).toHaveLength(1000);
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 150_000 });
    const parents = dep.slack.posts().filter((c) => !c.args.thread_ts);
    expect(parents).toHaveLength(50);
    // Sends within a thread overlap, so there is no send order to check: ingest order is the order.
    await verify(`1,000 events racing for 50 new threads [${kind}]`, w, dep, {
      channels: CHANNELS,
      checkOrder: false,
      extra: `${w.deliveries.length} deliveries sent 50 at a time in random order, ${parents.length} parents`,
    });
  });
});
