import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, SIGNING_SECRET, type TestService } from '../helpers/service.js';
import { nowSeconds, postSigned } from '../helpers/slack.js';

const challenge = () => JSON.stringify({ token: 'x', challenge: `c-${Math.random()}`, type: 'url_verification' });
const post = (svc: TestService, timestamp: number) =>
  postSigned(`${svc.url}/slack/events`, challenge(), { secret: SIGNING_SECRET, timestamp });

describe('Slack request timestamps (single-workspace app)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService('sqlite', {}, { worker: false });
  });
  afterAll(() => svc.stop());

  it('accepts a correctly signed request stamped now, or a little ahead', async () => {
    expect((await post(svc, nowSeconds())).status).toBe(200);
    expect((await post(svc, nowSeconds() + 4 * 60)).status).toBe(200);
  });

  it('refuses a correctly signed request stamped more than 5 minutes in the future', async () => {
    for (const ahead of [6 * 60, 24 * 3600, 10 * 365 * 24 * 3600]) {
      const res = await post(svc, nowSeconds() + ahead);
      expect(res.status, `${ahead}s ahead`).toBe(401);
    }
  });

  it('still refuses one stamped more than 5 minutes in the past (Bolt)', async () => {
    expect((await post(svc, nowSeconds() - 10 * 60)).status).toBe(401);
  });
});

describe('OAuth mode', () => {
  const oauthEnv = {
    SLACK_BOT_TOKEN: '',
    SLACK_CLIENT_ID: '111.222',
    SLACK_CLIENT_SECRET: 'slack-client-secret-value',
    SLACK_STATE_SECRET: 'slack-state-secret-value',
  };

  it('answers a cancelled install with a 4xx page that says so', async () => {
    const svc = await startService('sqlite', oauthEnv, { worker: false });
    try {
      const res = await fetch(`${svc.url}/slack/oauth_redirect?error=access_denied&state=abc`);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toMatch(/install(ation)? (was )?cancelled/i);
      // Another error from Slack is a 4xx too, and its value is not echoed into the page.
      const other = await fetch(`${svc.url}/slack/oauth_redirect?error=%3Cscript%3Ex`);
      expect(other.status).toBe(400);
      expect(await other.text()).not.toContain('<script>');
      // A redirect with no error still reaches Bolt's installer (which wants a code).
      expect((await fetch(`${svc.url}/slack/oauth_redirect?state=abc`)).status).toBe(400);
    } finally {
      await svc.stop();
    }
  });

  it('warns at startup, naming THREADLINE_ENCRYPTION_KEY, when tokens would be stored plain', async () => {
    const plain = await startService('sqlite', oauthEnv, { worker: false });
    const keyed = await startService(
      'sqlite',
      { ...oauthEnv, THREADLINE_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64') },
      { worker: false },
    );
    const single = await startService('sqlite', {}, { worker: false });
    try {
      const warned = (s: TestService) =>
        s.logLines().filter((l) => l.level === 'warn' && String(l.msg).includes('THREADLINE_ENCRYPTION_KEY'));
      expect(warned(plain)).toHaveLength(1);
      expect(warned(plain)[0]).toMatchObject({ variable: 'THREADLINE_ENCRYPTION_KEY' });
      expect(warned(keyed)).toHaveLength(0);
      expect(warned(single)).toHaveLength(0);
    } finally {
      await Promise.all([plain.stop(), keyed.stop(), single.stop()]);
    }
  });
});
