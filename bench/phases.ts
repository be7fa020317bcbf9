/**
 * The bench's phases, each against its own child process: the reference receiver, Threadline on
 * Redis (throughput, fixed rate, end to end), Threadline on the embedded store.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBullQueue } from '../src/queue/bullmq.js';
import { bullPrefix } from '../src/queue/index.js';
import type { BenchArgs } from './args.js';
import { startChild, type Child } from './children.js';
import { freePort } from './local.js';
import type { createCpuMeter } from './cpu.js';
import { runE2e, SKIPPED_E2E, subscribeChannels, type E2eFigures } from './e2e.js';
import type { BenchSlack } from './fake-slack.js';
import { runFixedRate, runLoad, SKIPPED_LOAD, type LoadFigures } from './load.js';
import { BENCH_SECRET, loadIssueFixture, type SignedBody } from './payloads.js';
import type { BenchResults } from './report.js';

export const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

export interface Ctx {
  args: BenchArgs;
  root: string;
  redisUrl: string;
  prefix: string;
  pool: SignedBody[];
  slack: BenchSlack;
  runTag: string;
  cpu: ReturnType<typeof createCpuMeter>;
}

/** The flags `npm start` and the Procfile run the service with (package.json). */
const NODE_ARGS = ['--max-old-space-size=160'];

function serviceEnv(ctx: Ctx, store: { redis: true } | { dataDir: string }): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SENTRY_CLIENT_SECRET: BENCH_SECRET,
    // Nothing may reach sentry.io: any Sentry API call fails fast on a closed local port.
    SENTRY_URL: 'http://127.0.0.1:9',
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: ctx.slack.url,
    SLACK_CHANNEL_INTERVAL_MS: '0',
    ...('redis' in store ? { REDIS_URL: ctx.redisUrl, REDIS_PREFIX: ctx.prefix } : { DATA_DIR: store.dataDir }),
  };
}

async function load(
  ctx: Ctx,
  child: Child,
  phase: string,
  opts: { durationSec: number; overallRate?: number; connections?: number },
): Promise<LoadFigures> {
  log(`${phase}: ${opts.durationSec}s${opts.overallRate ? ` at ${opts.overallRate} req/s` : ''}`);
  const stop = await ctx.cpu.start(child);
  const common = { url: child.url, pool: ctx.pool, tag: `${ctx.runTag}-${phase}`, durationSec: opts.durationSec };
  const figures = opts.overallRate
    ? await runFixedRate({ ...common, rate: opts.overallRate })
    : await runLoad({ ...common, connections: opts.connections ?? ctx.args.connections });
  const cpu = await stop();
  const cpuUsPerReq =
    cpu.service !== undefined && figures.total > 0 ? ((cpu.service / 100) * figures.durationSec * 1e6) / figures.total : undefined;
  return { ...figures, cpu, cpuUsPerReq };
}

const warmupSec = (args: BenchArgs) => Math.min(2, args.durationSec);

export async function benchReference(ctx: Ctx): Promise<BenchResults['reference']> {
  if (!ctx.args.only.has('reference')) return { ingest: SKIPPED_LOAD };
  const ref = await startChild({
    name: 'reference',
    script: path.join(ctx.root, 'dist/bench/reference.js'),
    env: { NODE_ENV: 'production', REDIS_URL: ctx.redisUrl, REDIS_PREFIX: `${ctx.prefix}ref:`, SENTRY_CLIENT_SECRET: BENCH_SECRET },
    port: await freePort(),
    cwd: ctx.root,
  });
  try {
    await load(ctx, ref, 'ref-warmup', { durationSec: warmupSec(ctx.args) });
    const ingest = await load(ctx, ref, 'ref-ingest', { durationSec: ctx.args.durationSec });
    const fixedRate = await load(ctx, ref, 'ref-fixed', {
      durationSec: ctx.args.durationSec,
      overallRate: ctx.args.fixedRate,
    });
    return { ingest, fixedRate };
  } finally {
    await ref.stop();
  }
}

export async function benchRedis(ctx: Ctx, cpuProfDir: string | undefined): Promise<BenchResults['redis']> {
  // The production shape on Redis (Procfile): web processes answer webhooks, worker processes deliver.
  const nodeArgs = [...NODE_ARGS, ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [])];
  const svc = await startChild({
    name: 'threadline web (Redis)',
    script: ctx.args.serviceMain,
    env: { ...serviceEnv(ctx, { redis: true }), THREADLINE_ROLE: 'web' },
    port: await freePort(),
    cwd: ctx.root,
    nodeArgs,
  });
  const worker = await startChild({
    name: 'threadline worker (Redis)',
    script: ctx.args.serviceMain,
    env: { ...serviceEnv(ctx, { redis: true }), THREADLINE_ROLE: 'worker' },
    port: await freePort(),
    cwd: ctx.root,
    nodeArgs,
    nice: Number(process.env.BENCH_WORKER_NICE ?? 0),
  });
  // Read-only view of the service's queue: each phase starts with the previous backlog delivered.
  const queue = createBullQueue({ connection: { url: ctx.redisUrl }, prefix: bullPrefix(ctx.prefix), inbox: { storePrefix: ctx.prefix } });
  /** Resumes a paused worker and waits for the backlog to be delivered; the seconds it took. */
  const drain = async (after: string): Promise<number> => {
    worker.resume();
    const t0 = Date.now();
    const ok = await queue.drained(ctx.args.smoke ? 30_000 : 90_000);
    const sec = (Date.now() - t0) / 1000;
    log(`${after}: queue ${ok ? 'drained' : 'NOT drained'} in ${sec.toFixed(1)}s`);
    return ok ? sec : NaN;
  };
  // The answer path alone, as the reference (which has no consumer) is measured: the worker is
  // paused while webhooks are answered (they wait in the inbox) and then delivers the backlog. On
  // 2 cores a worker running beside the web process takes the CPU the reference gets to itself;
  // that shape is measured too ("ingest, worker beside it"), for information.
  const answerPathOnly = async (phase: string, opts: { durationSec: number; overallRate?: number }) => {
    worker.pause();
    const figures = await load(ctx, svc, phase, opts);
    return { figures, drainSec: await drain(phase) };
  };
  try {
    const idleRssMb = svc.peakRssMb();
    const { only } = ctx.args;
    await load(ctx, svc, 'redis-warmup', { durationSec: warmupSec(ctx.args) });
    await drain('warmup');
    let ingest = SKIPPED_LOAD;
    let ingestBeside = SKIPPED_LOAD;
    let ingestDrainSec = NaN;
    if (only.has('ingest')) {
      ({ figures: ingest, drainSec: ingestDrainSec } = await answerPathOnly('redis-ingest', { durationSec: ctx.args.durationSec }));
      ingestBeside = await load(ctx, svc, 'redis-ingest-beside-worker', { durationSec: ctx.args.durationSec });
      await drain('ingest beside the worker');
    }
    let fixedRate = SKIPPED_LOAD;
    if (only.has('fixed')) {
      ({ figures: fixedRate } = await answerPathOnly('redis-fixed', {
        durationSec: ctx.args.durationSec,
        overallRate: ctx.args.fixedRate,
      }));
    }
    const e2e = only.has('e2e') ? await e2ePhase(ctx, svc, worker) : SKIPPED_E2E;
    const webRss = svc.peakRssMb();
    const workerRss = worker.peakRssMb();
    log(`peak RSS: web ${webRss?.toFixed(1)} MB, worker ${workerRss?.toFixed(1)} MB`);
    const peakRssMb = Math.max(webRss ?? 0, workerRss ?? 0) || undefined;
    const code = await svc.stop();
    const workerCode = await worker.stop();
    if (workerCode !== 0) log(`threadline worker exited with ${workerCode}:\n${worker.tail()}`);
    if (code !== 0) log(`threadline (Redis) exited with ${code}:\n${svc.tail()}`);
    if (svc.lineCount()) log(`threadline (Redis) wrote ${svc.lineCount()} warning/error lines; the last:\n${svc.tail()}`);
    return { ingest, ingestBeside, ingestDrainSec, fixedRate, e2e, peakRssMb, idleRssMb, logLines: svc.lineCount() };
  } catch (err) {
    log(`threadline (Redis) output:\n${svc.tail()}\nworker:\n${worker.tail()}`);
    throw err;
  } finally {
    await queue.close();
    await svc.stop();
    await worker.stop();
  }
}

/**
 * The worker's deferrals so far, by reason (its /metrics): each one is a job put back and run
 * again, so they show why an end-to-end figure grew.
 */
async function deferralsOf(worker: Child): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const text = await (await fetch(`${worker.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    for (const m of text.matchAll(/^threadline_slack_deferrals_total\{reason="([a-z_]+)"\} (\d+)/gm)) out[m[1]] = Number(m[2]);
  } catch {
    // Figures for the report only.
  }
  return out;
}

async function e2ePhase(ctx: Ctx, svc: Child, worker: Child): Promise<E2eFigures> {
  await subscribeChannels(ctx.redisUrl, ctx.prefix, ctx.args.channels);
  log(`e2e: ${ctx.args.e2eRate} events/s for ${ctx.args.durationSec}s over ${ctx.args.channels} channels`);
  // Warm the delivery path (templates, Slack client, JIT) on other threads, as the ingest phases
  // are warmed: the measured run is the steady state.
  const warmSec = ctx.args.smoke ? 1 : 3;
  log(`e2e warm-up: ${warmSec}s`);
  await runE2e({
    url: svc.url,
    slack: ctx.slack,
    fixture: loadIssueFixture(ctx.root),
    rate: ctx.args.e2eRate,
    durationSec: warmSec,
    channels: ctx.args.channels,
    tag: `${ctx.runTag}-e2e-warm`,
    settleMs: 5_000,
    issueBase: 3_100_000_000,
  });
  const stop = await ctx.cpu.start(svc);
  const both = () => {
    const a = svc.cpuSeconds();
    const b = worker.cpuSeconds();
    return a === undefined || b === undefined ? undefined : a + b;
  };
  const cpu0 = both();
  const figures = await runE2e({
    url: svc.url,
    slack: ctx.slack,
    fixture: loadIssueFixture(ctx.root),
    rate: ctx.args.e2eRate,
    durationSec: ctx.args.durationSec,
    channels: ctx.args.channels,
    tag: `${ctx.runTag}-e2e`,
    settleMs: 15_000,
  });
  const cpu1 = both();
  const deferrals = await deferralsOf(worker);
  const cpuMsPerEvent = cpu0 !== undefined && cpu1 !== undefined && figures.sent ? ((cpu1 - cpu0) * 1000) / figures.sent : undefined;
  return { ...figures, cpu: await stop(), cpuMsPerEvent, deferrals };
}

export async function benchEmbedded(ctx: Ctx): Promise<BenchResults['embedded']> {
  if (!ctx.args.only.has('embedded')) return { ingest: SKIPPED_LOAD };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tl-bench-data-'));
  let svc: Child | undefined;
  try {
    svc = await startChild({
      name: 'threadline (embedded)',
      script: ctx.args.serviceMain,
      env: serviceEnv(ctx, { dataDir }),
      port: await freePort(),
      cwd: ctx.root,
      nodeArgs: NODE_ARGS,
    });
    await load(ctx, svc, 'embedded-warmup', { durationSec: warmupSec(ctx.args) });
    const ingest = await load(ctx, svc, 'embedded-ingest', { durationSec: ctx.args.durationSec });
    const peakRssMb = svc.peakRssMb();
    await svc.stop();
    if (svc.lineCount()) log(`threadline (embedded) wrote ${svc.lineCount()} warning/error lines; the last:\n${svc.tail()}`);
    return { ingest, peakRssMb, logLines: svc.lineCount() };
  } finally {
    await svc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
