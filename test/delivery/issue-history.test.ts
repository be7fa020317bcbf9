/**
 * The issue card's history line through the real webhook route, on both stores: each lifecycle
 * event adds its step, a late event slots in by its time, and a redelivery adds nothing.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import { sentryThreadKeys } from '../../src/sources/sentry/subjects.js';

type Payload = { data: Record<string, unknown> } & Record<string, unknown>;

function issue(file: string, groupId: number): Payload {
  const p = readFixture(`sentry/issue/${file}`) as Payload;
  const data = p.data as { issue: Record<string, unknown> };
  return { ...p, data: { ...data, issue: { ...data.issue, id: String(groupId) } } };
}

/** The history line of the newest card (the last chat.update, else the parent). */
function historyOf(svc: TestService, channelId: string): string | undefined {
  const calls = [...svc.slack.of('chat.postMessage', channelId).slice(0, 1), ...svc.slack.of('chat.update', channelId)];
  const raw = calls[calls.length - 1]?.args.blocks;
  const blocks = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { type: string; elements?: { text?: string }[] }[];
  return blocks.flatMap((b) => (b.type === 'context' ? (b.elements ?? []) : [])).find((e) => e.text?.startsWith('🕒'))?.text;
}

describe.each<StoreKind>(['redis', 'sqlite'])('issue history on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
    await installSentry(svc);
  });
  afterAll(async () => svc?.stop());

  it('new → resolved by Jane Doe → regressed, with the resolve arriving last and a redelivery', async () => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId, source: 'sentry', target: 'acme/*' });
    const groupId = randomInt(1e9, 2e9);
    const now = Math.floor(Date.now() / 1000);
    const send = async (file: string, timestamp: number, requestId = randomUUID()) =>
      expect((await sendSentry(svc, 'issue', issue(file, groupId), { timestamp, requestId })).status).toBe(200);
    await send('created.json', now - 120);
    await eventually(() => svc.slack.of('chat.postMessage', channelId).length === 1, 'the parent');
    await send('unresolved.json', now);
    await eventually(() => svc.slack.of('chat.update', channelId).length === 1, 'the regression');
    // Sentry's late delivery of the resolve that came in between.
    const late = randomUUID();
    await send('resolved.json', now - 60, late);
    await eventually(() => svc.slack.of('chat.update', channelId).length === 2, 'the late resolve');
    expect(historyOf(svc, channelId)).toBe('🕒 new → resolved by Jane Doe → regressed');
    // The same delivery again is a duplicate: nothing changes.
    expect((await sendSentry(svc, 'issue', issue('resolved.json', groupId), { timestamp: now - 60, requestId: late })).body).toMatchObject({
      status: 'duplicate',
    });
    const rec = await svc.t.store.getThread('T1', channelId, sentryThreadKeys.issue(String(groupId)));
    expect(Object.keys((rec?.state.statusHistory as object) ?? {})).toHaveLength(3);
  });
});
