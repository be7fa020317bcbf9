/** The bench's result shape, its targets, the printed table, results.json and the RESULTS.md row. */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadFigures } from './load.js';
import type { E2eFigures } from './e2e.js';
import type { StageProfile } from './profile.js';
import type { HotSpots } from './cpuprofile.js';
import type { CpuShare } from './cpu.js';
import { DEFAULT_E2E_RATE } from './args.js';

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
  /** peakRssMb: VmHWM at the end of the run; idleRssMb: right after start. */
  /** logLines: lines the service wrote at LOG_LEVEL=warn (each a warning or an error). */
  /**
   * ingest and fixedRate: the answer path alone (the worker paused, as the reference has no
   * consumer); ingestBeside: the same load with the worker delivering on the same cores;
   * ingestDrainSec: how long the worker then took to deliver the ingest phase's backlog.
   */
  redis: {
    ingest: LoadFigures;
    ingestBeside?: LoadFigures;
    ingestDrainSec?: number;
    fixedRate: LoadFigures;
    e2e: E2eFigures;
    peakRssMb?: number;
    idleRssMb?: number;
    logLines?: number;
  };
  embedded: { ingest: LoadFigures; peakRssMb?: number; logLines?: number };
  profile: StageProfile[];
  targets: Target[];
  /** Self time of the Redis service over its whole run, idle excluded. */
  cpuProfile?: { file: string; top: HotSpots };
}

export interface Target {
  name: string;
  goal: string;
  value: string;
  /** null: the phase was not run. */
  pass: boolean | null;
}

export const f1 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(1));
export const f0 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
export const f2 = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(2));

export function ratio(r: BenchResults): number {
  return r.redis.ingest.rps / Math.max(r.reference.ingest.rps, 1e-9);
}

export function evaluateTargets(r: Omit<BenchResults, 'targets'>): Target[] {
  const rr = ratio(r as BenchResults);
  const cpuX = (r.redis.ingest.cpuUsPerReq ?? NaN) / (r.reference.ingest.cpuUsPerReq ?? NaN);
  const e2eComplete = r.redis.e2e.missing === 0;
  const ran = (n: number) => Number.isFinite(n);
  const check = (measured: number, ok: boolean) => (ran(measured) ? ok : null);
  return [
    { name: 'ingest vs reference (Redis)', goal: '≥ 0.80×', value: `${f2(rr)}×`, pass: check(rr, rr >= 0.8) },
    { name: 'ingest CPU per request vs reference', goal: '≤ 1.50×', value: `${f2(cpuX)}×`, pass: check(cpuX, cpuX <= 1.5) },
    {
      name: 'p99 ack at 1,000 req/s',
      goal: '< 25 ms',
      value: `${f1(r.redis.fixedRate.p99)} ms`,
      pass: check(r.redis.fixedRate.p99, r.redis.fixedRate.p99 < 25 && r.redis.fixedRate.non2xx + r.redis.fixedRate.errors === 0),
    },
    {
      name: `end-to-end p99 at ${r.redis.e2e.rate || DEFAULT_E2E_RATE} events/s`,
      goal: '< 100 ms',
      value: `${f1(r.redis.e2e.p99)} ms${e2eComplete ? '' : ` (${r.redis.e2e.missing} never posted)`}`,
      pass: check(r.redis.e2e.p99, r.redis.e2e.p99 < 100 && e2eComplete),
    },
    {
      name: 'peak RSS of the service (Redis)',
      goal: '< 200 MB',
      value: `${f1(r.redis.peakRssMb)} MB`,
      pass: check(r.redis.peakRssMb ?? NaN, (r.redis.peakRssMb ?? Infinity) < 200),
    },
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/** CPU of the phase as `receiver/redis/bench` % of one core. */
const cpuCell = (c: CpuShare | undefined) => (c ? `${f0(c.service)}/${f0(c.redis)}/${f0(c.bench)}` : 'n/a');
const LOAD_HEAD = ['receiver', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx', 'CPU % rcv/redis/bench', 'rcv CPU µs/req'];
const loadRow = (name: string, l: LoadFigures) => [
  name,
  f0(l.rps),
  f1(l.p50),
  f1(l.p99),
  f1(l.max),
  f0(l.total),
  f0(l.non2xx + l.errors),
  cpuCell(l.cpu),
  f0(l.cpuUsPerReq),
];

export function formatReport(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    `Threadline bench · ${r.date}${r.commit ? ` · ${r.commit}` : ''} · node ${r.node} · ${r.cpus} CPUs · ${r.durationSec}s phases · ${r.connections} connections · bodies ${r.bodyBytes.min}–${r.bodyBytes.max} B${r.smoke ? ' · SMOKE' : ''}`,
  );
  out.push('');
  out.push('Ingest (signed Sentry issue webhooks, unique Request-IDs, as fast as answered)');
  out.push(
    table([
      LOAD_HEAD,
      loadRow('reference (Redis)', r.reference.ingest),
      loadRow('threadline (Redis)', r.redis.ingest),
      loadRow('threadline (embedded)', r.embedded.ingest),
      ...(r.redis.ingestBeside ? [loadRow('threadline (Redis), worker beside it', r.redis.ingestBeside)] : []),
    ]),
  );
  out.push(
    `threadline (Redis): the answer path alone, its worker paused as the reference has no consumer; the worker then delivered the phase's backlog in ${f1(r.redis.ingestDrainSec)} s. "worker beside it": the same load with the worker delivering on the same cores.`,
  );
  out.push(
    `ratio threadline ÷ reference on Redis: ${f2(ratio(r))}×   embedded ÷ reference: ${f2(r.embedded.ingest.rps / Math.max(r.reference.ingest.rps, 1e-9))}×`,
  );
  const cpuRatio = (r.reference.ingest.cpuUsPerReq ?? NaN) / (r.redis.ingest.cpuUsPerReq ?? NaN);
  out.push(
    `CPU per request, reference ÷ threadline on Redis: ${f2(cpuRatio)}× (the same ratio in CPU terms; steadier when other processes compete for the cores)`,
  );
  out.push('');
  out.push('Ack latency at a fixed 1,000 req/s');
  const fixed = [LOAD_HEAD, loadRow('threadline (Redis)', r.redis.fixedRate)];
  if (r.reference.fixedRate) fixed.splice(1, 0, loadRow('reference (Redis)', r.reference.fixedRate));
  out.push(table(fixed));
  out.push('');
  const e = r.redis.e2e;
  out.push(
    `End to end (webhook sent → fake Slack receives chat.postMessage), ${e.rate} events/s over ${e.threads} threads in ${e.channels} channels`,
  );
  out.push(
    table([
      ['sent', 'acked', 'accepted', 'posted', 'missing', 'p50 ms', 'p99 ms', 'max ms', 'CPU % svc/redis/bench', 'svc CPU ms/event'],
      [
        f0(e.sent),
        f0(e.acked),
        f0(e.accepted),
        f0(e.posted),
        f0(e.missing),
        f1(e.p50),
        f1(e.p99),
        f1(e.max),
        cpuCell(e.cpu),
        f2(e.cpuMsPerEvent),
      ],
    ]),
  );
  if (e.problems.length) out.push(`  problems: ${e.problems.join(' | ')}`);
  if (e.deferrals) {
    const d = Object.entries(e.deferrals).filter(([, n]) => n > 0);
    out.push(
      `worker deferrals (jobs put back and rerun; warm-up included): ${d.length ? d.map(([k, n]) => `${k} ${f0(n)}`).join(', ') : 'none'}`,
    );
  }
  out.push('');
  out.push(
    `Peak RSS (VmHWM): threadline on Redis ${f1(r.redis.peakRssMb)} MB (${f1(r.redis.idleRssMb)} MB after start), embedded ${f1(r.embedded.peakRssMb)} MB`,
  );
  out.push('');
  for (const p of r.profile) {
    out.push(`Per-stage ingest profile, in process, ${p.store} store, ${p.iterations} ops each (µs per op)`);
    out.push(table([['stage', 'wall µs', 'CPU µs'], ...p.stages.map((s) => [s.stage, f1(s.wallUs), f1(s.cpuUs)])]));
    out.push('');
  }
  if (r.cpuProfile) {
    out.push(`CPU profile of the service on Redis, whole run, busy time only (${r.cpuProfile.file})`);
    out.push('  self time by module:');
    for (const t of r.cpuProfile.top.modules) out.push(`  ${t.selfPct.toFixed(1).padStart(5)}%  ${t.fn}`);
    out.push('  self time by function:');
    for (const t of r.cpuProfile.top.functions) out.push(`  ${t.selfPct.toFixed(1).padStart(5)}%  ${t.fn}`);
    out.push('');
  }
  out.push(`Service log lines at LOG_LEVEL=warn: Redis run ${r.redis.logLines ?? 'n/a'}, embedded run ${r.embedded.logLines ?? 'n/a'}`);
  out.push('');
  out.push('Targets');
  out.push(
    table([
      ['target', 'goal', 'measured', ''],
      ...r.targets.map((t) => [t.name, t.goal, t.value, t.pass === null ? 'skipped' : t.pass ? 'PASS' : 'MISS']),
    ]),
  );
  return out.join('\n');
}

export function writeResults(file: string, r: BenchResults): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}
