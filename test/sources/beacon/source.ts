/**
 * Beacon: a source that exists only in tests, to prove that a new source is a folder. Nothing in
 * `src/` names it: it is handed to `composeThreadline({ sources })` beside the built-in ones, and
 * goes end to end with the core as it is (signed delivery → normalize → route → threaded post).
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { IngestError, type NormalizeMeta, type RawDelivery, type SourcePlugin } from '../../../src/ingest/types.js';
import type { SourceDefinition } from '../../../src/sources/index.js';
import type { SourceConnection } from '../../../src/sources/kit/connection.js';
import { buildEvent, compact, links } from '../../../src/sources/kit/normalize.js';
import { eventTable, identifyIn, normalizeWith, parseWith } from '../../../src/sources/kit/table.js';
import { escapeMrkdwn } from '../../../src/sources/kit/text.js';
import { md, message, section } from '../../../templates/blocks.js';
import type { SlackMessage } from '../../../templates/types.js';

export const BEACON_SECRET = 'beacon-test-secret';

interface IncidentState {
  incidentId: string;
  title?: string;
  component?: string;
  status?: string;
}
interface BeaconSubjects {
  'beacon.incident': { state: IncidentState; detail: { note?: string } };
}

const incidentSchema = z.looseObject({
  event: z.string(),
  incident: z.looseObject({ id: z.string().min(1), title: z.string().nullish(), component: z.string().min(1), url: z.string().nullish() }),
  note: z.string().nullish(),
  at: z.string().nullish(),
});

type IncidentType = 'beacon.incident.opened' | 'beacon.incident.resolved';

function normalizeIncident<T extends IncidentType>(type: T, p: z.output<typeof incidentSchema>, meta: NormalizeMeta) {
  const status = type === 'beacon.incident.opened' ? 'open' : 'resolved';
  return buildEvent(type, meta, {
    subjectId: p.incident.id,
    threadKey: `beacon:incident:${p.incident.id}`,
    routing: { component: p.incident.component },
    time: p.at ?? meta.receivedAt.toISOString(),
    actor: null,
    title: p.incident.title ?? `Incident ${p.incident.id}`,
    links: links(['Open incident', p.incident.url]),
    state: compact({ incidentId: p.incident.id, title: p.incident.title ?? undefined, component: p.incident.component, status }),
    detail: compact({ note: p.note ?? undefined }),
  });
}

const incident = { schema: incidentSchema, normalize: normalizeIncident, subject: 'beacon.incident', kind: 'incident' } as const;

export const BEACON_EVENTS = eventTable<BeaconSubjects>()({
  'beacon.incident.opened': incident,
  'beacon.incident.resolved': incident,
});

function createBeaconPlugin(secret: string): SourcePlugin {
  return {
    source: 'beacon',
    authenticate(delivery: RawDelivery) {
      const given = delivery.headers['x-beacon-signature'] ?? '';
      if (!given) throw new IngestError('bad_signature', 401, undefined, 'missing');
      const expected = createHmac('sha256', secret).update(delivery.body).digest('hex');
      const ok = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      if (!ok) throw new IngestError('bad_signature', 401, undefined, 'mismatch');
    },
    identify(_delivery, json) {
      const name = (json as { event?: unknown }).event;
      if (typeof name !== 'string' || name === '') throw new IngestError('missing_type', 400);
      return identifyIn(BEACON_EVENTS, `beacon.${name}`);
    },
    deliveryId: (delivery) => delivery.headers['x-beacon-delivery'] || undefined,
    sourceTimestamp: () => undefined,
    parse: (type, json) => parseWith(BEACON_EVENTS, type, json),
    normalize: (type, payload, meta) => normalizeWith(BEACON_EVENTS, type, payload, meta),
  };
}

interface Input {
  event: { type: string; title: string };
  state: Partial<IncidentState>;
}

const beaconTemplate = {
  card: ({ event, state }: Input): SlackMessage => {
    const icon = state.status === 'resolved' ? '✅' : '🚨';
    return message(md`${icon} Incident on ${state.component ?? '?'}: ${event.title}`, [
      section(md`${icon} *${event.title}* (${state.status ?? 'open'})`),
    ]);
  },
  reply: ({ event, state }: Input): SlackMessage =>
    message(md`Incident ${state.status ?? ''}`, [
      section(md`${event.type === 'beacon.incident.resolved' ? 'Resolved' : 'Opened'}: ${event.title}`),
    ]),
};

/**
 * A team connects a component (`/threadline connect beacon api`); with many workspaces it may then
 * subscribe to it and receive its incidents. Nothing to click, so no click is refused.
 */
const beaconConnection: SourceConnection = {
  async connect(ctx, req) {
    const component = req.args[0];
    if (!component || !/^[a-z0-9-]+$/.test(component))
      return '⚠️ `connect beacon` needs a component, e.g. `/threadline connect beacon api`.';
    await ctx.store.putConnection({
      source: 'beacon',
      teamId: req.teamId,
      key: component,
      label: component,
      createdBy: req.userId,
      createdAt: new Date(ctx.now()).toISOString(),
    });
    return `✅ Connected: this workspace now gets Beacon incidents of \`${component}\`.`;
  },
  async disconnect(ctx, req) {
    const removed = await ctx.store.deleteConnections({
      source: 'beacon',
      teamId: req.teamId,
      ...(req.args[0] ? { key: req.args[0] } : {}),
    });
    return removed ? '🗑️ Disconnected from Beacon.' : 'Nothing to disconnect.';
  },
  async describe(ctx, teamId) {
    const rows = await ctx.store.listConnections({ source: 'beacon', teamId });
    return rows.map((r) => `• *Beacon* \`${escapeMrkdwn(r.label)}\``);
  },
  async covers(ctx, teamId, target) {
    const rows = await ctx.store.listConnections({ source: 'beacon', teamId });
    return target === '*' ? rows.length > 0 : rows.some((r) => r.key === target);
  },
  howTo: (target) => `Connect it first: \`/threadline connect beacon ${escapeMrkdwn(target)}\`.`,
  async receives(ctx, event, teamId) {
    const component = event.routing.component;
    if (typeof component !== 'string') return false;
    return (await ctx.store.listConnections({ source: 'beacon', teamId, key: component })).length > 0;
  },
  refuseClick: async () => null,
};

export const beaconSource: SourceDefinition = {
  name: 'beacon',
  label: 'Beacon',
  events: BEACON_EVENTS,
  kinds: ['incident'],
  credential: { variable: 'BEACON_SECRET', hint: 'check BEACON_SECRET', headers: ['x-beacon-signature'] },
  plugin: () => createBeaconPlugin(BEACON_SECRET),
  targets: (event) => {
    const component = event.routing.component;
    return typeof component === 'string' ? [component, '*'] : null;
  },
  maybeEcho: () => false,
  subscription: {
    noun: 'a component',
    placeholder: '<component>',
    target: z.string().regex(/^(\*|[a-z0-9-]+)$/, 'must be a component name'),
    describe: (t) => `*Beacon* \`${escapeMrkdwn(t)}\``,
    help: ['• `/threadline subscribe beacon <component> [kinds…]`: incidents of one component, or `*` for all.'],
  },
  templates: { 'beacon.incident.opened': beaconTemplate, 'beacon.incident.resolved': beaconTemplate },
  connection: beaconConnection,
};

export function signBeacon(body: string): string {
  return createHmac('sha256', BEACON_SECRET).update(body).digest('hex');
}
