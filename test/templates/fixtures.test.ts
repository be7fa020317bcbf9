/**
 * Every fixture payload, parsed and normalized by its source plugin, rendered by its template.
 * Snapshots are Block Kit Builder JSON (`{"blocks":[…]}`): paste one into the Builder to see it.
 *
 * Per fixture: the card from that event's own state, and its reply. Per thread: the card after
 * all of the thread's fixtures were merged (as the delivery merges them), e.g. a full Seer run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../src/events.js';
import type { NormalizeMeta, SourcePlugin } from '../../src/ingest/types.js';
import { createBugseePlugin } from '../../src/sources/bugsee/plugin.js';
import { createSentryPlugin } from '../../src/sources/sentry/plugin.js';
import { mergeState } from '../../src/store/merge.js';
import { DEFAULT_EXTRAS, renderCard, renderReply, renderStandalone } from '../../templates/index.js';
import type { RenderExtras } from '../../templates/types.js';
import { validateMessage } from '../../templates/validate.js';
import { builderJson } from './snapshot.js';

const ROOT = join(import.meta.dirname, '../../fixtures');
const META: NormalizeMeta = {
  deliveryId: 'fixture',
  receivedAt: new Date('2025-03-19T12:00:00.000Z'),
  sourceTimestamp: new Date('2025-03-19T12:00:00.000Z'),
};
/** A size history so build cards show their sparkline. */
const EXTRAS: RenderExtras = {
  ...DEFAULT_EXTRAS,
  sizeTrend: [30_100_000, 30_900_000, 31_000_000, 32_500_000, 32_400_000, 33_900_000, 34_193_408],
};

interface Fixture {
  name: string;
  type: string;
  json: unknown;
  plugin: SourcePlugin;
}

function jsonFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return jsonFiles(p);
    return n.endsWith('.json') ? [p] : [];
  });
}

function loadFixtures(): Fixture[] {
  const sentry = createSentryPlugin({ secrets: ['fixture'] });
  const bugsee = createBugseePlugin({ secret: 'fixture' });
  const out: Fixture[] = [];
  for (const file of jsonFiles(join(ROOT, 'sentry')).sort()) {
    // fixtures/sentry/<resource>/<action>[.<variant>].json
    const [resource, base] = relative(join(ROOT, 'sentry'), file).split('/');
    const action = base.replace(/\.json$/, '').split('.')[0];
    out.push({
      name: `sentry.${resource}.${base.replace(/\.json$/, '')}`,
      type: `sentry.${resource}.${action}`,
      json: JSON.parse(readFileSync(file, 'utf8')),
      plugin: sentry,
    });
  }
  for (const file of jsonFiles(join(ROOT, 'bugsee')).sort()) {
    // fixtures/bugsee/<type>[.<variant>].json, the type from the envelope
    const json = JSON.parse(readFileSync(file, 'utf8')) as { type?: string };
    out.push({
      name: `bugsee.${relative(join(ROOT, 'bugsee'), file)
        .replace(/\.json$/, '')
        .replace(/\//g, '.')}`,
      type: `bugsee.${json.type}`,
      json,
      plugin: bugsee,
    });
  }
  return out;
}

/** Fixtures meant to be refused by the schema (422 tests) are not rendered. */
const REFUSED = /\.(invalid|malformed|bad)[^/]*$/;

function normalize(f: Fixture): AnyEvent {
  const parsed = f.plugin.parse(f.type, f.json);
  if (!parsed.ok) throw new Error(`${f.name} does not parse: ${JSON.stringify(parsed.issues).slice(0, 500)}`);
  return f.plugin.normalize(f.type, parsed.payload, { ...META, deliveryId: `fixture-${f.name}` }) as AnyEvent;
}

const fixtures = loadFixtures().filter((f) => !REFUSED.test(f.name) && !f.type.startsWith('sentry.installation.'));

describe('fixtures render', () => {
  it('finds fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  const threads = new Map<string, { state: Record<string, unknown>; times: Record<string, string>; last: AnyEvent; count: number }>();

  for (const f of fixtures) {
    it(f.name, async () => {
      const event = normalize(f);
      if (event.threadKey === null) {
        const msg = renderStandalone(event, EXTRAS);
        expect(validateMessage(msg)).toEqual([]);
        await expect(builderJson(msg)).toMatchFileSnapshot(`__snapshots__/fixtures/${f.name}.json`);
        return;
      }
      const card = renderCard(event, event.state as never, EXTRAS);
      const reply = renderReply(event, event.state as never, EXTRAS);
      expect(validateMessage(card)).toEqual([]);
      if (reply) expect(validateMessage(reply)).toEqual([]);
      await expect(builderJson(card)).toMatchFileSnapshot(`__snapshots__/fixtures/${f.name}.card.json`);
      await expect(builderJson(reply)).toMatchFileSnapshot(`__snapshots__/fixtures/${f.name}.reply.json`);

      const thread = threads.get(event.threadKey) ?? { state: {}, times: {}, last: event, count: 0 };
      const merged = mergeState(thread.state, thread.times, event.state, event.time);
      threads.set(event.threadKey, { state: merged.state, times: merged.stateTimes, last: event, count: thread.count + 1 });
    });
  }

  it('threads: the card after every fixture of the thread', async () => {
    for (const [key, t] of threads) {
      if (t.count < 2) continue;
      const card = renderCard(t.last, t.state as never, EXTRAS);
      expect(validateMessage(card)).toEqual([]);
      await expect(builderJson(card)).toMatchFileSnapshot(`__snapshots__/threads/${key.replace(/[^\w.-]+/g, '_')}.json`);
    }
  });
});
