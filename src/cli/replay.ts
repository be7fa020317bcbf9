/**
 * `npm run replay -- <file-or-dir>... | --scenario <name>`: posts saved Sentry and Bugsee payloads
 * to a running Threadline, signed and with fresh delivery ids, one after another, and prints each
 * answer. Like `main.ts`, only the direct-run block at the bottom reads `process.env`.
 */

import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain } from './is-main.js';
import { buildReplayRequest, formatAnswer, isSuccess, parseReplayArgs, usage, UsageError, type ReplayOptions } from './replay-lib.js';
import { type ReplayRequest } from './replay-lib.js';
import { SCENARIOS } from './scenarios.js';

export interface ReplayIo {
  fetch?: typeof fetch;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /** SENTRY_CLIENT_SECRET and BUGSEE_WEBHOOK_SECRET are read from here when not given as flags. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Where scenario fixtures live; default `fixtures/` of the working directory or of this checkout. */
  fixturesDir?: string;
  sleep?: (ms: number) => Promise<void>;
  newId?: () => string;
}

const moduleDir = path.dirname(fileURLToPath(import.meta.url));

function findFixtures(cwd: string): string | undefined {
  // src/cli (vitest) and dist/src/cli (npm run replay) both sit inside the checkout.
  const candidates = [
    path.resolve(cwd, 'fixtures'),
    path.resolve(moduleDir, '../../fixtures'),
    path.resolve(moduleDir, '../../../fixtures'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
}

/** Files as given; folders walked recursively, entries sorted by name, so a replay order is stable. */
export function listReplayFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (!st.isDirectory()) {
      out.push(p);
      return;
    }
    const entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = path.join(p, e.name);
      if (e.isDirectory()) walk(child);
      else if (e.name.endsWith('.json')) out.push(child);
    }
  };
  for (const p of paths) walk(p);
  return out;
}

function resolveFiles(opts: ReplayOptions, cwd: string, fixturesDir: string | undefined): string[] {
  const files: string[] = [];
  if (opts.scenario) {
    const scenario = SCENARIOS[opts.scenario];
    if (!scenario) throw new UsageError(`unknown scenario ${opts.scenario}; choose one of ${Object.keys(SCENARIOS).join(', ')}`);
    if (!fixturesDir) throw new UsageError('scenarios need the fixtures/ folder of a Threadline checkout: run from its root');
    files.push(...scenario.files.map((f) => path.join(fixturesDir, f)));
  }
  const missing = opts.files.filter((f) => !existsSync(path.resolve(cwd, f)));
  if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  files.push(...listReplayFiles(opts.files.map((f) => path.resolve(cwd, f))));
  return files;
}

const shown = (file: string, cwd: string) => {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
};

/** Runs the CLI; resolves to the exit code (0 all 2xx, 1 some answer was not, 2 usage). */
export async function runReplay(argv: string[], io: ReplayIo = {}): Promise<number> {
  const out = io.stdout ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = io.stderr ?? ((l: string) => process.stderr.write(`${l}\n`));
  const env = io.env ?? {};
  const cwd = io.cwd ?? process.cwd();
  const doFetch = io.fetch ?? fetch;
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deps = { newId: io.newId ?? randomUUID, nowSeconds: () => Math.floor(Date.now() / 1000) };
  const help = usage(Object.keys(SCENARIOS));

  let requests: ReplayRequest[];
  try {
    const opts = parseReplayArgs(argv);
    if (opts.help) {
      out(help);
      for (const [name, s] of Object.entries(SCENARIOS)) out(`  ${name.padEnd(16)} ${s.description}`);
      return 0;
    }
    opts.secret ??= env.SENTRY_CLIENT_SECRET?.split(',')[0]?.trim() || undefined;
    opts.bugseeToken ??= env.BUGSEE_WEBHOOK_SECRET?.trim() || undefined;
    const files = resolveFiles(opts, cwd, io.fixturesDir ?? findFixtures(cwd));
    if (files.length === 0) throw new UsageError('no .json files found');
    // Build every request first: a bad file stops the run before anything is sent.
    requests = files.map((f) => buildReplayRequest(shown(f, cwd), readFileSync(f, 'utf8'), opts, deps));
    return await send(requests, opts.delayMs);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`replay: ${e.message}`);
      err(help.split('\n')[0] ?? '');
      return 2;
    }
    throw e;
  }

  async function send(reqs: ReplayRequest[], delayMs: number): Promise<number> {
    let failed = 0;
    for (const [i, r] of reqs.entries()) {
      if (i > 0 && delayMs > 0) await sleep(delayMs);
      try {
        const res = await doFetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
        const text = await res.text();
        if (!isSuccess(res.status)) failed += 1;
        out(formatAnswer(r, res.status, text));
      } catch (e) {
        failed += 1;
        const cause = (e as { cause?: { code?: string } }).cause?.code;
        out(formatAnswer(r, 'ERR', `${(e as Error).message}${cause ? ` (${cause})` : ''}`));
      }
    }
    if (failed) err(`replay: ${failed} of ${reqs.length} deliveries were not accepted (2xx)`);
    return failed ? 1 : 0;
  }
}

if (isMain(import.meta.url)) {
  runReplay(process.argv.slice(2), { env: process.env }).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`replay: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
