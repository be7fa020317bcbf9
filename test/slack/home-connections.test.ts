/** App Home with many workspaces: the workspace's connections, and paused subscriptions marked. */

import { describe, expect, it } from 'vitest';
import { buildHomeView } from '../../src/slack/home-view.js';
import { subscription } from '../helpers/subscription.js';

const sub = subscription;

const text = (view: ReturnType<typeof buildHomeView>) => JSON.stringify(view.blocks);

describe('App Home connections', () => {
  it('lists the connections above the subscriptions and marks paused ones', () => {
    const view = buildHomeView({
      subscriptions: [sub(), { ...sub({ id: 's2', target: 'globex/*' }), paused: true }],
      connections: ['• *Sentry* org `acme` — connected'],
      deliveries: [],
      deadLetters: [],
    });
    const all = text(view);
    expect(all.indexOf('Connections')).toBeGreaterThan(-1);
    expect(all.indexOf('Connections')).toBeLessThan(all.indexOf('Subscriptions'));
    expect(all).toContain('org `acme`');
    expect(all).toContain('`globex/*` (every project) — all kinds · no filters — ⏸ not connected');
    const lines = all.split('\\n');
    expect(lines.find((l) => l.includes('acme/web'))).not.toContain('⏸');
  });

  it('says how to connect when there is nothing yet, and shows no section with one workspace', () => {
    expect(text(buildHomeView({ subscriptions: [], connections: [], deliveries: [], deadLetters: [] }))).toContain(
      '/threadline connect sentry',
    );
    expect(text(buildHomeView({ subscriptions: [], deliveries: [], deadLetters: [] }))).not.toContain('Connections');
  });
});
