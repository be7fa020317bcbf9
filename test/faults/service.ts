/**
 * The real service as a child process (`node dist/src/main.js`), as production runs it, so SIGKILL
 * and SIGTERM hit a real process. dist/ is rebuilt first when any source is newer than it.
 */

import { execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killGroup, spawnGroup } from '../helpers/processes.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

/** Builds dist/ when it is missing or older than the sources (scripts/build.mjs: one build at a time). */
export function ensureFreshBuild(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
}

export interface Child {
  pid: number;
  url: string;
  /** Resolves with the exit code (null when killed by a signal) and signal. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: string[];
  kill(signal: NodeJS.Signals): void;
  alive(): boolean;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts the service with exactly `env` (plus PATH) and waits until /healthz answers. `nodeArgs` go before the script. */
export async function startChild(env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  // Its own process group: kills reach all of it, and the test process's exit kills what is left.
  const child: ChildProcess = spawnGroup(process.execPath, [...nodeArgs, MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (d: string) => {
    output.push(...d.split('\n').filter(Boolean));
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exited = false;
  void exit.then(() => (exited = true));
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`the service exited while starting:\n${output.slice(-20).join('\n')}`);
    if (await healthy(url)) break;
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`the service did not answer /healthz:\n${output.slice(-20).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: child.pid as number,
    url,
    exit,
    output,
    kill: (signal) => {
      if (!exited) killGroup(child, signal);
    },
    alive: () => !exited,
  };
}

/** Queue depth (waiting + active + delayed) from the service's /metrics, or undefined if it did not answer. */
export async function queueDepth(url: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
    let n = 0;
    let seen = false;
    for (const m of text.matchAll(/^threadline_queue_jobs\{[^}]*state="(waiting|active|delayed)"[^}]*\}\s+(\S+)$/gm)) {
      n += Number(m[2]);
      seen = true;
    }
    return seen ? n : undefined;
  } catch {
    return undefined;
  }
}
