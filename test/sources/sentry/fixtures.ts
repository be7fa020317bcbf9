/** Loads fixtures/sentry/<resource>/<action>[.<variant>].json with the type each one is. */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SentryEventType } from '../../../src/sources/sentry/events.js';
import type { AnyEvent } from '../../../src/events.js';
import type { NormalizeMeta } from '../../../src/ingest/types.js';
import { normalizeKnown } from '../../../src/sources/catalog.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/sentry');

export interface SentryFixture {
  /** `<resource>/<file>` */
  name: string;
  resource: string;
  type: SentryEventType;
  body: Buffer;
  json: Record<string, unknown>;
}

export function sentryFixtures(): SentryFixture[] {
  const out: SentryFixture[] = [];
  for (const resource of readdirSync(FIXTURES).sort()) {
    for (const file of readdirSync(path.join(FIXTURES, resource)).sort()) {
      if (!file.endsWith('.json')) continue;
      const body = readFileSync(path.join(FIXTURES, resource, file));
      const action = file.split('.')[0];
      out.push({
        name: `${resource}/${file}`,
        resource,
        type: `sentry.${resource}.${action}` as SentryEventType,
        body,
        json: JSON.parse(body.toString('utf8')),
      });
    }
  }
  return out;
}

export function fixture(name: string): SentryFixture {
  const f = sentryFixtures().find((x) => x.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f;
}

/** Fixed meta so snapshots are stable. */
export const META: NormalizeMeta = {
  deliveryId: 'fixture',
  receivedAt: new Date('2025-03-19T12:00:00.000Z'),
};

export const META_WITH_TIMESTAMP: NormalizeMeta = { ...META, sourceTimestamp: new Date('2025-03-19T12:45:30.000Z') };

/** A fixture normalized as ingest would, after `patch` edits a copy of its JSON. */
export function fixtureEvent(name: string, patch?: (json: Record<string, any>) => void): AnyEvent {
  const f = fixture(name);
  const json = JSON.parse(JSON.stringify(f.json)) as Record<string, any>;
  patch?.(json);
  return normalizeKnown(f.type, json, META);
}
