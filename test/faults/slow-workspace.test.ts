/**
 * Scenario (issue 15, part 4): one workspace's Slack answers only after 30 s (longer than
 * SLACK_TIMEOUT_MS). 150 events arrive for it, then 5 for another workspace. With pacing and the
 * worker pool at their defaults, the other workspace is not queued behind the slow one: its posts
 * land at its channel's pace while the slow workspace's calls are still hanging.
 */

import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploy, ensureFreshBuild, type Deployment, type StoreKind } from './harness.js';
import { messageId } from './slack.js';
import { BUGSEE_APP, SENTRY_ORG, SENTRY_PROJECT, buildWorkload, sendAll } from './workload.js';

const SLOW = { team: 'TSLOW', channel: 'CSLOWTEAM' };
const OTHER = { team: 'TOTHER', channel: 'COTHERTEAM' };

beforeAll(() => ensureFreshBuild(), 120_000);

describe.each<StoreKind>(['redis', 'sqlite'])('a slow workspace (%s)', (kind) => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it("delays only itself: the other workspace's posts land while the slow one's calls still hang", async () => {
    // Pacing (1 s), the worker pool (64), the Slack timeout (10 s) and TEAM_CONCURRENCY (8) at their defaults.
    d = await deploy(kind, { env: { SLACK_CHANNEL_INTERVAL_MS: '1000', WORKER_CONCURRENCY: '64', SLACK_TIMEOUT_MS: '10000' } });
    const dep = d;
    const store = await dep.openStore();
    const sub = (teamId: string, channelId: string, source: string, target: string) =>
      store.upsertSubscription({
        id: randomUUID(),
        teamId,
        channelId,
        source,
        target,
        kinds: [],
        filters: {},
        createdAt: new Date().toISOString(),
        disabled: null,
      });
    await sub(SLOW.team, SLOW.channel, 'sentry', `${SENTRY_ORG}/${SENTRY_PROJECT}`);
    await sub(OTHER.team, OTHER.channel, 'bugsee', BUGSEE_APP);
    await store.close();
    const decide = dep.slack.fake.fault;
    let slowCalls = 0;
    let firstSlowCall = 0;
    dep.slack.fake.fault = (c) => {
      if (c.args.channel !== SLOW.channel) return decide?.(c);
      slowCalls += 1;
      firstSlowCall ||= c.at;
      return { delayMs: 30_000 };
    };
    await dep.start();

    const slow = buildWorkload(150, 1, { sources: 'sentry' });
    await sendAll(slow.deliveries, { url: dep.url, concurrency: 20, serialPerThread: true });
    const other = buildWorkload(10, 1).deliveries.filter((x) => x.source === 'bugsee');
    const sentAt = new Map<string, number>();
    for (const x of other) {
      await sendAll([x], { url: dep.url, concurrency: 1, serialPerThread: true });
      sentAt.set(x.id, Date.now());
    }
    const deadline = Date.now() + 60_000;
    const otherPosts = () => dep.slack.posts().filter((c) => c.args.channel === OTHER.channel);
    while (otherPosts().length < other.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const slowAnswered = dep.slack.posts().filter((c) => c.args.channel === SLOW.channel).length;
    const lastOther = Math.max(...otherPosts().map((c) => c.at));
    const latencies = otherPosts().map((c) => c.at - (sentAt.get(messageId(c)?.eventId ?? '') ?? c.at));
    const gaps = otherPosts()
      .map((c) => c.at)
      .slice(1)
      .map((t, i) => t - (otherPosts()[i] as { at: number }).at);
    process.stdout.write(
      `slow workspace [${kind}]: other workspace's ${otherPosts().length}/${other.length} posts, first ${latencies[0]} ms after its webhook, ` +
        `webhook → post ${latencies.join('/')} ms, gaps ${gaps.join('/')} ms; slow workspace: ${slowCalls} calls made, ${slowAnswered} answered meanwhile\n`,
    );
    expect(otherPosts()).toHaveLength(other.length);
    // All of it before Slack answered the slow workspace's first call (30 s after it came).
    expect(slowCalls).toBeGreaterThan(0);
    expect(lastOther).toBeLessThan(firstSlowCall + 30_000);
  });
});
