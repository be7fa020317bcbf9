/**
 * The end of a scenario: drain the service, tally Slack's posts, print the scenario's line and
 * assert nothing was lost, doubled or reordered (printing what the service left when it fails).
 */

import { expect } from 'vitest';
import type { Deployment } from './harness.js';
import { queueDepth } from './service.js';
import { reportLine, tally, type Tally } from './tally.js';
import type { Workload } from './workload.js';

/**
 * Waits until Slack has at least `expected` posts and the service's queue has stayed empty with no
 * new posts for `quietMs` (four times that when posts are missing), or until `timeoutMs`; the
 * tally then shows what is missing.
 */
export async function drain(
  d: Deployment,
  expected: number,
  opts: { timeoutMs?: number; quietMs?: number; count?: () => number } = {},
): Promise<void> {
  const count = opts.count ?? (() => d.slack.posts().length);
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  const quietMs = opts.quietMs ?? 2500;
  let lastCount = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    const n = count();
    const depth = await queueDepth(d.url());
    if (n !== lastCount || depth !== 0) {
      lastCount = n;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= (n >= expected ? quietMs : 4 * quietMs)) {
      // An empty queue that stays quiet has nothing more to post, even if something is missing.
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // Say why the drain gave up, so a timeout is not the only thing a failing run prints.
  process.stdout.write(`drain gave up after ${opts.timeoutMs ?? 90_000} ms: ${count()} of ${expected} posts; ${await diagnose(d)}\n`);
}

/** What the service left behind: queue counts, dead letters and its last log lines (printed when a scenario fails). */
export async function diagnose(d: Deployment): Promise<string> {
  const parts: string[] = [];
  try {
    parts.push(`queue: ${JSON.stringify(await d.jobCounts())}`);
    const store = await d.openStore();
    try {
      const dls = await store.listDeadLetters(20);
      parts.push(
        `dead letters (${dls.length}): ${dls.map((x) => `${x.reason}/${x.type}/${x.channelId ?? ''}/${JSON.stringify(x.error)}`).join('; ')}`,
      );
    } finally {
      await store.close();
    }
  } catch (err) {
    parts.push(`(could not read the store: ${(err as Error).message})`);
  }
  parts.push(`faults: ${JSON.stringify(d.slack.faultCounts)}`);
  parts.push(`service log tail:\n${d.child?.output.slice(-30).join('\n')}`);
  return parts.join('\n');
}

/** Tallies, prints the scenario's line and asserts nothing lost, doubled or out of order. */
export async function verify(
  scenario: string,
  workload: Workload,
  d: Deployment,
  opts: { channels: string[]; eventIds?: Iterable<string>; checkOrder?: boolean; extra?: string; maxDuplicated?: number },
): Promise<Tally> {
  const t = tally(workload, d.slack.posts(), opts);
  process.stdout.write(`${reportLine(scenario, t, opts.extra)}\n`);
  const dupOk = t.duplicated <= (opts.maxDuplicated ?? 0);
  // Where doubles are tolerated (the documented crash window), a doubled parent is one of them.
  const badParents = opts.maxDuplicated && dupOk ? t.badParents.filter((b) => b.endsWith(': 0 parents')) : t.badParents;
  if (t.lost || !dupOk || t.unexpected || badParents.length || t.outOfOrder.length) {
    process.stdout.write(`${scenario} failed; what the service left:\n${await diagnose(d)}\n`);
  }
  const detail = {
    lost: t.lostSamples,
    duplicated: dupOk ? [] : t.duplicateSamples,
    badParents: badParents.slice(0, 5),
    outOfOrder: t.outOfOrder.slice(0, 5),
  };
  expect({
    lost: t.lost,
    duplicatedWithinBound: dupOk,
    unexpected: t.unexpected,
    badParents: badParents.length,
    outOfOrder: t.outOfOrder.length,
    detail,
  }).toEqual({
    lost: 0,
    duplicatedWithinBound: true,
    unexpected: 0,
    badParents: 0,
    outOfOrder: 0,
    detail: { lost: [], duplicated: [], badParents: [], outOfOrder: [] },
  });
  return t;
}
