import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt } from './helpers/build.js';
import { killGroupAndWait, spawnGroup } from './helpers/processes.js';

/** Every service this file started: each test's are killed (their whole group) after it, pass or fail. */
const children: ChildProcess[] = [];

function start(env: Record<string, string>): { child: ChildProcess; lines: string[]; stderr: string[] } {
  const child = spawnGroup(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  const stderr: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  return { child, lines, stderr };
}

async function waitFor<T>(get: () => T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the service process (npm start)', () => {
  const dirs: string[] = [];
  beforeAll(() => ensureBuilt(), 120_000);
  afterEach(async () => {
    await Promise.all(children.splice(0).map(killGroupAndWait));
  });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('starts with no env in dry-run on the embedded store, answers health, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tl-main-'));
    dirs.push(dir);
    // No env at all but PORT 0 (a free port) and a temp DATA_DIR, so parallel runs don't collide.
    const { child, lines } = start({ PORT: '0', DATA_DIR: path.join(dir, 'data') });
    const port = await waitFor(() => {
      for (const l of lines) {
        const j = JSON.parse(l) as { msg?: string; port?: number };
        if (j.msg === 'listening') return j.port;
      }
      return undefined;
    }, 'listening');
    const banner = await waitFor(
      () => lines.map((l) => JSON.parse(l) as { msg?: string }).find((j) => j.msg?.includes('dry-run')),
      'banner',
    );
    expect(banner.msg).toMatch(/dry-run mode.*embedded/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('refuses to start on invalid config, naming the variable', async () => {
    const { child, stderr } = start({ PORT: 'eighty' });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr.join('')).toMatch(/PORT: must be a whole number/);
  });

  it.each([
    ['an empty SENTRY_CLIENT_SECRET list', { SENTRY_CLIENT_SECRET: ',' }, 'SENTRY_CLIENT_SECRET', /empty entry/],
    ['a short secret', { BUGSEE_WEBHOOK_SECRET: 'dev' }, 'BUGSEE_WEBHOOK_SECRET', /at least 8 characters/],
    [
      'a key of the wrong length',
      { THREADLINE_ENCRYPTION_KEY: Buffer.alloc(33, 1).toString('base64') },
      'THREADLINE_ENCRYPTION_KEY',
      /32 bytes/,
    ],
  ])('refuses %s with one line, "refusing to start: <variable>: <reason>", and no stack trace', async (_what, env, variable, reason) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tl-main-'));
    dirs.push(dir);
    const { child, stderr } = start({ PORT: '0', DATA_DIR: path.join(dir, 'data'), ...env });
    let code: number | null;
    try {
      // A service that wrongly starts would never exit: give up after 10 s, and kill it below.
      code = await Promise.race([
        new Promise<number | null>((r) => child.on('exit', (c) => r(c))),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the service started instead of refusing')), 10_000).unref()),
      ]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    expect(code).toBe(1);
    const lines = stderr.join('').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^threadline: refusing to start: ${variable}: `));
    expect(lines[0]).toMatch(reason);
    expect(stderr.join('')).not.toMatch(/\n\s+at /);
  });
});
