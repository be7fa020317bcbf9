/**
 * Scenario (issue 17, scaled out): 2 web and 2 worker processes on one Redis, every delivery sent
 * to both web processes (as a retrying sender and a duplicate would), with a short queue lease.
 * At 40 % one worker and one web process are SIGKILLed and started again 3 s later; at 70 % the
 * other worker is frozen (SIGSTOP) for three leases while its Slack calls are in flight, so its jobs
 * run elsewhere while it still holds them, then it is thawed (SIGCONT) and carries on as a stale
 * holder. Target: 0 lost, 0 reordered, 0 doubled (the stale holder is fenced, the killed worker's
 * posts are looked up); the fenced runs and waits are counted.
 */

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploy, drain, ensureFreshBuild, verify, type Deployment } from './harness.js';
import type { Child } from './service.js';
import { buildWorkload, sendAll } from './workload.js';

const CHANNELS = ['CSCALE1', 'CSCALE2'];
const LEASE_MS = 1000;
const portOf = (c: Child) => Number(new URL(c.url).port);

async function counter(url: string, reason: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    return Number(new RegExp(`^threadline_slack_deferrals_total\\{reason="${reason}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

beforeAll(() => ensureFreshBuild(), 120_000);

describe('scaled out: 2 web + 2 workers on one Redis, kills of both kinds and a frozen worker', () => {
  let d: Deployment | undefined;
  afterEach(async () => {
    await d?.teardown();
    d = undefined;
  });

  it('loses nothing, reorders nothing and doubles nothing', async () => {
    d = await deploy('redis', {
      env: { WORKER_CONCURRENCY: '6', QUEUE_LEASE_MS: String(LEASE_MS), SLACK_TIMEOUT_MS: '1500', SLACK_LOOKUPS_PER_MINUTE: '600' },
    });
    const dep = d;
    await dep.subscribe(CHANNELS);
    // Slack takes a little while, so calls are in flight when a process is killed or frozen.
    dep.slack.fake.fault = (c) => (c.method === 'chat.postMessage' ? { delayMs: 150 + Math.floor(Math.random() * 250) } : undefined);
    // The first web process listens on the deployment's own port: the drain reads its /metrics.
    const web = [await dep.spawn({ THREADLINE_ROLE: 'web' }, Number(new URL(dep.url()).port)), await dep.spawn({ THREADLINE_ROLE: 'web' })];
    const workers = [await dep.spawn({ THREADLINE_ROLE: 'worker' }), await dep.spawn({ THREADLINE_ROLE: 'worker' })];
    dep.child = web[0];

    const w = buildWorkload(40, 6);
    const t0 = Date.now();
    const marks: Record<string, number> = {};
    // Each sender counts its own acceptances.
    const total = w.deliveries.length;
    let faults: Promise<void> = Promise.resolve();
    let killed = false;
    let frozen = false;
    let frozenCalls = 0;
    const onAccepted = (n: number) => {
      if (!killed && n >= total * 0.4) {
        killed = true;
        faults = faults.then(async () => {
          const [wk, wb] = [workers[0], web[1]];
          marks.kill = Date.now() - t0;
          wk.kill('SIGKILL');
          wb.kill('SIGKILL');
          await Promise.all([wk.exit, wb.exit]);
          await new Promise((r) => setTimeout(r, 3000));
          workers[0] = await dep.spawn({ THREADLINE_ROLE: 'worker' }, portOf(wk));
          web[1] = await dep.spawn({ THREADLINE_ROLE: 'web' }, portOf(wb));
        });
      }
      if (!frozen && n >= total * 0.7) {
        frozen = true;
        faults = faults.then(async () => {
          const before = dep.slack.fake.calls.length;
          workers[1].kill('SIGSTOP');
          marks.freeze = Date.now() - t0;
          await new Promise((r) => setTimeout(r, 3 * LEASE_MS + 500));
          frozenCalls = dep.slack.fake.calls.length - before;
          workers[1].kill('SIGCONT');
        });
      }
    };
    // Each delivery goes to both web processes: one of the two answers "duplicate".
    const sends = [0, 1].map((i) =>
      sendAll(w.deliveries, { url: () => web[i].url, concurrency: 25, serialPerThread: true, onAccepted, retryDelayMs: 200 }),
    );
    const answers = await Promise.all(sends);
    await faults;
    await drain(dep, w.deliveries.length * CHANNELS.length, { timeoutMs: 150_000, quietMs: 4000 });
    const fenced = (await Promise.all(workers.map((c) => counter(c.url, 'fenced')))).reduce((a, b) => a + b, 0);
    const waited = (await Promise.all(workers.map((c) => counter(c.url, 'attempt_in_flight')))).reduce((a, b) => a + b, 0);
    const lookups = await Promise.all(
      workers.map(
        async (c) => (await (await fetch(`${c.url}/metrics`)).text()).match(/^threadline_slack_(lookups|deferrals)_total\{.*$/gm) ?? [],
      ),
    );
    const ids = new Map<string, { at: number; part: unknown; thread: unknown }[]>();
    for (const c of dep.slack.posts()) {
      const p = (c.args.metadata as { event_payload?: { event_id?: string; part?: string } } | undefined)?.event_payload;
      const k = `${String(c.args.channel)} ${p?.event_id}`;
      ids.set(k, [...(ids.get(k) ?? []), { at: c.at - t0, part: p?.part, thread: c.args.thread_ts }]);
    }
    const doubled = [...ids].filter(([, v]) => v.length > 1);
    for (const [k, v] of doubled) process.stdout.write(`doubled ${k}: ${JSON.stringify(v)}\n`);
    if (doubled.length) {
      process.stdout.write(`fault times: ${JSON.stringify(marks)}; counters: ${JSON.stringify(lookups)}\n`);
      for (const c of [...workers, ...web]) process.stdout.write(`${c.url}:\n${c.output.slice(-30).join('\n')}\n`);
    }
    const adopted = lookups
      .flat()
      .reduce((n, l) => n + (l.startsWith('threadline_slack_lookups_total{result="adopted"}') ? Number(l.split(' ')[1]) : 0), 0);
    const accepted = new Set(answers.flatMap((a) => [...a.answers].filter(([, v]) => v === 'accepted').map(([id]) => id)));
    await verify('scaled out, 2 web + 2 workers, SIGKILLs and a frozen worker [redis]', w, dep, {
      channels: CHANNELS,
      extra: `${w.deliveries.length} deliveries × 2 web processes, ${CHANNELS.length} channels; ${accepted.size} answered "accepted" once; lease ${LEASE_MS} ms; ${frozenCalls} Slack calls while one worker was frozen; after it (surviving processes): ${fenced} runs fenced, ${waited} waits for an attempt in flight, ${adopted} messages adopted`,
    });
    expect(killed && frozen).toBe(true);
  });
});
