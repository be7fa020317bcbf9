/**
 * SIGKILL between the inbox XADD and the pump's addBulk + XACK (Redis). Deliveries answered 200
 * sit in the inbox: some unread, some read by a pump that died holding them (pending, never
 * acked). A new process's pump moves the unread ones and takes the held ones over after their
 * idle time; a second kill lands while that pump is moving a live burst. Every accepted delivery
 * is posted once, in order.
 */

import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inboxKeys } from '../../src/queue/inbox.js';
import { INBOX_GROUP } from '../../src/queue/inbox-pump.js';
import { deploy, drain, ensureFreshBuild, verify, type Deployment } from './harness.js';
import { buildWorkload, sendAll } from './workload.js';

const CHANNELS = ['CINBOX1', 'CINBOX2'];

beforeAll(() => ensureFreshBuild(), 120_000);

async function kill(d: Deployment): Promise<void> {
  const child = d.child;
  child.kill('SIGKILL');
  const { signal } = await child.exit;
  expect(signal).toBe('SIGKILL');
}

describe('SIGKILL between the inbox XADD and the pump (redis)', () => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('loses nothing and doubles nothing', async () => {
    // The second kill may land while a post is in flight (Slack has it, its ts is not recorded):
    // the rerun finds it with a lookup, as an internal app's budget allows. Doubles from the default
    // budget of one lookup a minute are window 1 of RELIABILITY.md, measured by "SIGKILL at a random
    // moment"; here every double would be the inbox's or the pump's.
    d = await deploy('redis', { env: { SLACK_LOOKUPS_PER_MINUTE: '600' } });
    const dep = d;
    await dep.subscribe(CHANNELS);
    const w = buildWorkload(30, 4);
    const half = w.deliveries.length / 2;

    // A web process alone: every accepted delivery stays in the inbox (no pump runs).
    await dep.start({ THREADLINE_ROLE: 'web' });
    const first = await sendAll(w.deliveries.slice(0, half), { url: dep.url, concurrency: 20, serialPerThread: true });
    expect([...first.answers.values()].every((a) => a === 'accepted')).toBe(true);

    // A pump that read part of every shard and died before addBulk/XACK: those entries are pending.
    const r = new Redis(dep.redis!.url);
    let held = 0;
    let inInbox = 0;
    try {
      for (const key of inboxKeys(dep.prefix)) {
        inInbox += await r.xlen(key);
        await r.xgroup('CREATE', key, INBOX_GROUP, '0', 'MKSTREAM').catch(() => undefined);
        const res = (await r.call('XREADGROUP', 'GROUP', INBOX_GROUP, 'dead-pump', 'COUNT', 2, 'STREAMS', key, '>')) as
          [string, unknown[]][] | null;
        held += res?.[0]?.[1].length ?? 0;
      }
    } finally {
      r.disconnect();
    }
    expect(inInbox).toBe(half);
    expect(held).toBeGreaterThan(0);
    await kill(dep);

    // The full service: its pump moves the unread entries, takes the held ones over, and is
    // killed while moving the second half.
    await dep.start();
    let crash: Promise<void> | undefined;
    const second = await sendAll(w.deliveries.slice(half), {
      url: dep.url,
      concurrency: 20,
      serialPerThread: true,
      onAccepted: (n) => {
        if (n === 20) crash = kill(dep).then(() => dep.start().then(() => undefined));
      },
    });
    await crash;
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 120_000 });
    expect((await dep.jobCounts()).waiting).toBe(0);
    // Posts in flight at the second kill are found again by a lookup (the last process's count).
    const metrics = await (await fetch(`${dep.url()}/metrics`)).text();
    const adopted = Number(/^threadline_slack_lookups_total\{result="adopted"\} (\S+)$/m.exec(metrics)?.[1] ?? 0);
    await verify('SIGKILL between the inbox XADD and the pump [redis]', w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries; ${half} in the inbox at the first kill, ${held} held by a dead pump; ${second.retries} sends retried after the second kill; ${adopted} posts in flight at it adopted`,
    });
  });
});
