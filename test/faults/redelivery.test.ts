/**
 * Scenario 6: the source delivers the same burst twice (Sentry's retries carry the same
 * Request-ID, Bugsee's the same envelope id). The second copy is answered "duplicate" and posts nothing.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploy, drain, ensureFreshBuild, verify, type Deployment, type StoreKind } from './harness.js';
import { buildWorkload, sendAll } from './workload.js';

const CHANNELS = ['CREDELIVER1', 'CREDELIVER2'];

beforeAll(() => ensureFreshBuild(), 120_000);

describe.each<StoreKind>(['redis', 'sqlite'])('the same burst delivered twice (%s)', (kind) => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('posts every event once', async () => {
    d = await deploy(kind);
    await d.subscribe(CHANNELS);
    await d.start();
    const w = buildWorkload(40, 5);
    const first = await sendAll(w.deliveries, { url: d.url, concurrency: 40, serialPerThread: true });
    // The redelivery, some of it racing the worker, some of it after: all duplicates.
    const again = await sendAll(w.deliveries, { url: d.url, concurrency: 40, serialPerThread: true });
    await drain(d, w.deliveries.length * CHANNELS.length);
    expect([...first.answers.values()].every((a) => a === 'accepted')).toBe(true);
    expect([...again.answers.values()].every((a) => a === 'duplicate')).toBe(true);
    await verify(`redelivered burst [${kind}]`, w, d, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries sent twice, ${w.threads} threads × ${CHANNELS.length} channels`,
    });
  });
});
