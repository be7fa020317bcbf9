/**
 * The preview's scenario buttons: the replay CLI's stories (and every fixture), handed to the
 * ingest pipeline after its signature step (`handleAuthenticated`), so they need no secrets. Each
 * body gets a top-level `"_replay": "<nonce>"` and a fresh delivery id, so a second run is new
 * work rather than a duplicate.
 */

import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ingest } from '../ingest/pipeline.js';
import type { RawDelivery } from '../ingest/types.js';
import type { Logger } from '../log.js';
import { detectSentryResource, detectSource } from '../cli/replay-lib.js';
import { listReplayFiles } from '../cli/replay.js';
import { SCENARIOS } from '../cli/scenarios.js';

export const ALL_FIXTURES = 'all-fixtures';

export interface ScenarioRunner {
  /** Scenario names and descriptions, in button order (the last replays every fixture). */
  list(): { name: string; description: string }[];
  /** Starts the run and resolves when every delivery was handed over; false for an unknown name. */
  run(name: string): Promise<boolean>;
}

const moduleDir = path.dirname(fileURLToPath(import.meta.url));

/** src/preview (vitest) and dist/src/preview (npm start) both sit inside the checkout. */
export function findFixturesDir(cwd: string = process.cwd()): string | undefined {
  const candidates = [
    path.resolve(cwd, 'fixtures'),
    path.resolve(moduleDir, '../../fixtures'),
    path.resolve(moduleDir, '../../../fixtures'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The delivery as the sender would make it, minus the credential: the pipeline skips that step. */
export function injectionOf(file: string, text: string, nonce: string, now: Date): RawDelivery | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const source = detectSource(json);
  if (!source || !isRecord(json)) return null;
  if (source === 'sentry') {
    const resource = detectSentryResource(file, json);
    if (!resource) return null;
    const headers = {
      'content-type': 'application/json',
      'sentry-hook-resource': resource,
      'sentry-hook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'request-id': nonce,
    };
    return { source, headers, query: {}, body: Buffer.from(JSON.stringify({ ...json, _replay: nonce })), receivedAt: now };
  }
  return {
    source,
    headers: { 'content-type': 'application/json' },
    query: {},
    body: Buffer.from(JSON.stringify({ ...json, id: nonce, _replay: nonce })),
    receivedAt: now,
  };
}

export function createScenarioRunner(deps: { ingest: Ingest; logger: Logger; fixturesDir?: string; delayMs?: number }): ScenarioRunner {
  const dir = deps.fixturesDir ?? findFixturesDir();
  const delayMs = deps.delayMs ?? 250;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  function filesOf(name: string): string[] | null {
    if (!dir) return null;
    if (name === ALL_FIXTURES) return listReplayFiles([dir]);
    const scenario = Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name] : undefined;
    return scenario ? scenario.files.map((f) => path.join(dir, f)) : null;
  }

  return {
    list() {
      return [
        ...Object.entries(SCENARIOS).map(([name, s]) => ({ name, description: s.description })),
        { name: ALL_FIXTURES, description: 'every saved Sentry and Bugsee payload in fixtures/, one after another' },
      ];
    },
    async run(name) {
      const files = filesOf(name);
      if (!files) return false;
      const log = deps.logger.child({ preview: 'scenario', scenario: name });
      // A pause between deliveries lets the page show the thread grow, as it would in Slack.
      const pause = name === ALL_FIXTURES ? Math.min(delayMs, 50) : delayMs;
      for (const [i, file] of files.entries()) {
        if (i > 0 && pause > 0) await sleep(pause);
        const delivery = injectionOf(file, readFileSync(file, 'utf8'), randomUUID(), new Date());
        if (!delivery) {
          log.warn({ file: path.relative(dir ?? '', file) }, 'preview: not a Sentry or Bugsee payload; skipped');
          continue;
        }
        const answer = await deps.ingest.handleAuthenticated(delivery, log);
        log.info({ file: path.relative(dir ?? '', file), status: answer.status, outcome: answer.body.status }, 'preview: fixture injected');
      }
      return true;
    },
  };
}
