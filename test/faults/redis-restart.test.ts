/**
 * Scenario 1: Redis is killed in the middle of a burst and started again on the same port (with an
 * fsync-always AOF, as production Redis would be). Deliveries during the outage get 503 and the
 * sender retries them after recovery; jobs in flight retry; nothing is missing or doubled.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploy, drain, ensureFreshBuild, verify, type Deployment } from './harness.js';
import { buildWorkload, sendAll } from './workload.js';

const CHANNELS = ['CREDIS1', 'CREDIS2'];
const OUTAGE_MS = 3000;

beforeAll(() => ensureFreshBuild(), 120_000);

describe('Redis restarted mid-burst', () => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('answers 503 while Redis is down, and loses and doubles nothing', async () => {
    d = await deploy('redis', { aof: true, env: { QUEUE_LEASE_MS: '10000' } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    await dep.start();
    const w = buildWorkload(60, 5);
    let outage: Promise<void> | undefined;
    let outageStatuses: Record<string, number> = {};
    const sent = await sendAll(w.deliveries, {
      url: dep.url,
      concurrency: 60,
      serialPerThread: true,
      onAccepted: (n) => {
        if (n !== 100) return;
        outage = (async () => {
          await dep.redis!.kill();
          await new Promise((r) => setTimeout(r, OUTAGE_MS));
          // What a sender sees while Redis is away: 503, never a 200 that was not stored.
          const probe = await fetch(`${dep.url()}/readyz`);
          outageStatuses = { readyz: probe.status };
          await dep.redis!.restart();
        })();
      },
    });
    await outage;
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 120_000 });
    // A delivery answered 503 was not stored: its retry must be accepted, not taken for a duplicate.
    const firstAnsweredDuplicate = [...sent.answers].filter(([, a]) => a !== 'accepted').length;
    expect(outageStatuses.readyz).toBe(503);
    expect(sent.statuses['503'] ?? 0).toBeGreaterThan(0);
    expect(sent.answers.size).toBe(w.deliveries.length);
    expect(sent.statuses['500'] ?? 0).toBe(0);
    await verify('redis restarted mid-burst [redis]', w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries, ${w.threads} threads × ${CHANNELS.length} channels, ${sent.statuses['503'] ?? 0} answered 503 and retried, ${firstAnsweredDuplicate} retries answered "duplicate"`,
    });
  });
});

describe('Redis dies between Slack posting and the ts being recorded', () => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('the worker still holds the ts: nothing is posted twice', async () => {
    d = await deploy('redis', { aof: true, env: { QUEUE_LEASE_MS: '10000' } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    await dep.start();
    const w = buildWorkload(30, 4);
    let outage: Promise<void> | undefined;
    let postedBeforeAnswer = 0;
    await sendAll(w.deliveries, {
      url: dep.url,
      concurrency: 30,
      serialPerThread: true,
      onAccepted: (n) => {
        if (n !== 40) return;
        outage = (async () => {
          // Slack posts at once but answers a second later; Redis dies in between.
          dep.slack.slowAnswers(1000);
          const before = dep.slack.posts().length;
          // Kill once a post is waiting for its answer (on a busy machine the first may take a while).
          const deadline = Date.now() + 15_000;
          while (dep.slack.posts().length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          await new Promise((r) => setTimeout(r, 100));
          await dep.redis!.kill();
          postedBeforeAnswer = dep.slack.posts().length - before;
          dep.slack.slowAnswers(0);
          await new Promise((r) => setTimeout(r, OUTAGE_MS));
          await dep.redis!.restart();
        })();
      },
    });
    await outage;
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 120_000 });
    expect(postedBeforeAnswer).toBeGreaterThan(0);
    await verify('redis dies between Slack post and ts record [redis]', w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries, ${postedBeforeAnswer} posts accepted by Slack with their answer still on the way when Redis died`,
    });
  });
});
