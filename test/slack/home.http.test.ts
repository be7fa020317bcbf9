import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../src/store/store.js';
import { deliveriesKey } from '../../src/slack/home.js';
import { ACTION_IDS } from '../../src/slack/requirements.js';
import { blockActionsBody, eventCallbackBody, postSigned } from '../helpers/slack.js';
import { captureViewsPublish, lockNetwork, startHarness, unlockNetwork, within, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  lockNetwork();
  h = await startHarness();
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await h.close();
  unlockNetwork();
});

function deadLetter(id: string, teamId: string): DeadLetter {
  return {
    id,
    source: 'delivery',
    reason: 'slack_5xx',
    type: 'sentry.issue.created',
    teamId,
    channelId: 'C1',
    error: { message: 'internal_error' },
    job: { eventId: `e-${id}`, channelId: 'C1' },
    createdAt: '2025-01-02T03:04:05.000Z',
  };
}

const text = (view: { blocks: unknown[] }) => JSON.stringify(view.blocks);

function homeOpened(teamId: string, user = 'U1') {
  return eventCallbackBody({ type: 'app_home_opened', user, channel: 'D1', tab: 'home' }, { teamId });
}

function retryClick(id: string, teamId: string) {
  return blockActionsBody({
    teamId,
    view: { id: 'V1', type: 'home' },
    actions: [{ type: 'button', action_id: ACTION_IDS.deadLetterRetry, value: id, text: { type: 'plain_text', text: 'Retry' } }],
  });
}

describe('App Home', () => {
  it("app_home_opened publishes the team's subscriptions, deliveries and dead letters", async () => {
    await h.store.upsertSubscription({
      id: 'home-s1',
      teamId: 'THOME',
      channelId: 'C1',
      source: 'sentry',
      target: 'acme/web',
      kinds: ['issue'],
      filters: { level: 'error' },
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    await h.store.upsertSubscription({
      id: 'home-s2',
      teamId: 'THOME',
      channelId: 'C2',
      source: 'bugsee',
      target: 'IOS',
      kinds: [],
      filters: {},
      createdAt: '2025-01-01T00:00:00.000Z',
      disabled: { reason: 'channel_not_found', at: '2025-01-05T00:00:00.000Z' },
    });
    await h.store.upsertSubscription({
      id: 'home-other',
      teamId: 'TOTHERHOME',
      channelId: 'C1',
      source: 'sentry',
      target: 'secret/project',
      kinds: [],
      filters: {},
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    await h.store.pushCapped(
      deliveriesKey('THOME'),
      { at: '2025-01-03T00:00:00.000Z', type: 'sentry.issue.created', channelId: 'C1', status: 'posted' },
      20,
    );
    await h.store.addDeadLetter(deadLetter('home-dl1', 'THOME'));
    await h.store.addDeadLetter(deadLetter('home-dl-other', 'TOTHERHOME'));

    const published = captureViewsPublish();
    const res = await postSigned(`${h.url}/slack/events`, homeOpened('THOME', 'U42'));
    expect(res.status).toBe(200);
    const call = await within(published, 'views.publish');

    expect(call.user_id).toBe('U42');
    expect(call.view.type).toBe('home');
    const t = text(call.view);
    expect(t).toContain('*Sentry* `acme/web` — issue · `--level=error`');
    expect(t).toContain('⛔ disabled: channel_not_found');
    expect(t).toContain('✅ posted `sentry.issue.created` → <#C1>');
    expect(t).not.toContain('secret/project');
    const buttons = call.view.blocks.filter((b) => b.accessory?.action_id === ACTION_IDS.deadLetterRetry);
    expect(buttons.map((b) => b.accessory.value)).toEqual(['home-dl1']);
    // The counts against the caps (store-wide) sit under the header.
    expect(t).toMatch(/Failed deliveries: [1-9]\d* of 10,000 · Rejected webhooks: \d+ of 10,000 \([\d.]+ MiB of 256 MiB\) · kept 30 days/);
  });

  it('Retry requeues the dead letter through the dependency and republishes the home view', async () => {
    await h.store.addDeadLetter(deadLetter('retry-dl1', 'TRETRY'));
    const published = captureViewsPublish();

    const res = await postSigned(`${h.url}/slack/events`, retryClick('retry-dl1', 'TRETRY'));
    expect(res.status).toBe(200);
    const call = await within(published, 'views.publish after Retry');

    expect(h.requeued).toContainEqual({ id: 'retry-dl1', teamId: 'TRETRY' });
    expect(call.user_id).toBe('U1');
    expect(text(call.view)).toContain('🔁 Requeued');
    expect(text(call.view)).not.toContain('retry-dl1');
    expect(await h.store.getDeadLetter('retry-dl1')).toBeNull();
  });

  it("a click on another team's dead letter requeues nothing", async () => {
    await h.store.addDeadLetter(deadLetter('victim-dl', 'TVICTIM'));
    const published = captureViewsPublish();

    await postSigned(`${h.url}/slack/events`, retryClick('victim-dl', 'TATTACKER'));
    const call = await within(published, 'views.publish after a foreign Retry');

    expect(h.requeued.map((r) => r.id)).not.toContain('victim-dl');
    expect(await h.store.getDeadLetter('victim-dl')).not.toBeNull();
    expect(text(call.view)).toContain('no longer there');
  });

  it('a failed requeue keeps the dead letter and says so', async () => {
    const failing = await startHarness({
      requeueDeadLetter: async () => {
        throw new Error('queue down');
      },
    });
    try {
      await failing.store.addDeadLetter(deadLetter('fail-dl', 'TFAIL'));
      const published = captureViewsPublish();
      await postSigned(`${failing.url}/slack/events`, retryClick('fail-dl', 'TFAIL'));
      const call = await within(published, 'views.publish after a failed Retry');
      expect(text(call.view)).toContain('Retry failed');
      const buttons = call.view.blocks.filter((b) => b.accessory?.action_id === ACTION_IDS.deadLetterRetry);
      expect(buttons.map((b) => b.accessory.value)).toEqual(['fail-dl']);
    } finally {
      await failing.close();
    }
  });

  it('rejects an unsigned Retry click with 401', async () => {
    await h.store.addDeadLetter(deadLetter('unsigned-dl', 'TUNSIGNED'));
    const res = await postSigned(`${h.url}/slack/events`, retryClick('unsigned-dl', 'TUNSIGNED'), { unsigned: true });
    expect(res.status).toBe(401);
    expect(h.requeued.map((r) => r.id)).not.toContain('unsigned-dl');
  });
});
