import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/slack/command-parse.js';
import { SOURCES } from '../../../src/sources/index.js';
import { startService, type StoreKind, type TestService } from '../../helpers/service.js';
import { waitFor } from '../../helpers/slack.js';
import { command, startMultiWorkspace, TEAMS } from '../../connections/helpers.js';
import { beaconSource, signBeacon } from './source.js';

const sources = [...SOURCES, beaconSource];

async function deliver(svc: TestService, body: object, headers: Record<string, string> = {}) {
  const raw = JSON.stringify(body);
  return fetch(`${svc.url}/webhooks/beacon`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-beacon-signature': signBeacon(raw), ...headers },
    body: raw,
  });
}

describe.each<StoreKind>(['sqlite', 'redis'])('a third source, added from outside src/ (%s)', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind, {}, { sources });
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('subscribes through the generic parser, and a signed delivery becomes a threaded post', async () => {
    const parsed = parseCommand('subscribe beacon api incident', sources);
    expect(parsed).toMatchObject({ ok: true, command: { verb: 'subscribe', source: 'beacon', target: 'api', kinds: ['incident'] } });
    if (!parsed.ok || parsed.command.verb !== 'subscribe') throw new Error('unreachable');
    const { source, target, kinds, filters } = parsed.command;
    await svc.t.store.upsertSubscription({
      id: 'sub-beacon',
      teamId: 'T1',
      channelId: 'CBEACON',
      source,
      target,
      kinds,
      filters,
      createdAt: new Date().toISOString(),
    });

    const opened = { event: 'incident.opened', incident: { id: 'inc-1', title: 'API is down', component: 'api' } };
    const first = await deliver(svc, opened, { 'x-beacon-delivery': `d1-${kind}` });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'accepted', type: 'beacon.incident.opened' });

    const parent = await waitFor(() => svc.slack.of('chat.postMessage', 'CBEACON')[0]);
    expect(String(parent.args.text)).toContain('API is down');
    expect(parent.args.thread_ts).toBeUndefined();

    const resolved = { event: 'incident.resolved', incident: { id: 'inc-1', title: 'API is down', component: 'api' }, note: 'rolled back' };
    expect((await deliver(svc, resolved, { 'x-beacon-delivery': `d2-${kind}` })).status).toBe(200);
    await waitFor(() => svc.slack.of('chat.update', 'CBEACON').length > 0);
    const posts = svc.slack.of('chat.postMessage', 'CBEACON');
    expect(posts).toHaveLength(2);
    const ts = (await svc.t.store.getThread('T1', 'CBEACON', 'beacon:incident:inc-1'))?.ts;
    expect(ts).toBeTruthy();
    expect(posts[1]?.args.thread_ts).toBe(ts);
    expect(JSON.stringify(svc.slack.of('chat.update', 'CBEACON').at(-1)?.args.blocks)).toContain('resolved');
  });

  it('answers 401 with the source credential problem, 202 for an unknown event, 422 for a bad body', async () => {
    const raw = JSON.stringify({ event: 'incident.opened' });
    const unsigned = await fetch(`${svc.url}/webhooks/beacon`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect(unsigned.status).toBe(401);
    expect((await deliver(svc, { event: 'incident.merged' })).status).toBe(202);
    expect((await deliver(svc, { event: 'incident.opened', incident: {} })).status).toBe(422);
  });
});

describe.each<StoreKind>(['sqlite', 'redis'])('the third source with many workspaces: its connection decides (%s)', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    svc = await startMultiWorkspace(kind, {}, { sources });
  });
  afterAll(async () => {
    await svc?.stop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('a team subscribes and receives only what it connected; the other is refused and gets nothing', async () => {
    const { A, B } = TEAMS;
    expect(await command(svc, B, 'subscribe beacon api')).toMatch(/connect beacon api/);
    expect(await command(svc, A, 'connect beacon api')).toContain('Connected');
    expect(await command(svc, A, 'subscribe beacon api')).toContain('Subscribed');
    // B's subscription from before the connections existed: kept, but it receives nothing.
    await svc.t.store.upsertSubscription({
      id: 'old-b',
      teamId: B.id,
      channelId: B.channel,
      source: 'beacon',
      target: 'api',
      kinds: [],
      filters: {},
      createdAt: new Date().toISOString(),
    });
    expect(await command(svc, A, 'list')).toContain('*Beacon* `api`');

    const opened = { event: 'incident.opened', incident: { id: `inc-${kind}`, title: 'API is down', component: 'api' } };
    expect((await deliver(svc, opened, { 'x-beacon-delivery': `mw-${kind}` })).status).toBe(200);
    await waitFor(() => svc.slack.of('chat.postMessage', A.channel).length > 0);
    // Give a wrong delivery to B every chance to happen before looking.
    await waitFor(async () => (await svc.t.store.getThread(A.id, A.channel, `beacon:incident:inc-${kind}`))?.ts);
    expect(svc.slack.of('chat.postMessage', B.channel)).toHaveLength(0);
  });
});
