/** The bench's result shape, its targets, the printed table, results.json and the RESULTS.md row. */

import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadFigures } from './load.js';
import type { E2eFigures } from './e2e.js';
import type { StageProfile } from './profile.js';

export interface BenchResults {
  date: string;
  commit?: string;
  node: string;
  cpus: number;
  smoke: boolean;
  durationSec: number;
  connections: number;
  bodyBytes: { min: number; max: number };
  reference: { ingest: LoadFigures; fixedRate?: LoadFigures };
  redis: { ingest: LoadFigures; fixedRate: LoadFigures; e2e: E2eFigures; peakRssMb?: number };
  embedded: { ingest: LoadFigures; peakRssMb?: number };
  profile: StageProfile[];
  targets: Target[];
  cpuProfile?: { file: string; top: { fn: string; selfPct: number }[] };
}

export interface Target {
  name: string;
  goal: string;
  value: string;
  pass: boolean;
}

const f1 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(1));
const f0 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const f2 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(2));

export function ratio(r: BenchResults): number {
  return r.redis.ingest.rps / Math.max(r.reference.ingest.rps, 1e-9);
}

export function evaluateTargets(r: Omit<BenchResults, 'targets'>): Target[] {
  const rr = ratio(r as BenchResults);
  const e2eComplete = r.redis.e2e.missing === 0;
  return [
    { name: 'ingest vs reference (Redis)', goal: '≥ 0.80×', value: `${f2(rr)}×`, pass: rr >= 0.8 },
    { name: 'p99 ack at 1,000 req/s', goal: '< 25 ms', value: `${f1(r.redis.fixedRate.p99)} ms`, pass: r.redis.fixedRate.p99 < 25 && r.redis.fixedRate.non2xx === 0 },
    {
      name: `end-to-end p99 at ${r.redis.e2e.rate}/s`,
      goal: '< 100 ms',
      value: `${f1(r.redis.e2e.p99)} ms${e2eComplete ? '' : ` (${r.redis.e2e.missing} never posted)`}`,
      pass: r.redis.e2e.p99 < 100 && e2eComplete,
    },
    { name: 'peak RSS of the service (Redis)', goal: '< 200 MB', value: `${f1(r.redis.peakRssMb)} MB`, pass: r.redis.peakRssMb !== undefined && r.redis.peakRssMb < 200 },
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

const loadRow = (name: string, l: LoadFigures) => [name, f0(l.rps), f1(l.p50), f1(l.p99), f1(l.max), f0(l.total), f0(l.non2xx + l.errors)];

export function formatReport(r: BenchResults): string {
  const out: string[] = [];
  out.push(`Threadline bench · ${r.date}${r.commit ? ` · ${r.commit}` : ''} · node ${r.node} · ${r.cpus} CPUs · ${r.durationSec}s phases · ${r.connections} connections · bodies ${r.bodyBytes.min}–${r.bodyBytes.max} B${r.smoke ? ' · SMOKE' : ''}`);
  out.push('');
  out.push('Ingest (signed Sentry issue webhooks, unique Request-IDs, as fast as answered)');
  out.push(
    table([
      ['receiver', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx'],
      loadRow('reference (Redis)', r.reference.ingest),
      loadRow('threadline (Redis)', r.redis.ingest),
      loadRow('threadline (embedded)', r.embedded.ingest),
    ]),
  );
  out.push(`ratio threadline ÷ reference on Redis: ${f2(ratio(r))}×   embedded ÷ reference: ${f2(r.embedded.ingest.rps / Math.max(r.reference.ingest.rps, 1e-9))}×`);
  out.push('');
  out.push('Ack latency at a fixed 1,000 req/s');
  const fixed = [['receiver', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx'], loadRow('threadline (Redis)', r.redis.fixedRate)];
  if (r.reference.fixedRate) fixed.splice(1, 0, loadRow('reference (Redis)', r.reference.fixedRate));
  out.push(table(fixed));
  out.push('');
  const e = r.redis.e2e;
  out.push(`End to end (webhook sent → fake Slack receives chat.postMessage), ${e.rate} events/s over ${e.threads} threads in ${e.channels} channels`);
  out.push(
    table([
      ['sent', 'acked', 'posted', 'missing', 'p50 ms', 'p99 ms', 'max ms'],
      [f0(e.sent), f0(e.acked), f0(e.posted), f0(e.missing), f1(e.p50), f1(e.p99), f1(e.max)],
    ]),
  );
  if (e.problems.length) out.push(`  problems: ${e.problems.join(' | ')}`);
  out.push('');
  out.push(`Peak RSS (VmHWM): threadline on Redis ${f1(r.redis.peakRssMb)} MB, embedded ${f1(r.embedded.peakRssMb)} MB`);
  out.push('');
  for (const p of r.profile) {
    out.push(`Per-stage ingest profile, in process, ${p.store} store, ${p.iterations} ops each (µs per op)`);
    out.push(table([['stage', 'wall µs', 'CPU µs'], ...p.stages.map((s) => [s.stage, f1(s.wallUs), f1(s.cpuUs)])]));
    out.push('');
  }
  if (r.cpuProfile) {
    out.push(`CPU profile of the service during the Redis ingest phase (${r.cpuProfile.file}), top self time:`);
    for (const t of r.cpuProfile.top) out.push(`  ${t.selfPct.toFixed(1).padStart(5)}%  ${t.fn}`);
    out.push('');
  }
  out.push('Targets');
  out.push(table([['target', 'goal', 'measured', ''], ...r.targets.map((t) => [t.name, t.goal, t.value, t.pass ? 'PASS' : 'MISS'])]));
  return out.join('\n');
}

export function writeResults(file: string, r: BenchResults): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}

const MD_HEADER = `# Benchmark results

One row per \`npm run bench\` (newest last). Everything runs on 127.0.0.1: the service and the
reference receiver as child processes, Redis from \`REDIS_URL\` (else 127.0.0.1:6379), a fake Slack
Web API in the bench process. Load: signed 2–3 KB Sentry \`issue.created\` webhooks, each with its
own Request-ID. Full figures of the last run, including the per-stage profile, are in
\`bench/results.json\`.

| column | meaning |
|---|---|
| ours req/s | Threadline on Redis: accepted webhooks per second, autocannon, as fast as answered |
| ref req/s | the minimal reference receiver (\`bench/reference.ts\`: raw body, HMAC, SET NX EX, one XADD) under the same load |
| ratio | ours ÷ ref (target ≥ 0.8) |
| p50/p99 | ack latency of ours during the throughput phase, ms |
| p99@1k | ack latency p99 of ours at a fixed 1,000 req/s, ms (target < 25) |
| e2e p50/p99 | webhook sent → fake Slack receives chat.postMessage, 200 events/s over ≥ 200 threads and 200 channels, ms (target p99 < 100) |
| RSS | peak resident memory (VmHWM) of the service on Redis, MB (target < 200) |
| embedded | the same ingest figures on the embedded store (SQLite): req/s, p50/p99 ms |
| missed | targets not met |

| date | commit | CPUs | phase s | ours req/s | ref req/s | ratio | p50/p99 | p99@1k | e2e p50/p99 | RSS MB | embedded req/s, p50/p99 | missed |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
`;

export function appendMarkdown(file: string, r: BenchResults): void {
  if (!existsSync(file)) writeFileSync(file, MD_HEADER);
  const missed = r.targets.filter((t) => !t.pass).map((t) => t.name);
  const row = [
    r.date.slice(0, 16).replace('T', ' '),
    r.commit ?? '',
    String(r.cpus),
    String(r.durationSec),
    f0(r.redis.ingest.rps),
    f0(r.reference.ingest.rps),
    f2(ratio(r)),
    `${f1(r.redis.ingest.p50)}/${f1(r.redis.ingest.p99)}`,
    f1(r.redis.fixedRate.p99),
    `${f1(r.redis.e2e.p50)}/${f1(r.redis.e2e.p99)}`,
    f1(r.redis.peakRssMb),
    `${f0(r.embedded.ingest.rps)}, ${f1(r.embedded.ingest.p50)}/${f1(r.embedded.ingest.p99)}`,
    missed.length ? missed.join('; ') : 'none',
  ];
  appendFileSync(file, `| ${row.join(' | ')} |\n`);
}
