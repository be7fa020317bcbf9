/**
 * Scenario 3: SIGTERM mid-burst. The service stops taking requests, finishes the jobs in flight,
 * exits 0 and leaves no job half-run; what is still queued is delivered after the restart.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploy, drain, ensureFreshBuild, verify, type Deployment, type StoreKind } from './harness.js';
import { buildWorkload, sendAll } from './workload.js';
import type { QueueCounts } from '../../src/queue/queue.js';

const CHANNELS = ['CTERM1', 'CTERM2'];

beforeAll(() => ensureFreshBuild(), 120_000);

describe.each<StoreKind>(['redis', 'sqlite'])('SIGTERM mid-burst (%s)', (kind) => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('exits 0 after a clean drain, and the restart delivers the rest', async () => {
    // Paced posts build a backlog, so the SIGTERM lands with jobs running and jobs still queued.
    d = await deploy(kind, { env: { SLACK_CHANNEL_INTERVAL_MS: '25' } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    await dep.start();
    const w = buildWorkload(50, 5);
    let stop: Promise<void> | undefined;
    let exitCode: number | null | undefined;
    let left: QueueCounts | undefined;
    let postsAtExit = 0;
    let exitMs = 0;
    const sent = await sendAll(w.deliveries, {
      url: dep.url,
      concurrency: 50,
      serialPerThread: true,
      onAccepted: (n) => {
        if (n !== 100) return;
        stop = (async () => {
          const child = dep.child;
          const t0 = Date.now();
          child.kill('SIGTERM');
          exitCode = (await child.exit).code;
          exitMs = Date.now() - t0;
          postsAtExit = dep.slack.posts().length;
          left = await dep.jobCounts();
          await dep.start();
        })();
      },
    });
    await stop;
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 120_000 });
    expect(exitCode).toBe(0);
    expect(postsAtExit).toBeLessThan(w.deliveries.length * CHANNELS.length);
    // A clean drain leaves no job taken and unfinished (nothing waits for a lease to run out).
    expect(left?.active).toBe(0);
    await verify(`SIGTERM mid-burst [${kind}]`, w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries, ${w.threads} threads × ${CHANNELS.length} channels, exit 0 after ${exitMs} ms with ${postsAtExit} posted, ${(left?.waiting ?? 0) + (left?.delayed ?? 0)} jobs left queued for the restart, ${sent.retries} sends retried`,
    });
  });
});
