/** Builds dist/ once per test process when a test needs to run the compiled service. */

import { execFileSync } from 'node:child_process';

let built = false;

export function ensureBuilt(): void {
  if (built) return;
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  built = true;
}
