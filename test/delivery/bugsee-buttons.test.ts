/**
 * Honest Bugsee buttons: Bugsee publishes no write API, so close/reopen/reply appear only when
 * BUGSEE_API_TOKEN is set; otherwise the card links to Bugsee. Through the real webhook route and
 * delivery, on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eventually, startService, type StoreKind, type TestService } from '../helpers/service.js';
import { readFixture, sendBugsee, subscribe } from '../helpers/deliver.js';

type Element = { action_id?: string; url?: string };
const elements = (args: Record<string, unknown>) =>
  ((args.blocks ?? []) as { type: string; elements?: Element[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

async function deliver(svc: TestService, fixture: string): Promise<Element[]> {
  const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
  const env = readFixture(fixture) as { payload: { app: { key: string } } } & Record<string, unknown>;
  const appKey = `APP${randomUUID().slice(0, 6).toUpperCase()}`;
  await subscribe(svc, { channelId, source: 'bugsee', target: appKey });
  const body = { ...env, id: randomUUID(), payload: { ...env.payload, app: { ...env.payload.app, key: appKey } } };
  expect((await sendBugsee(svc, body)).status).toBe(200);
  await eventually(() => svc.slack.of('chat.postMessage', channelId).length > 0, 'the card');
  return elements(svc.slack.of('chat.postMessage', channelId)[0]?.args ?? {});
}

describe.each<StoreKind>(['redis', 'sqlite'])('Bugsee buttons on %s', (kind) => {
  describe('without BUGSEE_API_TOKEN', () => {
    let svc: TestService;
    beforeAll(async () => {
      svc = await startService(kind);
    });
    afterAll(async () => svc?.stop());

    it('an issue card links to the issue and offers no close button', async () => {
      const els = await deliver(svc, 'bugsee/issue.created.json');
      expect(els.map((e) => e.action_id)).toEqual(['link.bugsee.issue.open']);
      expect(els[0]?.url).toMatch(/^https:\/\/app\.bugsee\.com\//);
    });

    it('a closed issue offers no Reopen button either', async () => {
      const els = await deliver(svc, 'bugsee/issue.closed.json');
      expect(els.map((e) => e.action_id)).not.toContain('bugsee.issue.reopen');
    });

    it('a feedback card links to Bugsee instead of a reply button', async () => {
      const els = await deliver(svc, 'bugsee/feedback.message.in.json');
      expect(els.map((e) => e.action_id)).toEqual(['link.bugsee.feedback.open']);
    });
  });

  describe('with BUGSEE_API_TOKEN', () => {
    let svc: TestService;
    beforeAll(async () => {
      svc = await startService(kind, { BUGSEE_API_TOKEN: 'bugsee-api-token' });
    });
    afterAll(async () => svc?.stop());

    it('an issue card offers Close', async () => {
      const els = await deliver(svc, 'bugsee/issue.created.json');
      expect(els.map((e) => e.action_id)).toEqual(['link.bugsee.issue.open', 'bugsee.issue.close']);
    });

    it('a feedback card offers Reply', async () => {
      const els = await deliver(svc, 'bugsee/feedback.message.in.json');
      expect(els.map((e) => e.action_id)).toEqual(['bugsee.feedback.reply']);
    });
  });
});
