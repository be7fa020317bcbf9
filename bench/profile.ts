/**
 * Where one ingest goes, stage by stage, measured in this process on the built modules: the
 * Sentry plugin's verify / parse / validate / normalize, the store's dedup claim and sequence
 * counter, the queue's enqueue, and the whole pipeline (`ingest.handle`) for comparison.
 * Each stage runs N times back to back; wall µs/op of the I/O stages is mostly the Redis or SQLite
 * round trip, CPU µs/op is what the stage costs this process (what limits throughput).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSentryPlugin } from '../src/sources/sentry/plugin.js';
import { createStore } from '../src/store/index.js';
import { createBullQueue } from '../src/queue/bullmq.js';
import { bullPrefix } from '../src/queue/index.js';
import { createSqliteQueue } from '../src/queue/sqlite.js';
import { createIngest, DEDUP_TTL_SECONDS } from '../src/ingest/pipeline.js';
import { createMetrics } from '../src/metrics.js';
import { createLogger } from '../src/log.js';
import type { Queue } from '../src/queue/queue.js';
import type { Store } from '../src/store/store.js';
import type { RawDelivery } from '../src/ingest/types.js';
import type { PipelineEvent } from '../src/events.js';
import { BENCH_SECRET, sentryHeaders, uniqueSigned, type SignedBody } from './payloads.js';

export interface StageFigure {
  stage: string;
  wallUs: number;
  cpuUs: number;
}

export interface StageProfile {
  store: 'redis' | 'sqlite';
  iterations: number;
  stages: StageFigure[];
}

async function time(stage: string, n: number, fn: (i: number) => unknown): Promise<StageFigure> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const r = fn(i);
    if (r instanceof Promise) await r;
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { stage, wallUs: wall / n, cpuUs: (cpu.user + cpu.system) / n };
}

export async function profileStages(opts: {
  kind: 'redis' | 'sqlite';
  redisUrl: string;
  prefix: string;
  pool: SignedBody[];
  iterations: number;
  tag: string;
}): Promise<StageProfile> {
  const n = opts.iterations;
  const dataDir = opts.kind === 'sqlite' ? mkdtempSync(path.join(tmpdir(), 'tl-bench-profile-')) : '.';
  const store: Store = createStore({ redisUrl: opts.kind === 'redis' ? opts.redisUrl : undefined, prefix: opts.prefix, dataDir });
  const queue: Queue =
    opts.kind === 'redis'
      ? createBullQueue({ connection: { url: opts.redisUrl }, prefix: bullPrefix(opts.prefix), inbox: { storePrefix: opts.prefix } })
      : createSqliteQueue({ db: (store as unknown as { db: import('better-sqlite3').Database }).db });
  const plugin = createSentryPlugin({ secrets: [BENCH_SECRET] });
  const logger = createLogger({ level: 'silent' });
  const ingest = createIngest({ plugins: { sentry: plugin }, store, queue, metrics: createMetrics(), logger });
  try {
    const deliveries: RawDelivery[] = [];
    for (let i = 0; i < n; i++) {
      const item = uniqueSigned(opts.pool[i % opts.pool.length], `${opts.tag}-${i}`);
      deliveries.push({
        source: 'sentry',
        headers: sentryHeaders(item.signature, `${opts.tag}-${i}`),
        query: {},
        body: Buffer.from(item.body),
        receivedAt: new Date(),
      });
    }
    const at = (i: number) => deliveries[i];
    const jsons: unknown[] = new Array(n);
    const parsed: unknown[] = new Array(n);
    const events: PipelineEvent[] = new Array(n);
    const type = 'sentry.issue.created';
    await store.ping();

    const stages: StageFigure[] = [];
    stages.push(await time('verify (HMAC)', n, (i) => plugin.authenticate(at(i))));
    stages.push(await time('parse (JSON)', n, (i) => (jsons[i] = JSON.parse(at(i).body.toString('utf8')))));
    stages.push(
      await time('validate (identify + zod)', n, (i) => {
        plugin.identify(at(i), jsons[i]);
        const r = plugin.parse(type, jsons[i]);
        if (!r.ok) throw new Error(`fixture failed its schema: ${JSON.stringify(r.issues)}`);
        parsed[i] = r.payload;
      }),
    );
    stages.push(
      await time('normalize', n, (i) => {
        events[i] = plugin.normalize(type, parsed[i], { deliveryId: `${opts.tag}-${i}`, receivedAt: at(i).receivedAt });
      }),
    );
    stages.push(await time('dedup (store.claim)', n, (i) => store.claim(`dedup:sentry:${opts.tag}-p-${i}`, DEDUP_TTL_SECONDS)));
    stages.push(await time('sequence (store.incr)', n, (i) => store.incr(`seq:${events[i].threadKey ?? 'x'}`)));
    stages.push(
      await time('enqueue (queue.enqueue)', n, (i) =>
        queue.enqueue({ event: events[i], seq: i, acceptedAt: Date.now() }, `sentry-${opts.tag}-p-${i}`),
      ),
    );
    stages.push(
      await time('whole pipeline (ingest.handle)', n, async (i) => {
        const d = at(i);
        const answer = await ingest.handle({ ...d, headers: { ...d.headers, 'request-id': `${opts.tag}-h-${i}` } });
        if (answer.body.status !== 'accepted') throw new Error(`ingest answered ${answer.status} ${answer.body.status}`);
      }),
    );
    return { store: opts.kind, iterations: n, stages };
  } finally {
    await queue.close();
    await store.close();
    if (opts.kind === 'sqlite') rmSync(dataDir, { recursive: true, force: true });
  }
}
