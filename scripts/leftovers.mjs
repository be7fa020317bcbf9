#!/usr/bin/env node
/* global process, console, setTimeout */
/**
 * Fails when a process started by the tests outlived them (`npm run test:leftovers`, the last step
 * of .ci/run). Test processes run in this checkout: a service (`dist/src/main.js`), the bench, a
 * redis-server on a test port, vitest, the browser tests' chromium. So a leftover is any process
 * whose working directory is this checkout, or a fault scenario's AOF redis-server (it moves to its
 * temp dir), other than this script, its ancestors (the CI run itself), and the Redis on 6379 that
 * .ci/run may have started. Leftovers get 5 s to finish exiting; those still there are listed,
 * killed (so the next run starts clean), and the script exits 1.
 */

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function read(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

function parentOf(pid) {
  const stat = read(pid, 'stat');
  if (!stat) return 0;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function ancestors() {
  const mine = new Set();
  for (let pid = process.pid; pid > 1; pid = parentOf(pid)) mine.add(pid);
  return mine;
}

function leftovers() {
  const mine = ancestors();
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (mine.has(pid)) continue;
    const args = (read(pid, 'cmdline') ?? '').split('\0').filter(Boolean).join(' ');
    if (!args) continue; // kernel thread, or gone
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue; // not ours to see, or gone
    }
    const inCheckout = cwd === ROOT || cwd.startsWith(`${ROOT}/`);
    const faultRedis = /redis-server/.test(args) && /tl-faults-redis-/.test(cwd + args);
    if (!inCheckout && !faultRedis) continue;
    if (/redis-server/.test(args) && /(:|--port )6379\b/.test(args)) continue; // the shared test Redis
    found.push({ pid, args });
  }
  return found;
}

if (!readdirSync('/proc').length) {
  console.log('leftovers: no /proc here, nothing checked');
  process.exit(0);
}

let found = leftovers();
const deadline = Date.now() + 5000;
while (found.length && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 250));
  found = leftovers();
}
if (!found.length) {
  console.log('leftovers: no process started by the tests is still running');
  process.exit(0);
}
console.error(`leftovers: ${found.length} process(es) started by the tests outlived them:`);
for (const p of found) console.error(`  ${p.pid} ${p.args.slice(0, 200)}`);
for (const p of found) {
  try {
    process.kill(p.pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
}
process.exit(1);
