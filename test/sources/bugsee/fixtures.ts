/** Loads `fixtures/bugsee/*.json` and builds deliveries around them, as the route would. */

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RawDelivery } from '../../../src/ingest/types.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../../../fixtures/bugsee/', import.meta.url));

export interface Fixture {
  /** File name without `.json`, e.g. `build.created.ready`. */
  name: string;
  raw: Buffer;
  json: { id: string; type: string; created_on: string; payload: Record<string, unknown> };
}

export function loadFixtures(): Fixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = readFileSync(FIXTURE_DIR + file);
      return { name: file.slice(0, -'.json'.length), raw, json: JSON.parse(raw.toString('utf8')) as Fixture['json'] };
    });
}

export function fixture(name: string): Fixture {
  const found = loadFixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
}

export const RECEIVED_AT = new Date('2026-05-01T00:00:00.000Z');

export function delivery(parts: Partial<Pick<RawDelivery, 'headers' | 'query' | 'body'>> = {}): RawDelivery {
  return {
    source: 'bugsee',
    headers: parts.headers ?? { 'content-type': 'application/json' },
    query: parts.query ?? {},
    body: parts.body ?? Buffer.from('{}'),
    receivedAt: RECEIVED_AT,
  };
}
