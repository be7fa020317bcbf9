/**
 * Type tests: `npm test` typechecks this file, so each `@ts-expect-error` below must meet an error.
 * They prove that a new event type is table rows, a template and a fixture, and that a missing or
 * mismatched piece does not compile.
 */

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DeliverableEventType } from '../../../src/events.js';
import type { NormalizeMeta } from '../../../src/ingest/types.js';
import { buildEvent } from '../../../src/sources/kit/normalize.js';
import { eventTable } from '../../../src/sources/kit/table.js';
import type { Template, TemplateTable } from '../../../templates/types.js';

interface Subjects {
  'demo.thing': { state: { thingId: string; colour?: string }; detail: { note?: string } };
}

const thingSchema = z.looseObject({ thing: z.looseObject({ id: z.string(), colour: z.string().nullish() }) });
const otherSchema = z.looseObject({ other: z.number() });

function normalizeThing<T extends 'demo.thing.created' | 'demo.thing.painted'>(
  type: T,
  p: z.output<typeof thingSchema>,
  meta: NormalizeMeta,
) {
  return buildEvent(type, meta, {
    subjectId: p.thing.id,
    threadKey: `demo:thing:${p.thing.id}`,
    routing: {},
    time: meta.receivedAt.toISOString(),
    actor: null,
    title: `Thing ${p.thing.id}`,
    state: { thingId: p.thing.id, colour: p.thing.colour ?? undefined },
    detail: {},
  });
}

const define = eventTable<Subjects>();

describe('event tables', () => {
  it('accept rows whose normalizer takes what the schema outputs', () => {
    const table = define({
      'demo.thing.created': { schema: thingSchema, normalize: normalizeThing, subject: 'demo.thing', kind: 'thing' },
      'demo.thing.painted': { schema: thingSchema, normalize: normalizeThing, subject: 'demo.thing', kind: 'thing' },
    });
    expect(Object.keys(table)).toEqual(['demo.thing.created', 'demo.thing.painted']);
  });

  it('refuse a missing schema, a missing normalizer, a mismatched payload, type or subject', () => {
    define({
      // @ts-expect-error a row without a schema
      'demo.thing.created': { normalize: normalizeThing, subject: 'demo.thing', kind: 'thing' },
    });
    define({
      // @ts-expect-error a row without a normalizer
      'demo.thing.created': { schema: thingSchema, subject: 'demo.thing', kind: 'thing' },
    });
    define({
      // @ts-expect-error the normalizer does not take what this schema outputs
      'demo.thing.created': { schema: otherSchema, normalize: normalizeThing, subject: 'demo.thing', kind: 'thing' },
    });
    define({
      // @ts-expect-error the normalizer cannot produce this event type
      'demo.thing.deleted': { schema: thingSchema, normalize: normalizeThing, subject: 'demo.thing', kind: 'thing' },
    });
    define({
      // @ts-expect-error not a subject of this source
      'demo.thing.created': { schema: thingSchema, normalize: normalizeThing, subject: 'demo.widget', kind: 'thing' },
    });
    expect(true).toBe(true);
  });
});

describe('the template table', () => {
  it('must name a template for every deliverable event type of every source', () => {
    type Missing = Omit<TemplateTable, 'sentry.issue.created'>;
    const partial = {} as Missing;
    // @ts-expect-error `sentry.issue.created` has no template
    const full: TemplateTable = partial;
    // A template of the wrong subject does not fit either.
    const wrong = {} as Template<'bugsee.build'>;
    // @ts-expect-error a Bugsee build template for a Sentry issue event
    const mismatched: Pick<TemplateTable, 'sentry.issue.created'> = { 'sentry.issue.created': wrong };
    const deliverable: DeliverableEventType = 'sentry.issue.created';
    // @ts-expect-error installation events never reach a channel, so they need no template
    const internal: DeliverableEventType = 'sentry.installation.created';
    expect([full, mismatched, deliverable, internal]).toHaveLength(4);
  });
});
