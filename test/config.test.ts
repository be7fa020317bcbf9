import { describe, expect, it } from 'vitest';
import { readConfig, ConfigError } from '../src/config.js';

const SIGNING = 'signing-secret';

function problems(env: Record<string, string>): { variable: string; reason: string }[] {
  try {
    readConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
  it('starts with no env at all: dry-run on the embedded store', () => {
    const c = readConfig({});
    expect(c.port).toBe(3000);
    expect(c.redisUrl).toBeUndefined();
    expect(c.dataDir).toBe('./data');
    expect(c.slack.dryRun).toBe(true);
    expect(c.slack.mode).toBe('dry-run');
    expect(c.slack.apiUrl).toBe('https://slack.com/api/');
    expect(c.sentry.url).toBe('https://sentry.io');
    expect(c.bugsee.apiUrl).toBe('https://api.bugsee.com');
    expect(c.logLevel).toBe('info');
    expect(c.role).toBe('all');
  });

  it('caps dead letters at 10,000 and 256 MiB unless told otherwise', () => {
    expect(readConfig({}).deadLetters).toEqual({ maxCount: 10_000, maxBytes: 256 * 1024 * 1024 });
    expect(readConfig({ DEAD_LETTER_MAX_COUNT: '50', DEAD_LETTER_MAX_BYTES: '1048576' }).deadLetters).toEqual({
      maxCount: 50,
      maxBytes: 1048576,
    });
    expect(problems({ DEAD_LETTER_MAX_COUNT: '0' }).map((p) => p.variable)).toEqual(['DEAD_LETTER_MAX_COUNT']);
    expect(problems({ DEAD_LETTER_MAX_BYTES: 'lots' }).map((p) => p.variable)).toEqual(['DEAD_LETTER_MAX_BYTES']);
  });

  it('waits out Slack outages for 24 h and caps a workspace at 8 calls in flight unless told otherwise', () => {
    expect(readConfig({}).slack).toMatchObject({ outageMaxMs: 86_400_000, teamConcurrency: 8 });
    expect(readConfig({ SLACK_OUTAGE_MAX_MS: '0', TEAM_CONCURRENCY: '2' }).slack).toMatchObject({ outageMaxMs: 0, teamConcurrency: 2 });
    expect(problems({ TEAM_CONCURRENCY: '0' }).map((p) => p.variable)).toEqual(['TEAM_CONCURRENCY']);
    expect(problems({ SLACK_OUTAGE_MAX_MS: 'a day' }).map((p) => p.variable)).toEqual(['SLACK_OUTAGE_MAX_MS']);
  });

  it('splits SENTRY_CLIENT_SECRET on commas for rotation', () => {
    // Was 'old, new ,': secrets now need 8 characters and an empty entry refuses to start (issue 16).
    expect(readConfig({ SENTRY_CLIENT_SECRET: 'old-secret, new-secret ' }).sentry.clientSecrets).toEqual(['old-secret', 'new-secret']);
  });

  it('names the variable and the reason for each problem', () => {
    expect(problems({ PORT: 'abc' })).toEqual([{ variable: 'PORT', reason: 'must be a whole number' }]);
    expect(problems({ PORT: '70000' })[0]).toMatchObject({ variable: 'PORT', reason: expect.stringContaining('between') });
    expect(problems({ REDIS_URL: 'http://x' })[0]).toMatchObject({ variable: 'REDIS_URL' });
    expect(problems({ SLACK_API_URL: 'not a url' })[0]).toMatchObject({ variable: 'SLACK_API_URL' });
    expect(problems({ LOG_LEVEL: 'loud' })[0]).toMatchObject({ variable: 'LOG_LEVEL' });
    expect(problems({ SLACK_BOT_TOKEN: 'abc', SLACK_SIGNING_SECRET: SIGNING })[0]).toMatchObject({ variable: 'SLACK_BOT_TOKEN' });
    expect(problems({ THREADLINE_ENCRYPTION_KEY: 'short' })[0]).toMatchObject({ variable: 'THREADLINE_ENCRYPTION_KEY' });
  });

  it('requires the signing secret once Slack credentials are set', () => {
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([
      { variable: 'SLACK_SIGNING_SECRET', reason: 'is required when Slack credentials are set' },
    ]);
  });

  it('requires all three OAuth variables together', () => {
    const p = problems({ SLACK_CLIENT_ID: 'id', SLACK_SIGNING_SECRET: SIGNING });
    expect(p.map((x) => x.variable).sort()).toEqual(['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET']);
  });

  it('picks the Slack mode', () => {
    expect(readConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SIGNING }).slack.mode).toBe('single');
    expect(
      readConfig({ SLACK_CLIENT_ID: 'i', SLACK_CLIENT_SECRET: 'c', SLACK_STATE_SECRET: 'state-secret', SLACK_SIGNING_SECRET: SIGNING })
        .slack.mode,
    ).toBe('oauth');
  });

  it('adds the trailing slash SLACK_API_URL needs', () => {
    expect(readConfig({ SLACK_API_URL: 'http://127.0.0.1:9999/api' }).slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
  });

  describe('refuses secrets and keys that would start a half-working service', () => {
    it('refuses an empty SENTRY_CLIENT_SECRET list instead of silently turning Sentry off', () => {
      expect(problems({ SENTRY_CLIENT_SECRET: ',' })).toEqual([
        { variable: 'SENTRY_CLIENT_SECRET', reason: expect.stringContaining('empty entry') },
      ]);
    });

    it('refuses an empty entry among real secrets', () => {
      expect(problems({ SENTRY_CLIENT_SECRET: 'old-secret,,new-secret' })[0]).toMatchObject({
        variable: 'SENTRY_CLIENT_SECRET',
        reason: expect.stringContaining('empty entry'),
      });
      expect(problems({ SENTRY_CLIENT_SECRET: 'old-secret, ' })[0]).toMatchObject({ variable: 'SENTRY_CLIENT_SECRET' });
    });

    it('refuses any SENTRY_CLIENT_SECRET entry shorter than 8 characters', () => {
      expect(problems({ SENTRY_CLIENT_SECRET: 'dev' })[0]).toMatchObject({
        variable: 'SENTRY_CLIENT_SECRET',
        reason: expect.stringContaining('at least 8'),
      });
      expect(problems({ SENTRY_CLIENT_SECRET: 'long-enough-secret,short' })[0]).toMatchObject({ variable: 'SENTRY_CLIENT_SECRET' });
      expect(readConfig({ SENTRY_CLIENT_SECRET: '12345678' }).sentry.clientSecrets).toEqual(['12345678']);
    });

    it.each(['BUGSEE_WEBHOOK_SECRET', 'SLACK_SIGNING_SECRET', 'SLACK_STATE_SECRET'])(
      'refuses a %s shorter than 8 characters',
      (variable) => {
        expect(problems({ [variable]: 'dev' })).toContainEqual({ variable, reason: 'must be at least 8 characters' });
        expect(problems({ [variable]: '1234567' })).toContainEqual({ variable, reason: 'must be at least 8 characters' });
      },
    );

    it('accepts 8-character secrets', () => {
      const c = readConfig({ BUGSEE_WEBHOOK_SECRET: '12345678', SLACK_SIGNING_SECRET: '12345678', SLACK_BOT_TOKEN: 'xoxb-1' });
      expect(c.bugsee.webhookSecret).toBe('12345678');
      expect(c.slack.signingSecret).toBe('12345678');
    });

    it('refuses a THREADLINE_ENCRYPTION_KEY of the wrong length as a config problem, not a crash later', () => {
      const key33 = Buffer.alloc(33, 7).toString('base64');
      const key31 = Buffer.alloc(31, 7).toString('base64');
      for (const k of [key33, key31, 'A'.repeat(60), 'not base64 at all but long enough to pass a length check!!']) {
        expect(problems({ THREADLINE_ENCRYPTION_KEY: k })).toEqual([
          { variable: 'THREADLINE_ENCRYPTION_KEY', reason: expect.stringContaining('32 bytes') },
        ]);
      }
      const good = Buffer.alloc(32, 7);
      expect(readConfig({ THREADLINE_ENCRYPTION_KEY: good.toString('base64') }).encryptionKey).toBe(good.toString('base64'));
      expect(readConfig({ THREADLINE_ENCRYPTION_KEY: good.toString('base64url') }).encryptionKey).toBe(good.toString('base64url'));
    });
  });
});

describe('readConfig: connections (multi-workspace)', () => {
  const oauth = { SLACK_SIGNING_SECRET: SIGNING, SLACK_CLIENT_ID: 'id', SLACK_CLIENT_SECRET: 'secret', SLACK_STATE_SECRET: 'state-secret' };

  it('PUBLIC_URL defaults to http://127.0.0.1:$PORT and loses a trailing slash', () => {
    expect(readConfig({}).publicUrl).toBe('http://127.0.0.1:3000');
    expect(readConfig({ PORT: '8080' }).publicUrl).toBe('http://127.0.0.1:8080');
    expect(readConfig({ PUBLIC_URL: 'https://threadline.example.com/' }).publicUrl).toBe('https://threadline.example.com');
    expect(problems({ PUBLIC_URL: 'threadline.example.com' })).toEqual([{ variable: 'PUBLIC_URL', reason: 'must be an http(s) URL' }]);
  });

  it('SENTRY_APP_SLUG is a slug', () => {
    expect(readConfig({ SENTRY_APP_SLUG: 'threadline-42' }).sentry.appSlug).toBe('threadline-42');
    expect(readConfig({}).sentry.appSlug).toBeUndefined();
    expect(problems({ SENTRY_APP_SLUG: 'Thread line' })[0]?.variable).toBe('SENTRY_APP_SLUG');
  });

  it('SENTRY_ACTIONS_REQUIRE_MEMBER is on by default with many workspaces, off with one, and can be set', () => {
    expect(readConfig(oauth).sentry.actionsRequireMember).toBe(true);
    expect(readConfig({ SLACK_SIGNING_SECRET: SIGNING, SLACK_BOT_TOKEN: 'xoxb-1' }).sentry.actionsRequireMember).toBe(false);
    expect(readConfig({ ...oauth, SENTRY_ACTIONS_REQUIRE_MEMBER: 'false' }).sentry.actionsRequireMember).toBe(false);
    expect(
      readConfig({ SLACK_SIGNING_SECRET: SIGNING, SLACK_BOT_TOKEN: 'xoxb-1', SENTRY_ACTIONS_REQUIRE_MEMBER: 'true' }).sentry
        .actionsRequireMember,
    ).toBe(true);
    expect(problems({ SENTRY_ACTIONS_REQUIRE_MEMBER: 'maybe' })[0]?.variable).toBe('SENTRY_ACTIONS_REQUIRE_MEMBER');
  });

  it('BUGSEE_WEBHOOK_SECRET is optional with many workspaces', () => {
    expect(readConfig(oauth).bugsee.webhookSecret).toBeUndefined();
  });
});
