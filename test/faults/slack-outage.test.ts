/**
 * Scenario: a 10-minute Slack outage, compressed 60× by config (10 s of outage; SLACK_OUTAGE_MAX_MS
 * 24 h / 60). Slack first stops answering (every call times out), then answers 503, while webhooks
 * keep arriving. Afterwards: nothing lost or doubled, every thread in order, no dead letter, and the
 * catch-up keeps each channel's pace (one post a second).
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploy, drain, ensureFreshBuild, verify, type Deployment, type StoreKind } from './harness.js';
import { buildWorkload, sendAll, type Delivery } from './workload.js';

const CHANNELS = ['COUTAGE1', 'COUTAGE2'];
const COMPRESSION = 60;
const OUTAGE_MS = (10 * 60_000) / COMPRESSION;
const INTERVAL_MS = 1000;
const RETRY_SETTLE_MS = 3000;
const WINDOW = 5;

beforeAll(() => ensureFreshBuild(), 120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each<StoreKind>(['redis', 'sqlite'])('a Slack outage of 10 minutes, compressed (%s)', (kind) => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('holds the queue, then catches up in order at the channel pace: 0 lost, 0 doubled', async () => {
    d = await deploy(kind, {
      env: {
        SLACK_OUTAGE_MAX_MS: String((24 * 3600_000) / COMPRESSION),
        SLACK_CHANNEL_INTERVAL_MS: String(INTERVAL_MS),
        SLACK_TIMEOUT_MS: '1500',
      },
    });
    const dep = d;
    await dep.subscribe(CHANNELS);
    await dep.start();
    const w = buildWorkload(6, 5);
    const send = (list: Delivery[]) => sendAll(list, { url: dep.url, concurrency: 6, serialPerThread: true });
    // Each thread's first event before the outage, the rest spread over it.
    const chunks = [0, 1, 2, 3, 4].map((k) => w.deliveries.slice(k * 6, k * 6 + 6));
    await send(chunks[0]);
    await sleep(1500);

    const started = Date.now();
    dep.slack.close(); // first half: Slack takes calls and never answers
    await send(chunks[1]);
    await sleep(OUTAGE_MS / 4);
    await send(chunks[2]);
    await sleep(OUTAGE_MS / 4);
    dep.slack.open();
    const decide = dep.slack.fake.fault;
    let unavailable = 0;
    dep.slack.fake.fault = () => (unavailable++, { status: 503 }); // second half: 503 to every call
    await send(chunks[3]);
    await sleep(OUTAGE_MS / 4);
    await send(chunks[4]);
    await sleep(Math.max(0, started + OUTAGE_MS - Date.now()));
    const readyz = (await fetch(`${dep.url()}/readyz`)).status;
    const metrics = await (await fetch(`${dep.url()}/metrics`)).text();
    const oldest = Number(/^threadline_queue_oldest_waiting_seconds (\S+)$/m.exec(metrics)?.[1]);
    dep.slack.fake.fault = decide;
    const ended = Date.now();

    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 240_000, quietMs: 4000 });
    const posts = dep.slack.posts();
    const after = posts.filter((c) => c.at >= ended);
    const gapsFrom = (from: number) =>
      CHANNELS.flatMap((ch) => {
        const at = after.filter((c) => c.args.channel === ch && c.at >= from).map((c) => c.at);
        return at.slice(1).map((t, i) => t - at[i]);
      });
    const gaps = gapsFrom(ended);
    // Spans of WINDOW consecutive posts into one channel: the pace over a few posts, which the
    // slot reservation guarantees (single gaps jitter by the time a call takes to leave).
    const spansFrom = (from: number) =>
      CHANNELS.flatMap((ch) => {
        const at = after.filter((c) => c.args.channel === ch && c.at >= from).map((c) => c.at);
        return at.slice(WINDOW - 1).map((t, i) => t - at[i]);
      });
    // Calls in flight when Slack recovers finish with the client's own retry (at most its 2 s
    // backoff later), which is not paced; everything sent after that is.
    const pacedFrom = ended + RETRY_SETTLE_MS;
    const paced = gapsFrom(pacedFrom);
    const spans = spansFrom(pacedFrom);
    const catchUpS = ((Math.max(...after.map((c) => c.at)) - ended) / 1000).toFixed(1);
    const store = await dep.openStore();
    const deadLetters = await store.listDeadLetters(100);
    await store.close();
    await verify(`Slack outage 10 min ÷ ${COMPRESSION} [${kind}]`, w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries × ${CHANNELS.length} channels, ${dep.slack.faultCounts.gated} calls unanswered + ${unavailable} × 503 during ${OUTAGE_MS / 1000} s; oldest waiting ${oldest.toFixed(1)} s at the end; ${after.length} posts caught up in ${catchUpS} s, smallest gap ${Math.min(...gaps)} ms (${Math.min(...paced)} ms after the first ${RETRY_SETTLE_MS / 1000} s; ${WINDOW} posts span ≥ ${Math.min(...spans)} ms)`,
    });
    expect(readyz).toBe(200);
    expect(oldest).toBeGreaterThan(0);
    expect(deadLetters).toEqual([]);
    expect(after.length).toBeGreaterThan(0);
    // The catch-up is paced: any WINDOW posts into one channel span (WINDOW - 1) seconds, less jitter.
    expect(spans.length).toBeGreaterThan(0);
    expect(Math.min(...spans)).toBeGreaterThanOrEqual((WINDOW - 1) * INTERVAL_MS - 500);
  });
});
