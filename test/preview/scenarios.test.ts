/**
 * Scenario injection: bodies made unique, every fixture accepted by the real pipeline after the
 * signature step, and the signed route still refusing what the preview's entry point lets in.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createIngest, type Ingest } from '../../src/ingest/pipeline.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import type { SqliteStore } from '../../src/store/sqlite.js';
import { createQueue } from '../../src/queue/index.js';
import type { Queue } from '../../src/queue/queue.js';
import { readConfig } from '../../src/config.js';
import { SOURCES } from '../../src/sources/index.js';
import type { SourcePlugin } from '../../src/ingest/types.js';
import { pretendConfig } from '../../src/preview/index.js';
import { ALL_FIXTURES, createScenarioRunner, findFixturesDir, injectionOf } from '../../src/preview/scenarios.js';
import { listReplayFiles } from '../../src/cli/replay.js';

const fixtures = findFixturesDir() as string;

describe('injectionOf', () => {
  it('adds a top-level _replay nonce and a fresh delivery id, and keeps the payload', () => {
    const file = path.join(fixtures, 'sentry/issue/created.json');
    const text = readFileSync(file, 'utf8');
    const d = injectionOf(file, text, 'nonce-1', new Date(0));
    expect(d?.source).toBe('sentry');
    expect(d?.headers['sentry-hook-resource']).toBe('issue');
    expect(d?.headers['request-id']).toBe('nonce-1');
    expect(JSON.parse(String(d?.body))).toEqual({ ...JSON.parse(text), _replay: 'nonce-1' });
    const b = injectionOf(
      path.join(fixtures, 'bugsee/feedback.message.in.json'),
      readFileSync(path.join(fixtures, 'bugsee/feedback.message.in.json'), 'utf8'),
      'nonce-2',
      new Date(0),
    );
    expect(JSON.parse(String(b?.body))).toMatchObject({ id: 'nonce-2', _replay: 'nonce-2' });
    expect(injectionOf('x.json', 'not json', 'n', new Date(0))).toBeNull();
    expect(injectionOf('x.json', '{"neither":1}', 'n', new Date(0))).toBeNull();
  });
});

describe('scenarios through the real pipeline, after the signature step', () => {
  let dir: string;
  let store: Store;
  let queue: Queue;
  let ingest: Ingest;
  let signed: Ingest;
  const answers: { file?: string; status?: number; outcome?: string }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => answers.push(JSON.parse(s)) } });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tl-preview-scn-'));
    store = await createStore({ dataDir: dir, prefix: 'x:' });
    queue = createQueue({ db: (store as SqliteStore).db, options: { maxAttempts: 1, backoffMs: 1 } });
    const config = readConfig({ DATA_DIR: dir });
    const plugins: Partial<Record<string, SourcePlugin>> = {};
    for (const s of SOURCES) plugins[s.name] = s.plugin(pretendConfig(config));
    const metrics = createMetrics({ defaultMetrics: false });
    ingest = createIngest({ plugins, store, queue, metrics, logger });
    signed = ingest;
  });
  afterAll(async () => {
    await queue?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts every fixture of every scenario, twice, as new work each time', async () => {
    const runner = createScenarioRunner({ ingest, logger, fixturesDir: fixtures, delayMs: 0 });
    for (const { name } of runner.list().filter((s) => s.name !== ALL_FIXTURES)) {
      answers.length = 0;
      expect(await runner.run(name)).toBe(true);
      expect(await runner.run(name)).toBe(true);
      const injected = answers.filter((a) => a.file !== undefined);
      expect(injected.length).toBeGreaterThan(0);
      // `duplicate` is a 200 too: the outcome says each was new work.
      expect(injected.map((a) => a.outcome)).toEqual(injected.map(() => 'accepted'));
    }
    expect(await runner.run('no-such-scenario')).toBe(false);
  });

  it('replays all fixtures with no server error', async () => {
    const runner = createScenarioRunner({ ingest, logger, fixturesDir: fixtures, delayMs: 0 });
    answers.length = 0;
    expect(await runner.run(ALL_FIXTURES)).toBe(true);
    const injected = answers.filter((a) => a.file !== undefined);
    expect(injected).toHaveLength(listReplayFiles([fixtures]).length);
    expect(injected.filter((a) => (a.status ?? 500) >= 500)).toEqual([]);
  });

  it('leaves the signed entry point refusing an unsigned delivery', async () => {
    const file = path.join(fixtures, 'sentry/issue/created.json');
    const d = injectionOf(file, readFileSync(file, 'utf8'), 'nonce-signed', new Date());
    expect(d).not.toBeNull();
    expect((await signed.handle(d!)).status).toBe(401);
    expect((await signed.handleAuthenticated(d!)).status).toBe(200);
  });
});
