/** Loads fixtures/sentry/<resource>/<action>[.<variant>].json with the type each one is. */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SentryEventType } from '../../../src/sources/sentry/events.js';
import type { NormalizeMeta } from '../../../src/ingest/types.js';

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
