#!/usr/bin/env node
/* global process, console */
/**
 * Builds dist/ (tsc -p tsconfig.build.json), one build at a time on a host.
 *
 *   node scripts/build.mjs            build now (npm run build)
 *   node scripts/build.mjs --prepare  npm's `prepare` (npm install / npm ci): build, unless TypeScript
 *                                     is not installed (`npm ci --omit=dev` of a release that ships dist/)
 *   node scripts/build.mjs --if-stale `prestart` and the tests: build only when dist/src/main.js is
 *                                     missing or older than a source file
 *
 * Several processes started at once (npm start twice, parallel test files) must not rewrite dist/
 * together: the build holds a lock directory, and a process that finds it held waits for it, then
 * looks again, so only the first one builds.
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(ROOT, 'dist/src/main.js');
const LOCK = path.join(ROOT, 'dist/.build.lock');
const SOURCES = ['src', 'templates', 'bench'];
// A lock older than this was left by a build that died (a build takes about a minute on 2 busy cores).
const STALE_LOCK_MS = 10 * 60_000;

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|json)$/.test(e.name)) newest = Math.max(newest, mtime(p));
  }
  return newest;
}

function fresh() {
  const built = mtime(MAIN);
  if (built === 0) return false;
  const sources = Math.max(
    ...SOURCES.map((d) => newestSource(path.join(ROOT, d))),
    mtime(path.join(ROOT, 'tsconfig.build.json')),
    mtime(path.join(ROOT, 'tsconfig.json')),
  );
  return built >= sources;
}

function tscPath() {
  try {
    return createRequire(path.join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** The lock's holder was killed (its pid is written just after the lock is taken). */
function holderGone() {
  let pid;
  try {
    pid = Number(readFileSync(path.join(LOCK, 'pid'), 'utf8'));
  } catch {
    return false; // not written yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === 'ESRCH';
  }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function acquire() {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    if (Date.now() - mtime(LOCK) > STALE_LOCK_MS || holderGone()) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    sleep(200);
  }
}

/** Returns the exit code (process.exit here would skip releasing the lock). */
function build() {
  const tsc = tscPath();
  if (!tsc) {
    console.error('threadline: cannot build dist/: TypeScript is not installed (run `npm ci` with dev dependencies)');
    return 1;
  }
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  return r.status ?? 1;
}

const mode = process.argv[2];
if (mode === '--prepare' && !tscPath()) {
  // A production install without dev dependencies: the release step built dist/ already.
  if (mtime(MAIN) === 0)
    console.error('threadline: TypeScript is not installed, so dist/ was not built; build it where dev dependencies are installed');
  process.exit(0);
}
if (mode === '--if-stale' && fresh()) process.exit(0);

acquire();
let code = 0;
try {
  // Whoever held the lock may just have built what this process was about to.
  if (!(mode === '--if-stale' && fresh())) code = build();
} finally {
  rmSync(LOCK, { recursive: true, force: true });
}
process.exitCode = code;
