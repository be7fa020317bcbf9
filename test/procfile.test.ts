import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

const procfile = Object.fromEntries(
  readFileSync('Procfile', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
);
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('how processes start', () => {
  it('runs built code from the Procfile, one role per line, never building', () => {
    expect(procfile).toEqual({
      web: 'THREADLINE_ROLE=web node --max-old-space-size=160 dist/src/main.js',
      worker: 'THREADLINE_ROLE=worker node --max-old-space-size=160 dist/src/main.js',
    });
  });

  it('builds at install (prepare), and npm start builds only when dist/ is missing or stale, under the build lock', () => {
    expect(scripts.prepare).toBe('node scripts/build.mjs --prepare');
    expect(scripts.prestart).toBe('node scripts/build.mjs --if-stale');
    expect(scripts.start).toBe('node --max-old-space-size=160 dist/src/main.js');
    // Nothing runs tsc on dist/ but the locked build script (the type-check emits nothing).
    for (const [name, line] of Object.entries(scripts)) {
      if (/\btsc\b/.test(line)) expect(line, name).toMatch(/tsc -p tsconfig\.json --noEmit/);
    }
  });

  it('keeps the bench smoke out of npm test, in a script of its own', () => {
    expect(scripts.test).not.toMatch(/bench/);
    expect(scripts['test:bench-smoke']).toMatch(/vitest run --config vitest\.bench-smoke\.config\.ts/);
    expect(readFileSync('vitest.config.ts', 'utf8')).toContain("'test/bench/smoke.test.ts'");
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/npm run test:bench-smoke/);
  });

  it('installs with npm ci in CI, with no fallback, and ends by checking for leftover processes', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    expect(ci).toMatch(/step "npm ci" npm ci /);
    expect(ci).not.toMatch(/npm install/);
    expect(
      ci
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('step '))
        .at(-1),
    ).toMatch(/test:leftovers/);
  });
});
