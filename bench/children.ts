/** Child processes of the bench: the service and the reference receiver, each on its own port. */

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Child {
  name: string;
  pid: number;
  url: string;
  /** The last lines the child wrote (stdout and stderr), for errors. */
  tail(): string;
  /** How many lines it wrote in all (at LOG_LEVEL=warn, each one is a warning or an error). */
  lineCount(): number;
  /** CPU time used so far (user + system), in seconds; undefined where /proc is missing. */
  cpuSeconds(): number | undefined;
  /** Peak resident set size so far (VmHWM), in MB; undefined where /proc is missing. */
  peakRssMb(): number | undefined;
  /** SIGSTOP: the process holds its state and connections but runs nothing until `resume`. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

// Children stay in the bench's process group (not detached): whoever kills the bench's group (the
// smoke test does) kills them too. And the bench kills its own when it exits, on a failure as well.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export function readVmKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, from /proc/<pid>/stat (clock ticks of 1/100 s on Linux). */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before answering:\n${tail()}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`did not answer /healthz within ${timeoutMs} ms:\n${tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `node <nodeArgs> <script>` with `env` on `port` and waits until `/healthz` answers. */
export async function startChild(opts: {
  name: string;
  script: string;
  env: Record<string, string>;
  port: number;
  nodeArgs?: string[];
  cwd: string;
  /** Runs the child at this nice value (lower CPU priority than the others). */
  nice?: number;
}): Promise<Child> {
  const lines: string[] = [];
  let count = 0;
  const keep = (chunk: Buffer) => {
    const got = chunk.toString('utf8').split('\n').filter(Boolean);
    count += got.length;
    lines.push(...got);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  // Only what the child needs: the bench's own environment (REDIS_URL, secrets) must not leak in.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...opts.env, PORT: String(opts.port) };
  const argv = [...(opts.nodeArgs ?? []), opts.script];
  // nice execs node in place: the pid stays the node process's.
  const [cmd, args] = opts.nice ? ['nice', ['-n', String(opts.nice), process.execPath, ...argv]] : [process.execPath, argv];
  const child = spawn(cmd, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const tail = () => lines.slice(-30).join('\n');
  const url = `http://127.0.0.1:${opts.port}`;
  try {
    await waitHealthy(url, child, 30_000, tail);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${opts.name}: ${(err as Error).message}`);
  }
  const pid = child.pid as number;
  return {
    name: opts.name,
    pid,
    url,
    tail,
    lineCount: () => count,
    cpuSeconds: () => cpuSecondsOf(pid),
    peakRssMb: () => {
      const kb = readVmKb(pid, 'VmHWM');
      return kb === undefined ? undefined : kb / 1024;
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      // A paused child would not act on SIGTERM.
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
