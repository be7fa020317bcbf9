#!/usr/bin/env node
/* global process, console */
/**
 * CPU load beside a test run, to prove the tests do not depend on a quiet machine:
 *
 *   node scripts/busy.mjs [workers=2] [seconds=600] & npm test; kill %1
 *
 * Each worker thread spins at 100 % of one core until the time is up (or the process is killed).
 * `stress-ng --cpu 2` does the same where it is installed.
 */

import { Worker } from 'node:worker_threads';

const workers = Number(process.argv[2] ?? 2);
const seconds = Number(process.argv[3] ?? 600);
const code = `const end = Date.now() + ${seconds * 1000}; let x = 0; while (Date.now() < end) { for (let i = 0; i < 1e6; i++) x = (x * 31 + i) | 0; }`;
for (let i = 0; i < workers; i++) new Worker(code, { eval: true });
console.log(`busy: ${workers} spinning thread(s) for ${seconds} s (pid ${process.pid})`);
