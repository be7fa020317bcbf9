/**
 * Scenario (issue 17, exactly once): 500 events, with random SIGKILLs of the service and random
 * timeouts after Slack posted (the fake posts the message and never answers). Every rerun that
 * finds its attempt marker looks for its own message before posting again: 0 doubled where the
 * lookup ran. The lookup budget is raised (an internal app's tier) so it runs for every rerun; the
 * fallbacks the last process counted are printed.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploy, drain, ensureFreshBuild, verify, type Deployment, type StoreKind } from './harness.js';
import { buildWorkload, sendAll } from './workload.js';

const CHANNELS = ['CONCE1', 'CONCE2'];
const KILLS_AT = [120, 260, 400];
const P_TIMEOUT_AFTER_POST = 0.03;

beforeAll(() => ensureFreshBuild(), 120_000);

describe.each<StoreKind>(['redis', 'sqlite'])('exactly once under SIGKILLs and timeouts after the post (%s)', (kind) => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('posts every event once: the rerun adopts what Slack already has', { timeout: 360_000 }, async () => {
    d = await deploy(kind, { env: { WORKER_CONCURRENCY: '8', SLACK_TIMEOUT_MS: '1500', SLACK_LOOKUPS_PER_MINUTE: '600' } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    const decide = dep.slack.fake.fault;
    let afterPost = 0;
    dep.slack.fake.fault = (c) => {
      if (c.method === 'chat.postMessage' && Math.random() < P_TIMEOUT_AFTER_POST) {
        afterPost += 1;
        return { acceptThenHang: true };
      }
      return decide?.(c);
    };
    await dep.start();
    const w = buildWorkload(50, 10);
    let kills = 0;
    let crash: Promise<void> = Promise.resolve();
    await sendAll(w.deliveries, {
      url: dep.url,
      concurrency: 50,
      serialPerThread: true,
      onAccepted: (n) => {
        if (!KILLS_AT.includes(n)) return;
        crash = crash.then(async () => {
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
          dep.child.kill('SIGKILL');
          await dep.child.exit;
          kills += 1;
          await dep.start();
        });
      },
    });
    await crash;
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 150_000, quietMs: 4000 });
    const metrics = await (await fetch(`${dep.url()}/metrics`)).text();
    const lookups = Object.fromEntries(
      [...metrics.matchAll(/^threadline_slack_lookups_total\{result="(\w+)"\} (\S+)$/gm)].map((m) => [m[1], Number(m[2])]),
    );
    const history = dep.slack.fake.calls.filter((c) => c.method.startsWith('conversations.')).length;
    await verify(`exactly once, SIGKILL + timeouts after post [${kind}]`, w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} events × ${CHANNELS.length} channels, ${kills} SIGKILLs, ${afterPost} timeouts after Slack posted, ${history} lookups; last process: ${JSON.stringify(lookups)}`,
    });
    expect(kills).toBe(KILLS_AT.length);
    expect(afterPost).toBeGreaterThan(0);
    expect(history).toBeGreaterThan(0);
  });
});
