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
}

export const BENCH_USAGE = `usage: node dist/bench/run.js [--duration S] [--smoke] [--out FILE] [--md FILE | --no-md] [--connections N] [--cpu-prof]

  --duration S      seconds per load phase (default 10, or BENCH_DURATION; --smoke: 1)
  --smoke           tiny run for tests: 1 s phases, small payload pool, short profile, no RESULTS.md row
  --out FILE        where to write the JSON results (default bench/results.json)
  --md FILE         RESULTS.md to append a dated row to (default bench/RESULTS.md); --no-md for none
  --connections N   autocannon connections in the throughput phases (default 32)
  --cpu-prof        run the service under node --cpu-prof and print its hottest functions`;

export function parseBenchArgs(argv: string[], env: Record<string, string | undefined>, root: string): BenchArgs {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${BENCH_USAGE}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (['--smoke', '--no-md', '--cpu-prof', '--help'].includes(a)) flags.set(a.slice(2), true);
    else {
      const v = argv[i + 1];
      if (v === undefined) throw new Error(`${a} needs a value\n${BENCH_USAGE}`);
      flags.set(a.slice(2), v);
      i += 1;
    }
  }
  const known = new Set(['duration', 'smoke', 'out', 'md', 'no-md', 'connections', 'cpu-prof', 'help']);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}\n${BENCH_USAGE}`);
  if (flags.has('help')) throw new Error(BENCH_USAGE);
  const smoke = flags.get('smoke') === true;
  const num = (name: string, raw: string | true | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw === true || !Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  const durationSec = num('duration', flags.get('duration') ?? env.BENCH_DURATION, smoke ? 1 : 10);
  const out = typeof flags.get('out') === 'string' ? (flags.get('out') as string) : `${root}/bench/results.json`;
  const md = flags.has('no-md') ? null : typeof flags.get('md') === 'string' ? (flags.get('md') as string) : smoke ? null : `${root}/bench/RESULTS.md`;
  return {
    durationSec,
    smoke,
    out,
    md,
    connections: Math.round(num('connections', flags.get('connections'), 32)),
    poolSize: smoke ? 2000 : 20_000,
    profileIterations: smoke ? 300 : 5000,
    e2eRate: 200,
    channels: 200,
    fixedRate: 1000,
    cpuProf: flags.get('cpu-prof') === true,
  };
}
