import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '../../src/store/store.js';
import { eventCallbackBody, postSigned, waitFor } from '../helpers/slack.js';
import { lockNetwork, startHarness, unlockNetwork, type Harness } from './harness.js';

let h: Harness;
const AT = new Date('2025-04-01T08:00:00.000Z');

beforeAll(async () => {
  lockNetwork();
  h = await startHarness({ now: () => AT });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await h.close();
  unlockNetwork();
});

async function seed(teamId: string, n: number): Promise<Subscription[]> {
  const out: Subscription[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await h.store.upsertSubscription({
        id: `${teamId}-s${i}`,
        teamId,
        channelId: `C${i}`,
        source: 'sentry',
        target: `acme/p${i}`,
        kinds: [],
        filters: {},
        createdAt: '2025-01-01T00:00:00.000Z',
      }),
    );
  }
  await h.store.putSlackInstallation(teamId, JSON.stringify({ v: 1, encrypted: false, installation: { team: { id: teamId } } }));
  return out;
}

const disabledOf = async (id: string) => (await h.store.getSubscription(id))?.disabled ?? null;

describe('Slack lifecycle events', () => {
  it('app_uninstalled disables every subscription of that team and forgets its installation', async () => {
    const mine = await seed('TUN', 2);
    const other = await seed('TKEEP', 1);

    const res = await postSigned(`${h.url}/slack/events`, eventCallbackBody({ type: 'app_uninstalled' }, { teamId: 'TUN' }));
    expect(res.status).toBe(200);

    for (const s of mine) {
      expect(await waitFor(() => disabledOf(s.id).then((d) => d ?? false))).toEqual({ reason: 'app_uninstalled', at: AT.toISOString() });
    }
    expect(await h.store.getSlackInstallation('TUN')).toBeNull();
    expect(await disabledOf(other[0].id)).toBeNull();
    expect(await h.store.getSlackInstallation('TKEEP')).not.toBeNull();
  });

  it('tokens_revoked for the bot token disables the team', async () => {
    const [s] = await seed('TREV', 1);
    const res = await postSigned(
      `${h.url}/slack/events`,
      eventCallbackBody({ type: 'tokens_revoked', tokens: { oauth: [], bot: ['UBOT'] } }, { teamId: 'TREV' }),
    );
    expect(res.status).toBe(200);
    expect(await waitFor(() => disabledOf(s.id).then((d) => d ?? false))).toEqual({ reason: 'tokens_revoked', at: AT.toISOString() });
    expect(await h.store.getSlackInstallation('TREV')).toBeNull();
  });

  it('tokens_revoked for user tokens only changes nothing', async () => {
    const [s] = await seed('TUSR', 1);
    const [sentinel] = await seed('TSENTINEL', 1);
    const res = await postSigned(
      `${h.url}/slack/events`,
      eventCallbackBody({ type: 'tokens_revoked', tokens: { oauth: ['U1', 'U2'] } }, { teamId: 'TUSR' }),
    );
    expect(res.status).toBe(200);
    // An event sent after it has visibly been handled before we look.
    await postSigned(`${h.url}/slack/events`, eventCallbackBody({ type: 'app_uninstalled' }, { teamId: 'TSENTINEL' }));
    await waitFor(() => disabledOf(sentinel.id).then((d) => d ?? false));
    expect(await disabledOf(s.id)).toBeNull();
    expect(await h.store.getSlackInstallation('TUSR')).not.toBeNull();
  });

  it('rejects an unsigned app_uninstalled (401) and changes nothing', async () => {
    const [s] = await seed('TFORGE', 1);
    const res = await postSigned(`${h.url}/slack/events`, eventCallbackBody({ type: 'app_uninstalled' }, { teamId: 'TFORGE' }), {
      unsigned: true,
    });
    expect(res.status).toBe(401);
    expect(await disabledOf(s.id)).toBeNull();
  });
});
