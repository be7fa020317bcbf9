/**
 * `npm run bench`: Threadline's ingest and delivery against a minimal reference receiver, on
 * 127.0.0.1, bounded in time (about 90 s with the default 10 s phases). See bench/RESULTS.md for
 * what each figure means; targets are printed PASS/MISS next to the measured values.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchArgsError, parseBenchArgs } from './args.js';
import { createCpuMeter } from './cpu.js';
import { newestProfile, topSelfTime } from './cpuprofile.js';
import { startBenchSlack } from './fake-slack.js';
import { bodyPool, loadIssueFixture } from './payloads.js';
import { benchEmbedded, benchRedis, benchReference, log, type Ctx } from './phases.js';
import { profileStages } from './profile.js';
import { deletePrefix } from './redis-clean.js';
import { redisAnswers } from './local.js';
import { evaluateTargets, formatReport, writeResults, type BenchResults } from './report.js';
import { appendMarkdown } from './results-md.js';

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
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const root = repoRoot();
  const args = parseBenchArgs(process.argv.slice(2), process.env, root);
  for (const f of [args.serviceMain, path.join(root, 'dist/bench/reference.js')]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first (npm run bench does)`);
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
  const cpu = createCpuMeter(redisUrl);
  const ctx: Ctx = { args, root, redisUrl, prefix, pool, slack, runTag, cpu };
  const cpuProfDir = args.cpuProf ? mkdtempSync(path.join(tmpdir(), 'tl-bench-cpuprof-')) : undefined;
  const started = Date.now();
  log(`run ${runTag}: Redis ${redisUrl}, prefix ${prefix}, ${args.durationSec}s phases`);

  try {
    const reference = await benchReference(ctx);
    const redis = await benchRedis(ctx, cpuProfDir);
    const embedded = await benchEmbedded(ctx);
    const profile = [];
    if (args.only.has('profile')) {
      log('per-stage profile');
      for (const kind of ['redis', 'sqlite'] as const) {
        profile.push(
          await profileStages({
            kind,
            redisUrl,
            prefix: `${prefix}profile:`,
            pool,
            iterations: args.profileIterations,
            tag: `${runTag}-prof`,
          }),
        );
      }
    }
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
    cpu.close();
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
    if (err instanceof BenchArgsError) {
      if (err.help) process.stdout.write(`${err.message}\n`);
      else process.stderr.write(`bench: ${err.message}\n`);
      process.exit(err.help ? 0 : 2);
    }
    process.stderr.write(`bench: failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
