/**
 * Scenario 2: the service is SIGKILLed mid-burst and started again. Every delivery that was
 * answered 200 (and every one the sender retries because it got no answer) is posted exactly once:
 * the dead worker's jobs are taken again after their lease, and the per-(job, channel, part) post
 * records stop a rerun from posting again.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SlackCall } from '../helpers/fake-slack.js';
import { deploy, drain, ensureFreshBuild, verify, type Deployment, type StoreKind } from './harness.js';
import { buildWorkload, sendAll } from './workload.js';

const CHANNELS = ['CKILL1', 'CKILL2'];
const CONCURRENCY = 8;

beforeAll(() => ensureFreshBuild(), 120_000);

async function killAndRestart(d: Deployment, before?: () => Promise<void>): Promise<void> {
  const child = d.child;
  await before?.();
  child.kill('SIGKILL');
  const { signal } = await child.exit;
  expect(signal).toBe('SIGKILL');
  await d.start();
}

describe.each<StoreKind>(['redis', 'sqlite'])('SIGKILL mid-burst (%s)', (kind) => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('while Slack calls are in flight: every accepted delivery is posted once', async () => {
    d = await deploy(kind, { env: { WORKER_CONCURRENCY: String(CONCURRENCY) } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    await dep.start();
    const w = buildWorkload(50, 5);
    let crash: Promise<void> | undefined;
    const sent = await sendAll(w.deliveries, {
      url: dep.url,
      concurrency: 50,
      serialPerThread: true,
      onAccepted: (n) => {
        if (n !== 100) return;
        crash = killAndRestart(dep, async () => {
          // Calls from now on are held unanswered (so Slack has not posted them), and calls already
          // answered get time to record their ts: the kill lands on Slack calls in flight.
          dep.slack.close();
          await new Promise((r) => setTimeout(r, 300));
        }).finally(() => dep.slack.open());
      },
    });
    await crash;
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 120_000 });
    expect(dep.slack.faultCounts.gated).toBeGreaterThan(0);
    const firstAnsweredDuplicate = [...sent.answers].filter(([, a]) => a !== 'accepted').length;
    await verify(`SIGKILL mid-burst, Slack calls in flight [${kind}]`, w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries, ${w.threads} threads × ${CHANNELS.length} channels, ${dep.slack.faultCounts.gated} Slack calls cut off, ${sent.retries} sends retried, ${firstAnsweredDuplicate} retries answered "duplicate"`,
    });
  });

  it('between the reply post and the ack: the reply is not posted twice', async () => {
    // Workers not hung in an update may be mid-post at the kill: their reruns look their message up
    // (an internal app's lookup budget), so the scenario allows no double at all.
    d = await deploy(kind, { env: { WORKER_CONCURRENCY: String(CONCURRENCY), SLACK_LOOKUPS_PER_MINUTE: '600' } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    await dep.start();
    const w = buildWorkload(20, 4);
    let crash: Promise<void> | undefined;
    let hungAtKill: { call: SlackCall; answeredBefore: number }[] = [];
    await sendAll(w.deliveries, {
      url: dep.url,
      concurrency: 20,
      serialPerThread: true,
      onAccepted: (n) => {
        if (n !== 40) return;
        // Every chat.update from now on hangs: its job has posted its reply and recorded the ts,
        // and has not been acked. The kill lands exactly there.
        const firstHang = dep.slack.hangUpdates();
        crash = killAndRestart(dep, async () => {
          await firstHang;
          await new Promise((r) => setTimeout(r, 300));
          hungAtKill = [...dep.slack.hung];
          dep.slack.stopHanging();
        });
      },
    });
    await crash;
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 120_000 });
    const calls = dep.slack.fake.calls;
    const posts = dep.slack.posts();
    // The reply each hung update belonged to: the last one posted in that thread before it.
    const crashReplies = hungAtKill.map(({ call, answeredBefore }) => {
      const before = calls
        .slice(0, answeredBefore)
        .filter((c) => c.method === 'chat.postMessage' && c.args.channel === call.args.channel && c.args.thread_ts === call.args.ts);
      return before.at(-1);
    });
    expect(hungAtKill.length).toBeGreaterThan(0);
    for (const [i, reply] of crashReplies.entries()) {
      expect(reply, 'a reply was posted before the hung update').toBeDefined();
      const id = (reply!.args.metadata as { event_payload: { event_id: string } }).event_payload.event_id;
      const copies = posts.filter(
        (p) =>
          p.args.channel === reply!.args.channel &&
          (p.args.metadata as { event_payload: { event_id: string } }).event_payload.event_id === id,
      );
      expect(copies, `reply ${id} in ${String(reply!.args.channel)}`).toHaveLength(1);
      // After the restart the rerun job still brings the parent card up to date.
      const hungCall = hungAtKill[i].call;
      const updatedAfter = dep.slack
        .ok('chat.update')
        .filter((c) => c.args.channel === hungCall.args.channel && c.args.ts === hungCall.args.ts && c.at >= hungCall.at);
      expect(updatedAfter.length).toBeGreaterThan(0);
    }
    await verify(`SIGKILL between reply post and ack [${kind}]`, w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries, ${w.threads} threads × ${CHANNELS.length} channels, ${hungAtKill.length} jobs killed after their reply was posted`,
    });
  });

  it('at a random moment: nothing lost; doubles only from the documented window', async () => {
    d = await deploy(kind, { env: { WORKER_CONCURRENCY: String(CONCURRENCY) } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    await dep.start();
    const w = buildWorkload(50, 5);
    let crash: Promise<void> | undefined;
    const sent = await sendAll(w.deliveries, {
      url: dep.url,
      concurrency: 50,
      serialPerThread: true,
      onAccepted: (n) => {
        if (n !== 100) return;
        crash = killAndRestart(dep, () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 200))));
      },
    });
    await crash;
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 120_000 });
    const firstAnsweredDuplicate = [...sent.answers].filter(([, a]) => a !== 'accepted').length;
    // A post Slack accepted whose ts the worker had not yet recorded can repeat: at most one per
    // (job in flight, channel). RELIABILITY.md documents this window.
    await verify(`SIGKILL at a random moment [${kind}]`, w, dep, {
      channels: CHANNELS,
      maxDuplicated: CONCURRENCY * CHANNELS.length,
      extra: `${w.deliveries.length} deliveries, ${sent.retries} sends retried, ${firstAnsweredDuplicate} retries answered "duplicate"; doubles allowed up to ${CONCURRENCY * CHANNELS.length} (jobs in flight × channels)`,
    });
  });
});
