import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig, ConfigError } from '../../src/config.js';
import { configuredLinkHosts } from '../../src/delivery/render.js';
import { applyLinkPolicy, createLinkPolicy, DEFAULT_LINK_POLICY, linkTargets, unlinkText } from '../../templates/links.js';
import { validateMessage } from '../../templates/validate.js';
import { startService, eventually, type TestService } from '../helpers/service.js';
import { readFixture, sendBugsee, subscribe } from '../helpers/deliver.js';

describe('link policy', () => {
  it('allows the sources, the VCS hosts and their own subdomains only', () => {
    const ok = [
      'https://sentry.io/x',
      'https://acme.sentry.io/issues/1/',
      'https://app.bugsee.com/#/apps/A',
      'https://github.com/a/b/pull/1',
      'https://gitlab.com/a',
      'https://bitbucket.org/a',
      'http://acme.sentry.io./x',
      'https://ACME.Sentry.IO/x',
    ];
    const refused = [
      'https://evil.example/login',
      'https://sentry.io.evil.example/',
      'https://evilsentry.io/',
      'https://sentry.io@evil.example/',
      'https://github.com.evil.example/',
      'https://gist.evil.github.com.example/',
      'javascript:alert(1)',
      'not a url',
    ];
    for (const u of ok) expect(DEFAULT_LINK_POLICY(u), u).toBe(true);
    for (const u of refused) expect(DEFAULT_LINK_POLICY(u), u).toBe(false);
  });

  it('adds exact hosts and *.domain patterns', () => {
    const p = createLinkPolicy(['sentry.acme.internal', '*.ci.example']);
    expect(p('https://sentry.acme.internal/x')).toBe(true);
    expect(p('https://other.acme.internal/x')).toBe(false);
    expect(p('https://build.ci.example/1')).toBe(true);
    expect(p('https://ci.example/1')).toBe(true);
  });

  it('turns a refused link into its label and the URL as inline code, and keeps allowed ones', () => {
    expect(unlinkText('see <https://evil.example/a?b=1&amp;c=2|the build> now', DEFAULT_LINK_POLICY)).toBe(
      'see the build (`https://evil.example/a?b=1&amp;c=2`) now',
    );
    expect(unlinkText('<https://evil.example/x|https://evil.example/x>', DEFAULT_LINK_POLICY)).toBe('`https://evil.example/x`');
    expect(unlinkText('<https://acme.sentry.io/i/1/|MOBILE-1>', DEFAULT_LINK_POLICY)).toBe('<https://acme.sentry.io/i/1/|MOBILE-1>');
  });

  it('replaces a refused link button by a context line and keeps the other buttons', () => {
    const msg = applyLinkPolicy(
      {
        text: 'x',
        blocks: [
          {
            type: 'actions',
            elements: [
              { type: 'button', text: { type: 'plain_text', text: 'Open' }, url: 'https://evil.example/login', action_id: 'link.a' },
              { type: 'button', text: { type: 'plain_text', text: 'Sentry' }, url: 'https://sentry.io/', action_id: 'link.b' },
            ],
          },
          {
            type: 'section',
            text: { type: 'mrkdwn', text: 'hi' },
            accessory: { type: 'button', text: { type: 'plain_text', text: 'Go' }, url: 'https://evil.example/', action_id: 'link.c' },
          },
        ],
      },
      DEFAULT_LINK_POLICY,
    );
    expect(linkTargets(msg)).toEqual(['https://sentry.io/']);
    expect(JSON.stringify(msg)).toContain('Open: `https://evil.example/login`');
    expect(validateMessage(msg, { linkAllowed: DEFAULT_LINK_POLICY })).toEqual([]);
  });
});

describe('LINK_HOSTS', () => {
  it('is parsed into host names, and with SENTRY_URL and BUGSEE_API_URL gives the configured hosts', () => {
    const c = readConfig({
      LINK_HOSTS: ' Builds.Example.com, *.ci.example ,',
      SENTRY_URL: 'https://sentry.acme.internal',
      BUGSEE_API_URL: 'https://bugsee.acme.internal/api',
    });
    expect(c.linkHosts).toEqual(['builds.example.com', '*.ci.example']);
    expect(configuredLinkHosts(c)).toEqual(['sentry.acme.internal', 'bugsee.acme.internal', 'builds.example.com', '*.ci.example']);
    expect(readConfig({}).linkHosts).toEqual([]);
  });

  it('refuses anything that is not a host name', () => {
    for (const bad of ['https://x.example', 'x.example/path', 'a b.example', 'x.example:8080']) {
      try {
        readConfig({ LINK_HOSTS: bad });
        throw new Error(`accepted ${bad}`);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).problems[0]?.variable).toBe('LINK_HOSTS');
      }
    }
  });
});

type Envelope = {
  id: string;
  payload: { app: Record<string, unknown>; build: { current: Record<string, unknown>; previous?: Record<string, unknown> } };
} & Record<string, unknown>;

/** A Bugsee `build.created` as anyone holding the shared token could send it. */
function forgedBuild(n: number): Envelope {
  const f = readFixture('bugsee/build.created.ready.json') as Envelope;
  return {
    ...f,
    id: `forged-build-${n}-${Date.now()}`,
    payload: {
      ...f.payload,
      app: { ...f.payload.app, url: 'https://evil.example/app' },
      build: {
        ...f.payload.build,
        current: { ...f.payload.build.current, uuid: `forged-${n}-${Date.now()}`, url: 'https://evil.example/login' },
      },
    },
  };
}

describe('a forged Bugsee build.created', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService('sqlite');
    await subscribe(svc, { channelId: 'CLINK', source: 'bugsee', target: 'ANDROID', kinds: ['build'] });
  });
  afterAll(async () => svc?.stop());

  it('posts no link or button to the host it names, and shows the URL as text', async () => {
    expect((await sendBugsee(svc, forgedBuild(1))).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', 'CLINK').length === 1, 'build posted');
    const args = svc.slack.of('chat.postMessage', 'CLINK')[0].args;
    const msg = { text: args.text, blocks: args.blocks };
    expect(linkTargets(msg).filter((u) => u.includes('evil.example'))).toEqual([]);
    expect(JSON.stringify(msg)).toContain('`https://evil.example/login`');
    expect(validateMessage(msg, { linkAllowed: DEFAULT_LINK_POLICY })).toEqual([]);
  });

  it('links to a host the operator added in LINK_HOSTS', async () => {
    const own = await startService('sqlite', { LINK_HOSTS: 'evil.example' });
    try {
      await subscribe(own, { channelId: 'COWN', source: 'bugsee', target: 'ANDROID', kinds: ['build'] });
      expect((await sendBugsee(own, forgedBuild(2))).status).toBe(200);
      await eventually(() => own.slack.of('chat.postMessage', 'COWN').length === 1, 'build posted');
      const args = own.slack.of('chat.postMessage', 'COWN')[0].args;
      expect(linkTargets({ text: args.text, blocks: args.blocks })).toContain('https://evil.example/login');
    } finally {
      await own.stop();
    }
  });
});
