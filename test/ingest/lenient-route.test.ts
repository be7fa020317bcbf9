/** Part 9 through the real route: a Bugsee user with no name or email is posted, not refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eventually, startService, type StoreKind, type TestService } from '../helpers/service.js';
import { readFixture, sendBugsee, subscribe } from '../helpers/deliver.js';

describe.each<StoreKind>(['redis', 'sqlite'])('Bugsee user without a name or email on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
  });
  afterAll(async () => svc?.stop());

  it.each([
    ['null', null],
    ['empty', ''],
  ])('accepts name and email %s and posts a placeholder', async (_label, value) => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId, source: 'bugsee', target: '*', kinds: ['user'] });
    const fixture = readFixture('bugsee/user.created.json') as { payload: { user: Record<string, unknown> } } & Record<string, unknown>;
    const envelope = {
      ...fixture,
      id: randomUUID(),
      payload: { ...fixture.payload, user: { ...fixture.payload.user, name: value, email: value } },
    };
    const res = await sendBugsee(svc, envelope);
    expect(res).toMatchObject({ status: 200, body: { status: 'accepted' } });
    await eventually(() => svc.slack.of('chat.postMessage', channelId).length === 1, 'the user message');
    const text = JSON.stringify(svc.slack.of('chat.postMessage', channelId)[0]?.args);
    expect(text).toContain('Unnamed user');
  });
});
