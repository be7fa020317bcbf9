/**
 * With several workspaces, the alert-rule action's channel list and its validation see only the
 * teams connected to the installation the request names (a signed GET vouches for no query
 * parameter, so `installationId` is a claim), and an alert reaches a chosen channel only in a team
 * connected to its org.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, SENTRY_SECRET, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry } from '../helpers/deliver.js';
import { sentrySignature } from '../helpers/signing.js';
import { startMultiWorkspace, TEAMS } from './helpers.js';

const UUID_A = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';
const UUID_B = randomUUID();

async function options(svc: TestService, installationId: string) {
  const res = await fetch(`${svc.url}/sentry/options/channels?installationId=${installationId}`, {
    headers: { 'sentry-app-signature': sentrySignature('', SENTRY_SECRET) },
  });
  return { status: res.status, body: await res.json() };
}

async function validate(svc: TestService, channel: string, installationId: string) {
  const body = JSON.stringify({ fields: [{ name: 'channel', value: channel }], installationId });
  const res = await fetch(`${svc.url}/sentry/alert-rule-action`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'sentry-app-signature': sentrySignature(body, SENTRY_SECRET) },
  });
  return { status: res.status, body: (await res.json()) as { message?: string } };
}

describe.each<StoreKind>(['redis', 'sqlite'])('alert-rule action with several workspaces on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startMultiWorkspace(kind);
    await installSentry(svc, 'acme', UUID_A);
    const now = new Date().toISOString();
    await svc.t.store.putConnection({
      source: 'sentry',
      teamId: TEAMS.A.id,
      key: 'acme',
      label: 'acme',
      data: { installationUuid: UUID_A },
      createdAt: now,
    });
    await svc.t.store.putConnection({
      source: 'sentry',
      teamId: TEAMS.B.id,
      key: 'globex',
      label: 'globex',
      data: { installationUuid: UUID_B },
      createdAt: now,
    });
    // Each team's bot sees its own channels (the fake tells teams apart by bot token).
    svc.slack.answer = (call) => {
      const team = call.token === `xoxb-${TEAMS.A.id}` ? 'A' : call.token === `xoxb-${TEAMS.B.id}` ? 'B' : undefined;
      if (!team) return undefined;
      const channels = [{ id: `C${team}ALERTS`, name: `${team.toLowerCase()}-alerts`, is_member: true, is_private: false }];
      if (call.method === 'conversations.list') return { channels };
      if (call.method === 'conversations.info') return { channel: channels.find((c) => c.id === call.args.channel) ?? channels[0] };
      return undefined;
    };
  });
  afterAll(async () => svc?.stop());

  it('lists only the channels of the teams connected to the installation named; none for an unknown one', async () => {
    expect(await options(svc, UUID_A)).toEqual({ status: 200, body: [{ label: '#a-alerts', value: `${TEAMS.A.id}:CAALERTS` }] });
    expect(await options(svc, UUID_B)).toEqual({ status: 200, body: [{ label: '#b-alerts', value: `${TEAMS.B.id}:CBALERTS` }] });
    expect(await options(svc, randomUUID())).toEqual({ status: 200, body: [] });
  });

  it('refuses a channel of a team not connected to the installation, and a bare channel id', async () => {
    expect((await validate(svc, `${TEAMS.A.id}:CAALERTS`, UUID_A)).status).toBe(200);
    const other = await validate(svc, `${TEAMS.B.id}:CBALERTS`, UUID_A);
    expect(other.status).toBe(400);
    expect(other.body.message).toContain('not connected');
    const bare = await validate(svc, 'CAALERTS', UUID_A);
    expect(bare.status).toBe(400);
    expect(bare.body.message).toContain('Choose the channel from the list');
  });

  it("delivers an alert to a chosen channel only in a team connected to the alert's org", async () => {
    const groupId = randomInt(1e9, 2e9);
    const p = readFixture('sentry/event_alert/triggered.threadline.json') as { data: Record<string, unknown> } & Record<string, unknown>;
    const data = p.data as { event: Record<string, unknown>; issue_alert: Record<string, unknown> };
    const settings = [{ name: 'channel', value: `${TEAMS.A.id}:CAALERTS` }];
    const forB = [{ name: 'channel', value: `${TEAMS.B.id}:CBALERTS` }];
    const event = { ...data.event, issue_id: String(groupId) };
    // The org is acme (TA's); one alert names TB's channel, which TB may not receive.
    expect(
      (await sendSentry(svc, 'event_alert', { ...p, data: { ...data, event, issue_alert: { ...data.issue_alert, settings: forB } } }))
        .status,
    ).toBe(200);
    expect(
      (
        await sendSentry(svc, 'event_alert', {
          ...p,
          data: { ...data, event: { ...event, issue_id: String(groupId + 1) }, issue_alert: { ...data.issue_alert, settings } },
        })
      ).status,
    ).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'CAALERTS').length === 1, 'the alert in the connected team');
    expect(await svc.t.queue.drained(10_000)).toBe(true);
    expect(svc.slack.of('chat.postMessage', 'CBALERTS')).toHaveLength(0);
  });
});
