import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../src/store/store.js';
import { subscription } from '../helpers/subscription.js';
import { buildHomeView, MAX_BLOCKS, MAX_TEXT, type DeliveryEntry } from '../../src/slack/home-view.js';
import { ACTION_IDS } from '../../src/slack/requirements.js';

const sub = subscription;

function dl(over: Partial<DeadLetter>): DeadLetter {
  return {
    id: 'dl1',
    source: 'delivery',
    reason: 'slack_5xx',
    type: 'sentry.issue.created',
    teamId: 'T1',
    channelId: 'C1',
    error: { message: 'internal_error' },
    job: { eventId: 'e1' },
    createdAt: '2025-01-02T03:04:05.000Z',
    ...over,
  };
}

type AnyBlock = Record<string, any>;
const blocksOf = (view: ReturnType<typeof buildHomeView>) => view.blocks as AnyBlock[];
const allText = (view: ReturnType<typeof buildHomeView>) => JSON.stringify(view.blocks);

describe('buildHomeView', () => {
  it('is a home view with the three sections, and says so when they are empty', () => {
    const view = buildHomeView({ subscriptions: [], deliveries: [], deadLetters: [] });
    expect(view.type).toBe('home');
    const headers = blocksOf(view)
      .filter((b) => b.type === 'header')
      .map((b) => b.text.text);
    expect(headers).toEqual(['Threadline', 'Subscriptions', 'Recent deliveries', 'Dead letters']);
    const text = allText(view);
    expect(text).toContain('No subscriptions yet');
    expect(text).toContain('Nothing delivered yet');
    expect(text).toContain('No dead letters');
    expect(text).not.toContain(ACTION_IDS.deadLetterRetry);
  });

  it('groups subscriptions by channel with kinds, filters and disabled reasons', () => {
    const view = buildHomeView({
      subscriptions: [
        sub({ id: 'a', channelId: 'C2', target: 'acme/*', kinds: ['issue', 'seer'], filters: { level: 'error' } }),
        sub({ id: 'b', channelId: 'C1', source: 'bugsee', target: 'IOS' }),
        sub({ id: 'c', channelId: 'C2', target: 'acme/api', disabled: { reason: 'channel_not_found', at: '2025-01-03T00:00:00.000Z' } }),
      ],
      deliveries: [],
      deadLetters: [],
    });
    const sections = blocksOf(view).filter((b) => b.type === 'section' && String(b.text.text).startsWith('<#'));
    expect(sections.map((s) => s.text.text.split('\n')[0])).toEqual(['<#C1>', '<#C2>']);
    const c2 = sections[1].text.text as string;
    expect(c2).toContain('`acme/*` (every project) — issue, seer · `--level=error`');
    expect(c2).toContain('`acme/api` — all kinds');
    expect(c2).toContain('⛔ disabled: channel_not_found');
    expect(sections[0].text.text).toContain('*Bugsee* `IOS`');
  });

  it('lists the deliveries with status, type, channel and time', () => {
    const deliveries: DeliveryEntry[] = [
      { at: '2025-01-02T00:00:00.000Z', type: 'sentry.issue.created', channelId: 'C1', status: 'posted' },
      { at: '2025-01-02T00:01:00.000Z', type: 'bugsee.issue.updated', channelId: 'C2', status: 'failed', error: 'ratelimited <script>' },
    ];
    const text = allText(buildHomeView({ subscriptions: [], deliveries, deadLetters: [] }));
    expect(text).toContain('✅ posted `sentry.issue.created` → <#C1>');
    expect(text).toContain('⚠️ failed `bugsee.issue.updated` → <#C2>');
    expect(text).toContain(`<!date^${Date.parse('2025-01-02T00:00:00.000Z') / 1000}^`);
    expect(text).toContain('ratelimited &lt;script&gt;');
  });

  it('gives each requeueable dead letter a Retry button carrying its id', () => {
    const view = buildHomeView({
      subscriptions: [],
      deliveries: [],
      deadLetters: [dl({ id: 'dl-1' }), dl({ id: 'dl-2', job: undefined, reason: 'schema', error: 'bad payload' })],
    });
    const withButton = blocksOf(view).filter((b) => b.accessory?.action_id === ACTION_IDS.deadLetterRetry);
    expect(withButton).toHaveLength(1);
    expect(withButton[0].accessory.value).toBe('dl-1');
    expect(withButton[0].accessory.text.text).toBe('Retry');
    expect(withButton[0].text.text).toContain('*slack_5xx* `sentry.issue.created` → <#C1>');
    expect(withButton[0].text.text).toContain('internal_error');
    expect(allText(view)).toContain('bad payload');
  });

  it('shows the dead-letter counts against their caps, and how often a body came', () => {
    const view = buildHomeView({
      subscriptions: [],
      deliveries: [],
      deadLetters: [dl({ id: 'w1', source: 'sentry', reason: 'schema', job: undefined, count: 100 })],
      deadLetterStats: {
        rejected: { count: 1234, bytes: 3 * 1024 * 1024 },
        delivery: { count: 2, bytes: 900 },
        limits: { maxCount: 10_000, maxBytes: 256 * 1024 * 1024, ttlSeconds: 30 * 86_400 },
      },
    });
    const blocks = blocksOf(view);
    const at = blocks.findIndex((b) => b.type === 'header' && b.text.text === 'Dead letters');
    expect(blocks[at + 1]).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Failed deliveries: 2 of 10,000 · Rejected webhooks: 1,234 of 10,000 (3 MiB of 256 MiB) · kept 30 days, oldest dropped first',
        },
      ],
    });
    expect(blocks[at + 2].text.text).toContain('*schema* `sentry.issue.created` → <#C1> ×100 ·');
  });

  it('shows a notice at the top', () => {
    const view = buildHomeView({ subscriptions: [], deliveries: [], deadLetters: [], notice: '🔁 Requeued' });
    expect(blocksOf(view)[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '🔁 Requeued' }] });
  });

  it('stays within Slack limits however much there is', () => {
    const subscriptions = Array.from({ length: 300 }, (_, i) =>
      sub({ id: `s${i}`, channelId: `C${i % 120}`, target: `acme/p${i}`, filters: { env: 'x'.repeat(90) } }),
    );
    const deliveries = Array.from({ length: 50 }, (_, i) => ({
      at: '2025-01-02T00:00:00.000Z',
      type: 'sentry.issue.created',
      channelId: `C${i}`,
      status: 'dead' as const,
      error: 'e'.repeat(1000),
    }));
    const deadLetters = Array.from({ length: 50 }, (_, i) => dl({ id: `d${i}`, error: 'x'.repeat(5000) }));
    const view = buildHomeView({ subscriptions, deliveries, deadLetters, notice: 'n'.repeat(5000) });
    const blocks = blocksOf(view);
    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const b of blocks) {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(MAX_TEXT);
      for (const e of b.elements ?? []) expect(e.text.length).toBeLessThanOrEqual(MAX_TEXT);
    }
    expect(allText(view)).toContain('…and 80 more channels.');
    expect(blocks.filter((b) => b.accessory)).toHaveLength(20);
  });
});

describe('App Home backlog line', () => {
  const texts = (view: ReturnType<typeof buildHomeView>) => JSON.stringify(view.blocks);

  it('shows how many deliveries wait and for how long the oldest has waited', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    const view = buildHomeView({
      subscriptions: [],
      deliveries: [],
      deadLetters: [],
      backlog: { pending: 1234, oldestAt: now - 95 * 60_000 },
      now,
    });
    expect(texts(view)).toContain('Queue: 1,234 deliveries waiting · oldest for 95 min');
    const hours = buildHomeView({
      subscriptions: [],
      deliveries: [],
      deadLetters: [],
      backlog: { pending: 1, oldestAt: now - 3 * 3600_000 },
      now,
    });
    expect(texts(hours)).toContain('Queue: 1 delivery waiting · oldest for 3 h');
  });

  it('says when nothing waits, and leaves the line out when the queue was not asked', () => {
    expect(texts(buildHomeView({ subscriptions: [], deliveries: [], deadLetters: [], backlog: { pending: 0, oldestAt: null } }))).toContain(
      'Queue: nothing waiting',
    );
    expect(texts(buildHomeView({ subscriptions: [], deliveries: [], deadLetters: [] }))).not.toContain('Queue:');
  });
});
