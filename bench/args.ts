/** Command line of `npm run bench` (flags win over BENCH_DURATION). */

export interface BenchArgs {
  durationSec: number;
  smoke: boolean;
  out: string;
  /** RESULTS.md to append a row to; null when not wanted (smoke runs). */
  md: string | null;
  connections: number;
  poolSize: number;
  profileIterations: number;
  e2eRate: number;
  channels: number;
  fixedRate: number;
  cpuProf: boolean;
  /** The service entry to run (default dist/src/main.js): another build, to compare a change. */
  serviceMain: string;
  /** Phases to run; the others are skipped and reported as n/a (for profiling one phase). */
  only: Set<Phase>;
}

export const PHASES = ['reference', 'ingest', 'fixed', 'e2e', 'embedded', 'profile'] as const;
export type Phase = (typeof PHASES)[number];

/** The end-to-end target's rate (events per second). */
export const DEFAULT_E2E_RATE = 200;

export const BENCH_USAGE = `usage: npm run bench -- [--duration S] [--smoke] [--out FILE] [--md FILE | --no-md] [--connections N] [--cpu-prof] [--only LIST] [--service FILE]

  --duration S      seconds per load phase (default 10, or BENCH_DURATION; --smoke: 1)
  --smoke           tiny run for tests: 1 s phases, small payload pool, short profile, no RESULTS.md row
  --out FILE        where to write the JSON results (default bench/results.json)
  --md FILE         RESULTS.md to append a dated row to (default bench/RESULTS.md); --no-md for none
  --connections N   autocannon connections in the throughput phases (default 32)
  --cpu-prof        run the service under node --cpu-prof and print its hottest functions
  --only LIST       comma-separated phases to run (${PHASES.join(',')}); default all
  --service FILE    the service entry to run (default dist/src/main.js), e.g. another build to compare
  --e2e-rate N      events per second in the end-to-end phase (default 200, the target's rate), to find
                    where delivery stops keeping up; a run at another rate appends no RESULTS.md row
                    unless --md says where`;

/** Bad command line (exit 2), or `--help` (`help` set: print the message, exit 0). */
export class BenchArgsError extends Error {
  constructor(
    message: string,
    readonly help = false,
  ) {
    super(message);
    this.name = 'BenchArgsError';
  }
}

export function parseBenchArgs(argv: string[], env: Record<string, string | undefined>, root: string): BenchArgs {
  const flags = new Map<string, string | true>();
  const known = new Set(['duration', 'smoke', 'out', 'md', 'no-md', 'connections', 'cpu-prof', 'help', 'only', 'service', 'e2e-rate']);
  const switches = new Set(['smoke', 'no-md', 'cpu-prof', 'help']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new BenchArgsError(`unexpected argument ${a}\n${BENCH_USAGE}`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!known.has(name)) throw new BenchArgsError(`unknown option --${name}\n${BENCH_USAGE}`);
    if (eq > 0) flags.set(name, a.slice(eq + 1));
    else if (switches.has(name)) flags.set(name, true);
    else {
      const v = argv[i + 1];
      if (v === undefined) throw new BenchArgsError(`${a} needs a value\n${BENCH_USAGE}`);
      flags.set(name, v);
      i += 1;
    }
  }
  if (flags.has('help')) throw new BenchArgsError(BENCH_USAGE, true);
  const smoke = flags.get('smoke') === true;
  const num = (name: string, raw: string | true | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw === true || !Number.isFinite(n) || n <= 0) throw new BenchArgsError(`--${name} must be a positive number`);
    return n;
  };
  const durationSec = num('duration', flags.get('duration') ?? env.BENCH_DURATION, smoke ? 1 : 10);
  const e2eRate = Math.round(num('e2e-rate', flags.get('e2e-rate'), DEFAULT_E2E_RATE));
  const out = typeof flags.get('out') === 'string' ? (flags.get('out') as string) : `${root}/bench/results.json`;
  const md = flags.has('no-md')
    ? null
    : typeof flags.get('md') === 'string'
      ? (flags.get('md') as string)
      : smoke || e2eRate !== DEFAULT_E2E_RATE
        ? null
        : `${root}/bench/RESULTS.md`;
  const onlyRaw = flags.get('only');
  const only = new Set<Phase>(typeof onlyRaw === 'string' ? [] : PHASES);
  if (typeof onlyRaw === 'string') {
    for (const p of onlyRaw.split(',').map((x) => x.trim())) {
      if (!(PHASES as readonly string[]).includes(p)) throw new BenchArgsError(`--only: unknown phase ${p} (phases: ${PHASES.join(', ')})`);
      only.add(p as Phase);
    }
  }
  const service = flags.get('service');
  return {
    only,
    serviceMain: typeof service === 'string' ? service : `${root}/dist/src/main.js`,
    durationSec,
    smoke,
    out,
    md,
    connections: Math.round(num('connections', flags.get('connections'), 32)),
    poolSize: smoke ? 2000 : 20_000,
    profileIterations: smoke ? 300 : 5000,
    e2eRate,
    channels: 200,
    fixedRate: 1000,
    cpuProf: flags.get('cpu-prof') === true,
  };
}
