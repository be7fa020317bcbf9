/**
 * Processes started by tests. Each one leads its own process group (`detached`), so killing the
 * group also kills whatever it started, and every group still alive is killed when the test
 * process exits, also after a failed or timed-out test. Tests still kill their own in
 * afterAll/afterEach: the exit hook is the net under them, not the plan.
 */

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAllGroups);
}

/** `spawn` in a process group of its own, remembered until it exits. */
export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  hook();
  const child = spawn(command, args, { ...options, detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** SIGKILLs the child's whole process group (a no-op once it is gone). */
export function killGroup(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Resolves once the child has exited (at once if it has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Kills the group and waits for the child itself to be gone. */
export async function killGroupAndWait(child: ChildProcess | undefined): Promise<void> {
  if (!child) return;
  killGroup(child);
  await exited(child);
}

/** Every group a test started and that is still alive (the exit hook; also for afterAll). */
export function killAllGroups(): void {
  for (const child of live) killGroup(child);
}
