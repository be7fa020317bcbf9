import { describe, expect, it } from 'vitest';
import { readConfig, ConfigError } from '../src/config.js';

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
    expect(readConfig({ DEAD_LETTER_MAX_COUNT: '50', DEAD_LETTER_MAX_BYTES: '1048576' }).deadLetters).toEqual({ maxCount: 50, maxBytes: 1048576 });
    expect(problems({ DEAD_LETTER_MAX_COUNT: '0' }).map((p) => p.variable)).toEqual(['DEAD_LETTER_MAX_COUNT']);
    expect(problems({ DEAD_LETTER_MAX_BYTES: 'lots' }).map((p) => p.variable)).toEqual(['DEAD_LETTER_MAX_BYTES']);
  });

  it('splits SENTRY_CLIENT_SECRET on commas for rotation', () => {
    expect(readConfig({ SENTRY_CLIENT_SECRET: 'old, new ,' }).sentry.clientSecrets).toEqual(['old', 'new']);
  });

  it('names the variable and the reason for each problem', () => {
    expect(problems({ PORT: 'abc' })).toEqual([{ variable: 'PORT', reason: 'must be a whole number' }]);
    expect(problems({ PORT: '70000' })[0]).toMatchObject({ variable: 'PORT', reason: expect.stringContaining('between') });
    expect(problems({ REDIS_URL: 'http://x' })[0]).toMatchObject({ variable: 'REDIS_URL' });
    expect(problems({ SLACK_API_URL: 'not a url' })[0]).toMatchObject({ variable: 'SLACK_API_URL' });
    expect(problems({ LOG_LEVEL: 'loud' })[0]).toMatchObject({ variable: 'LOG_LEVEL' });
    expect(problems({ SLACK_BOT_TOKEN: 'abc', SLACK_SIGNING_SECRET: 's' })[0]).toMatchObject({ variable: 'SLACK_BOT_TOKEN' });
    expect(problems({ THREADLINE_ENCRYPTION_KEY: 'short' })[0]).toMatchObject({ variable: 'THREADLINE_ENCRYPTION_KEY' });
  });

  it('requires the signing secret once Slack credentials are set', () => {
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([
      { variable: 'SLACK_SIGNING_SECRET', reason: 'is required when Slack credentials are set' },
    ]);
  });

  it('requires all three OAuth variables together', () => {
    const p = problems({ SLACK_CLIENT_ID: 'id', SLACK_SIGNING_SECRET: 's' });
    expect(p.map((x) => x.variable).sort()).toEqual(['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET']);
  });

  it('picks the Slack mode', () => {
    expect(readConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slack.mode).toBe('single');
    expect(
      readConfig({ SLACK_CLIENT_ID: 'i', SLACK_CLIENT_SECRET: 'c', SLACK_STATE_SECRET: 'st', SLACK_SIGNING_SECRET: 's' }).slack.mode,
    ).toBe('oauth');
  });

  it('adds the trailing slash SLACK_API_URL needs', () => {
    expect(readConfig({ SLACK_API_URL: 'http://127.0.0.1:9999/api' }).slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
  });
});
