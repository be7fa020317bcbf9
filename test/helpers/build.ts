/**
 * Builds dist/ when a test needs the compiled service and dist/ is missing or older than the
 * sources. scripts/build.mjs holds a lock, so test files running in parallel never rewrite dist/
 * at the same time (nor while `npm start` builds it).
 */

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let built = false;

export function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}
