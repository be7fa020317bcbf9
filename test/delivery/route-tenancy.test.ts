/** Routing with connections: only teams that may receive the event get it, asked once per team. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { routeEvent } from '../../src/delivery/route.js';
import type { PipelineEvent } from '../../src/events.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';

const event = { source: 'sentry', kind: 'issue', routing: { org: 'acme', project: 'web' }, filters: {} } as unknown as PipelineEvent;

describe('routeEvent with mayReceive', () => {
  let dir: string;
  let store: SqliteStore;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tl-route-tenancy-'));
    store = createSqliteStore({ dataDir: dir });
    for (const [teamId, channelId, target, kinds] of [
      ['TA', 'C1', 'acme/*'],
      ['TA', 'C2', 'acme/web'],
      ['TB', 'C3', 'acme/*'],
      ['TA', 'C4', 'acme/*', ['comment']],
    ] as const) {
      await store.upsertSubscription({
        id: randomUUID(),
        teamId,
        channelId,
        source: 'sentry',
        target,
        kinds: kinds ? [...kinds] : [],
        filters: {},
        createdAt: new Date().toISOString(),
        disabled: null,
      });
    }
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the subscriptions of teams that may receive, asking once per team', async () => {
    const asked: string[] = [];
    const out = await routeEvent(store, event, undefined, undefined, async (_e, teamId) => {
      asked.push(teamId);
      return teamId === 'TA';
    });
    expect(out.ok && out.targets.map((s) => s.channelId).sort()).toEqual(['C1', 'C2']);
    expect(asked.sort()).toEqual(['TA', 'TB']);
  });

  it('has no subscriber when no team may receive', async () => {
    expect(await routeEvent(store, event, undefined, undefined, async () => false)).toEqual({ ok: false, reason: 'no_subscriber' });
    const all = await routeEvent(store, event);
    expect(all.ok && all.targets.length).toBe(3);
  });

  it("a link event derived for one channel passes the channel's kinds, never its connections", async () => {
    const link = { ...event, id: 'link-abc', kind: 'seer' } as PipelineEvent;
    const toC4 = await routeEvent(store, link, { teamId: 'TA', channelId: 'C4' });
    expect(toC4.ok && toC4.targets.map((s) => s.channelId)).toEqual(['C4']);
    // The same event from outside (not derived) is held to the channel's kinds.
    const webhook = { ...link, id: 'abc' } as PipelineEvent;
    expect(await routeEvent(store, webhook, { teamId: 'TA', channelId: 'C4' })).toEqual({ ok: false, reason: 'no_subscriber' });
    // A team that may not receive the event gets no link either.
    const denied = await routeEvent(store, link, { teamId: 'TB', channelId: 'C3' }, undefined, async (_e, teamId) => teamId === 'TA');
    expect(denied).toEqual({ ok: false, reason: 'no_subscriber' });
  });
});
