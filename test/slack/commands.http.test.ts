import fs from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INVITE_HINT } from '../../src/slack/commands.js';
import { postSigned, slashCommandBody, nowSeconds, type SlashCommandFields } from '../helpers/slack.js';
import { apiBody, captureReply, lockNetwork, startHarness, tempStore, unlockNetwork, within, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  lockNetwork();
  h = await startHarness({ now: () => new Date('2025-03-01T12:00:00.000Z') });
});

afterEach(() => {
  nock.cleanAll();
});

afterAll(async () => {
  await h.close();
  unlockNetwork();
});

/** conversations.info as Slack answers it for a public channel, unless told otherwise. */
function channelInfo(reply: Record<string, unknown> = { ok: true, channel: { id: 'C1', is_private: false, is_member: false } }) {
  let asked: Record<string, unknown> | undefined;
  const scope = nock('https://slack.com')
    .post('/api/conversations.info', (body) => {
      asked = apiBody(body);
      return true;
    })
    .reply(200, reply);
  return { scope, asked: () => asked };
}

async function command(fields: SlashCommandFields): Promise<{ status: number; reply: { text: string; response_type?: string } }> {
  const reply = captureReply(fields.response_url);
  const res = await postSigned(`${h.url}/slack/events`, slashCommandBody(fields));
  return { status: res.status, reply: await within(reply, `the reply to "${fields.text}"`) };
}

describe('/threadline over HTTP', () => {
  it('subscribe stores the subscription for the team, channel and user, and confirms ephemerally', async () => {
    const info = channelInfo();
    const { status, reply } = await command({
      text: 'subscribe sentry acme/web issue error --level=error',
      team_id: 'TSUB',
      channel_id: 'C1',
    });

    expect(status).toBe(200);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Subscribed');
    expect(reply.text).toContain('*Sentry* `acme/web`: issue, error · `--level=error`');
    expect(reply.text).not.toContain('/invite');
    expect(info.asked()).toMatchObject({ channel: 'C1' });

    const subs = await h.store.listSubscriptions({ teamId: 'TSUB' });
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({
      teamId: 'TSUB',
      channelId: 'C1',
      source: 'sentry',
      target: 'acme/web',
      kinds: ['issue', 'error'],
      filters: { level: 'error' },
      createdBy: 'U1',
      createdAt: '2025-03-01T12:00:00.000Z',
    });
  });

  it('subscribing again replaces kinds and filters, keeping one subscription', async () => {
    channelInfo();
    await command({ text: 'subscribe bugsee IOS issue', team_id: 'TREP' });
    channelInfo();
    const { reply } = await command({ text: 'subscribe bugsee IOS build --branch=main', team_id: 'TREP' });
    expect(reply.text).toContain('Updated');
    const subs = await h.store.listSubscriptions({ teamId: 'TREP' });
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ target: 'IOS', kinds: ['build'], filters: { branch: 'main' } });
  });

  it('subscribing again re-enables a subscription that was disabled', async () => {
    channelInfo();
    await command({ text: 'subscribe sentry acme/web', team_id: 'TREEN' });
    const [sub] = await h.store.listSubscriptions({ teamId: 'TREEN' });
    await h.store.setSubscriptionDisabled(sub.id, { reason: 'app_uninstalled', at: '2025-03-02T00:00:00.000Z' });
    channelInfo();
    const { reply } = await command({ text: 'subscribe sentry acme/web issue', team_id: 'TREEN' });
    expect(reply.text).toContain('Re-enabled and updated');
    const after = await h.store.getSubscription(sub.id);
    expect(after?.disabled ?? null).toBeNull();
    expect(after?.kinds).toEqual(['issue']);
  });

  it('list shows kinds, filters and why a subscription is disabled', async () => {
    channelInfo();
    await command({ text: 'subscribe sentry acme/* seer', team_id: 'TLIST' });
    channelInfo();
    await command({ text: 'subscribe bugsee ANDROID --severity=high', team_id: 'TLIST' });
    const [android] = (await h.store.listSubscriptions({ teamId: 'TLIST' })).filter((s) => s.target === 'ANDROID');
    await h.store.setSubscriptionDisabled(android.id, { reason: 'channel_not_found', at: '2025-03-02T00:00:00.000Z' });

    const { reply } = await command({ text: 'list', team_id: 'TLIST' });
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain("This channel's subscriptions* (2)");
    expect(reply.text).toContain('*Sentry* `acme/*` (every project) — seer · no filters');
    expect(reply.text).toContain('*Bugsee* `ANDROID` — all kinds · `--severity=high` — ⛔ disabled: channel_not_found');
  });

  it('list in a channel with nothing says so', async () => {
    const { reply } = await command({ text: 'list', team_id: 'TEMPTY' });
    expect(reply.text).toContain('no subscriptions yet');
  });

  it('unsubscribe removes, and says when there was nothing to remove', async () => {
    channelInfo();
    await command({ text: 'subscribe sentry acme/web', team_id: 'TUNSUB' });
    const first = await command({ text: 'unsubscribe sentry acme/web', team_id: 'TUNSUB' });
    expect(first.reply.text).toContain('Unsubscribed');
    expect(await h.store.listSubscriptions({ teamId: 'TUNSUB' })).toEqual([]);
    const again = await command({ text: 'unsubscribe sentry acme/web', team_id: 'TUNSUB' });
    expect(again.reply.text).toContain('nothing to remove');
  });

  it('two teams are isolated, even in channels with the same id', async () => {
    channelInfo();
    await command({ text: 'subscribe sentry alpha/web', team_id: 'TA', channel_id: 'CSAME' });
    channelInfo();
    await command({ text: 'subscribe sentry beta/api', team_id: 'TB', channel_id: 'CSAME' });

    const a = await command({ text: 'list', team_id: 'TA', channel_id: 'CSAME' });
    expect(a.reply.text).toContain('alpha/web');
    expect(a.reply.text).not.toContain('beta/api');
    const b = await command({ text: 'list', team_id: 'TB', channel_id: 'CSAME' });
    expect(b.reply.text).toContain('beta/api');
    expect(b.reply.text).not.toContain('alpha/web');

    // Team A cannot remove team B's subscription either.
    const un = await command({ text: 'unsubscribe sentry beta/api', team_id: 'TA', channel_id: 'CSAME' });
    expect(un.reply.text).toContain('nothing to remove');
    expect(await h.store.listSubscriptions({ teamId: 'TB' })).toHaveLength(1);
  });

  it('parse errors answer 200 with the error and usage, and change nothing', async () => {
    const { status, reply } = await command({ text: 'subscribe sentry acme', team_id: 'TERR' });
    expect(status).toBe(200);
    expect(reply.response_type).toBe('ephemeral');
    // Escaped: Slack reads a raw `<org>` as a control sequence, even inside backticks.
    expect(reply.text).toContain('"acme" must be &lt;org&gt;/&lt;project&gt;');
    expect(reply.text).toContain('*Usage*');
    expect(reply.text).toContain('/threadline subscribe bugsee &lt;app-key&gt;');
    const unknown = await command({ text: 'frobnicate', team_id: 'TERR' });
    expect(unknown.reply.text).toContain('Unknown command "frobnicate"');
    expect(await h.store.listSubscriptions({ teamId: 'TERR' })).toEqual([]);
  });

  it('help (and empty text) explains every filter', async () => {
    for (const text of ['help', '']) {
      const { reply } = await command({ text, team_id: 'THELP' });
      for (const f of ['--level=', '--env=', '--size-threshold=', '--severity=', '--branch=']) expect(reply.text).toContain(f);
      expect(reply.text).toContain('/invite @Threadline');
    }
  });

  describe('private channels', () => {
    it('says how to invite the bot when Slack cannot show it the channel', async () => {
      channelInfo({ ok: false, error: 'channel_not_found' });
      const { reply } = await command({ text: 'subscribe sentry acme/web', team_id: 'TPRIV', channel_id: 'C0PRIV' });
      expect(reply.text).toContain(INVITE_HINT);
      expect(await h.store.listSubscriptions({ teamId: 'TPRIV' })).toHaveLength(1);
    });

    it('says so when conversations.info reports a private channel the bot is not in', async () => {
      channelInfo({ ok: true, channel: { id: 'C0P2', is_private: true, is_member: false } });
      const { reply } = await command({ text: 'subscribe bugsee IOS', team_id: 'TPRIV', channel_id: 'C0P2' });
      expect(reply.text).toContain('/invite @Threadline');
    });

    it('does not nag when the bot is already a member', async () => {
      channelInfo({ ok: true, channel: { id: 'C0P3', is_private: true, is_member: true } });
      const { reply } = await command({ text: 'subscribe bugsee IOS', team_id: 'TPRIV', channel_id: 'C0P3' });
      expect(reply.text).toContain('Subscribed');
      expect(reply.text).not.toContain('/invite');
    });

    it('falls back to the payload when Slack cannot answer (privategroup, G ids)', async () => {
      channelInfo({ ok: false, error: 'missing_scope' });
      const a = await command({ text: 'subscribe bugsee IOS', team_id: 'TPRIV', channel_id: 'C0P4', channel_name: 'privategroup' });
      expect(a.reply.text).toContain('/invite @Threadline');
      channelInfo({ ok: false, error: 'internal_error' });
      const b = await command({ text: 'subscribe bugsee IOS', team_id: 'TPRIV', channel_id: 'G0P5', channel_name: 'secret' });
      expect(b.reply.text).toContain('/invite @Threadline');
    });
  });

  it('refuses to subscribe a direct message', async () => {
    const { reply } = await command({
      text: 'subscribe sentry acme/web',
      team_id: 'TDM',
      channel_id: 'D123',
      channel_name: 'directmessage',
    });
    expect(reply.text).toContain('Subscriptions live in channels');
    expect(await h.store.listSubscriptions({ teamId: 'TDM' })).toEqual([]);
  });

  describe('request verification', () => {
    it('rejects an unsigned request with 401', async () => {
      const res = await postSigned(`${h.url}/slack/events`, slashCommandBody({ text: 'subscribe sentry acme/web', team_id: 'TSIG' }), {
        unsigned: true,
      });
      expect(res.status).toBe(401);
      expect(await h.store.listSubscriptions({ teamId: 'TSIG' })).toEqual([]);
    });

    it('rejects a wrong signature with 401', async () => {
      const res = await postSigned(`${h.url}/slack/events`, slashCommandBody({ text: 'subscribe sentry acme/web', team_id: 'TSIG' }), {
        secret: 'not-the-secret',
      });
      expect(res.status).toBe(401);
      expect(await h.store.listSubscriptions({ teamId: 'TSIG' })).toEqual([]);
    });

    it('the same request correctly signed and fresh is accepted (so the 401s above mean something)', async () => {
      channelInfo();
      const { status } = await command({ text: 'subscribe sentry acme/web', team_id: 'TSIG2' });
      expect(status).toBe(200);
      expect(await h.store.listSubscriptions({ teamId: 'TSIG2' })).toHaveLength(1);
    });

    it('rejects a correctly signed request that is 10 minutes old with 401', async () => {
      const res = await postSigned(`${h.url}/slack/events`, slashCommandBody({ text: 'subscribe sentry acme/web', team_id: 'TSIG' }), {
        timestamp: nowSeconds() - 600,
      });
      expect(res.status).toBe(401);
      expect(await h.store.listSubscriptions({ teamId: 'TSIG' })).toEqual([]);
    });
  });
});

describe('/threadline in dry-run and when the store fails', () => {
  it('dry-run makes no Web API call and still warns about G channels', async () => {
    const dry = await startHarness({ dryRun: true });
    try {
      const reply = captureReply();
      // Were it called, this would say "public" and drop the invite hint, and it would not stay pending.
      const info = channelInfo({ ok: true, channel: { id: 'G1', is_private: false } });
      const res = await postSigned(
        `${dry.url}/slack/events`,
        slashCommandBody({ text: 'subscribe sentry acme/web', team_id: 'TDRY', channel_id: 'G1', channel_name: 'privategroup' }),
      );
      expect(res.status).toBe(200);
      const r = await within(reply, 'the dry-run reply');
      expect(r.text).toContain('Subscribed');
      expect(r.text).toContain('/invite @Threadline');
      expect(info.scope.isDone()).toBe(false);
    } finally {
      await dry.close();
    }
  });

  it('answers with an apology, not silence, when the store is down', async () => {
    const { store, dir } = tempStore();
    const broken = await startHarness({ store });
    await store.close();
    try {
      const reply = captureReply();
      const res = await postSigned(`${broken.url}/slack/events`, slashCommandBody({ text: 'list', team_id: 'TDOWN' }));
      expect(res.status).toBe(200);
      expect((await within(reply, 'the apology')).text).toContain('Something went wrong');
    } finally {
      await broken.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
