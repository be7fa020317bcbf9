/**
 * Scenario 5: one channel answers `channel_not_found` to every call. Its subscriptions are disabled
 * (and the failed delivery dead-lettered); the other channels get everything, once and in order.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEAM, deploy, drain, ensureFreshBuild, verify, type Deployment, type StoreKind } from './harness.js';
import { buildWorkload, sendAll } from './workload.js';

const GOOD = ['CGOOD1', 'CGOOD2'];
const GONE = 'CGONE';

beforeAll(() => ensureFreshBuild(), 120_000);

describe.each<StoreKind>(['redis', 'sqlite'])('a permanent error on one channel (%s)', (kind) => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('disables that channel and leaves the others unaffected', async () => {
    d = await deploy(kind);
    const dep = d;
    await dep.subscribe([...GOOD, GONE]);
    dep.slack.failChannel(GONE, 'channel_not_found');
    await dep.start();
    const w = buildWorkload(30, 4);
    await sendAll(w.deliveries, { url: dep.url, concurrency: 30, serialPerThread: true });
    await drain(dep, w.deliveries.length * GOOD.length);

    const store = await dep.openStore();
    try {
      const gone = await store.listSubscriptions({ teamId: TEAM, channelId: GONE });
      expect(gone.length).toBe(2);
      for (const s of gone) expect(s.disabled?.reason).toBe('channel_not_found');
      for (const channelId of GOOD) {
        const subs = await store.listSubscriptions({ teamId: TEAM, channelId });
        expect(subs.every((s) => !s.disabled)).toBe(true);
      }
      const dead = (await store.listDeadLetters(500)).filter((x) => x.channelId === GONE);
      expect(dead.length).toBeGreaterThan(0);
      expect(dead.every((x) => x.reason === 'slack_channel_not_found')).toBe(true);
    } finally {
      await store.close();
    }
    // Once disabled, the channel is not called again for every later event.
    const goneCalls = dep.slack.faultCounts.permanent;
    expect(goneCalls).toBeGreaterThan(0);
    expect(goneCalls).toBeLessThan(w.deliveries.length);
    expect(dep.slack.posts().filter((c) => c.args.channel === GONE)).toHaveLength(0);
    await verify(`permanent error on one channel [${kind}]`, w, dep, {
      channels: GOOD,
      extra: `${w.deliveries.length} deliveries, ${w.threads} threads × ${GOOD.length} good channels; ${GONE} answered channel_not_found ${goneCalls} times and was disabled`,
    });
  });
});
