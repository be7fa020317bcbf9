/**
 * `npm run bench`: Threadline's ingest and delivery against a minimal reference receiver, on
 * 127.0.0.1, bounded in time (about 90 s with the default 10 s phases). See bench/RESULTS.md for
 * what each figure means; targets are printed PASS/MISS next to the measured values.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBullQueue } from '../src/queue/bullmq.js';
import { parseBenchArgs, type BenchArgs } from './args.js';
import { freePort, startChild, type Child } from './children.js';
import { newestProfile, topSelfTime } from './cpuprofile.js';
import { runE2e, subscribeChannels } from './e2e.js';
import { startBenchSlack, type BenchSlack } from './fake-slack.js';
import { runLoad, type LoadFigures } from './load.js';
import { BENCH_SECRET, bodyPool, loadIssueFixture, type SignedBody } from './payloads.js';
import { profileStages } from './profile.js';
import { deletePrefix, redisAnswers } from './redis-clean.js';
import { appendMarkdown, evaluateTargets, formatReport, writeResults, type BenchResults } from './report.js';

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'threadline') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the Threadline checkout (package.json) above the bench');
    dir = up;
  }
}

function gitCommit(root: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return undefined;
  }
}

interface Ctx {
  args: BenchArgs;
  root: string;
  redisUrl: string;
  prefix: string;
  pool: SignedBody[];
  slack: BenchSlack;
  runTag: string;
}

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

async function load(ctx: Ctx, url: string, phase: string, opts: { durationSec: number; overallRate?: number; connections?: number }): Promise<LoadFigures> {
  log(`${phase}: ${opts.durationSec}s${opts.overallRate ? ` at ${opts.overallRate} req/s` : ''}`);
  return runLoad({
    url,
    pool: ctx.pool,
    tag: `${ctx.runTag}-${phase}`,
    durationSec: opts.durationSec,
    connections: opts.connections ?? ctx.args.connections,
    overallRate: opts.overallRate,
  });
}

const warmupSec = (args: BenchArgs) => Math.min(2, args.durationSec);

async function benchReference(ctx: Ctx): Promise<BenchResults['reference']> {
  const ref = await startChild({
    name: 'reference',
    script: path.join(ctx.root, 'dist/bench/reference.js'),
    env: { NODE_ENV: 'production', REDIS_URL: ctx.redisUrl, REDIS_PREFIX: `${ctx.prefix}ref:`, SENTRY_CLIENT_SECRET: BENCH_SECRET },
    port: await freePort(),
    cwd: ctx.root,
  });
  try {
    await load(ctx, ref.url, 'ref-warmup', { durationSec: warmupSec(ctx.args) });
    const ingest = await load(ctx, ref.url, 'ref-ingest', { durationSec: ctx.args.durationSec });
    const fixedRate = await load(ctx, ref.url, 'ref-fixed', { durationSec: ctx.args.durationSec, overallRate: ctx.args.fixedRate, connections: 50 });
    return { ingest, fixedRate };
  } finally {
    await ref.stop();
  }
}

async function benchRedis(ctx: Ctx, cpuProfDir: string | undefined): Promise<BenchResults['redis']> {
  const svc = await startChild({
    name: 'threadline (Redis)',
    script: path.join(ctx.root, 'dist/src/main.js'),
    env: serviceEnv(ctx, { redis: true }),
    port: await freePort(),
    cwd: ctx.root,
    nodeArgs: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
  });
  // Read-only view of the service's queue: each phase starts with the previous backlog delivered.
  const queue = createBullQueue({ connection: { url: ctx.redisUrl }, prefix: `${ctx.prefix}bull` });
  const drain = async (after: string) => {
    const t0 = Date.now();
    const ok = await queue.drained(ctx.args.smoke ? 30_000 : 90_000);
    log(`${after}: queue ${ok ? 'drained' : 'NOT drained'} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  };
  try {
    await load(ctx, svc.url, 'redis-warmup', { durationSec: warmupSec(ctx.args) });
    await drain('warmup');
    const ingest = await load(ctx, svc.url, 'redis-ingest', { durationSec: ctx.args.durationSec });
    await drain('ingest');
    const fixedRate = await load(ctx, svc.url, 'redis-fixed', { durationSec: ctx.args.durationSec, overallRate: ctx.args.fixedRate, connections: 50 });
    await drain('fixed rate');
    await subscribeChannels(ctx.redisUrl, ctx.prefix, ctx.args.channels);
    log(`e2e: ${ctx.args.e2eRate} events/s for ${ctx.args.durationSec}s over ${ctx.args.channels} channels`);
    const e2e = await runE2e({
      url: svc.url,
      slack: ctx.slack,
      fixture: loadIssueFixture(ctx.root),
      rate: ctx.args.e2eRate,
      durationSec: ctx.args.durationSec,
      channels: ctx.args.channels,
      tag: `${ctx.runTag}-e2e`,
      settleMs: 15_000,
    });
    const peakRssMb = svc.peakRssMb();
    const code = await svc.stop();
    if (code !== 0) log(`threadline (Redis) exited with ${code}:\n${svc.tail()}`);
    return { ingest, fixedRate, e2e, peakRssMb };
  } catch (err) {
    log(`threadline (Redis) output:\n${svc.tail()}`);
    throw err;
  } finally {
    await queue.close();
    await svc.stop();
  }
}

async function benchEmbedded(ctx: Ctx): Promise<BenchResults['embedded']> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tl-bench-data-'));
  let svc: Child | undefined;
  try {
    svc = await startChild({
      name: 'threadline (embedded)',
      script: path.join(ctx.root, 'dist/src/main.js'),
      env: serviceEnv(ctx, { dataDir }),
      port: await freePort(),
      cwd: ctx.root,
    });
    await load(ctx, svc.url, 'embedded-warmup', { durationSec: warmupSec(ctx.args) });
    const ingest = await load(ctx, svc.url, 'embedded-ingest', { durationSec: ctx.args.durationSec });
    return { ingest, peakRssMb: svc.peakRssMb() };
  } finally {
    await svc?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const root = repoRoot();
  const args = parseBenchArgs(process.argv.slice(2), process.env, root);
  for (const f of ['dist/src/main.js', 'dist/bench/reference.js']) {
    if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: run npm run build first (npm run bench does)`);
  }
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (!(await redisAnswers(redisUrl))) {
    throw new Error(`Redis at ${redisUrl} does not answer: start Redis there or set REDIS_URL (Debian: apt-get install redis-server)`);
  }
  const runTag = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const prefix = `tl-bench-${runTag}:`;
  const fixture = loadIssueFixture(root);
  const pool = bodyPool(fixture, args.poolSize);
  const sizes = pool.map((p) => Buffer.byteLength(p.body));
  const slack = await startBenchSlack();
  const ctx: Ctx = { args, root, redisUrl, prefix, pool, slack, runTag };
  const cpuProfDir = args.cpuProf ? mkdtempSync(path.join(tmpdir(), 'tl-bench-cpuprof-')) : undefined;
  const started = Date.now();
  log(`run ${runTag}: Redis ${redisUrl}, prefix ${prefix}, ${args.durationSec}s phases`);

  try {
    const reference = await benchReference(ctx);
    const redis = await benchRedis(ctx, cpuProfDir);
    const embedded = await benchEmbedded(ctx);
    log('per-stage profile');
    const profile = [
      await profileStages({ kind: 'redis', redisUrl, prefix: `${prefix}profile:`, pool, iterations: args.profileIterations, tag: `${runTag}-prof` }),
      await profileStages({ kind: 'sqlite', redisUrl, prefix: `${prefix}profile:`, pool, iterations: args.profileIterations, tag: `${runTag}-prof` }),
    ];
    const partial = {
      date: new Date().toISOString(),
      commit: gitCommit(root),
      node: process.versions.node,
      cpus: os.cpus().length,
      smoke: args.smoke,
      durationSec: args.durationSec,
      connections: args.connections,
      bodyBytes: { min: Math.min(...sizes), max: Math.max(...sizes) },
      reference,
      redis,
      embedded,
      profile,
    };
    const results: BenchResults = { ...partial, targets: evaluateTargets(partial) };
    const prof = cpuProfDir ? newestProfile(cpuProfDir) : undefined;
    if (prof) results.cpuProfile = { file: prof, top: topSelfTime(prof, root) };
    process.stdout.write(`\n${formatReport(results)}\n`);
    writeResults(args.out, results);
    log(`wrote ${args.out}`);
    if (args.md) {
      appendMarkdown(args.md, results);
      log(`appended a row to ${args.md}`);
    }
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  } finally {
    await slack.close();
    const n = await deletePrefix(redisUrl, prefix).catch((err: Error) => {
      log(`could not delete the bench's keys under ${prefix}: ${err.message}`);
      return 0;
    });
    log(`deleted ${n} Redis keys under ${prefix}`);
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench: failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
