import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, lazyChild, redactText, redactUrl } from '../src/log.js';
import { boltLogger } from '../src/slack-bolt-logger.js';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ level, destination }) };
}

describe('logging', () => {
  it('redacts tokens, secrets, authorization and signature headers', () => {
    const { lines, logger } = capture();
    logger.info(
      { token: 'xoxb-1', headers: { authorization: 'Bearer x', 'sentry-hook-signature': 'abc' }, deep: { clientSecret: 's' } },
      'hello',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ['xoxb-1', 'Bearer x', 'abc', '"s"']) expect(line).not.toContain(secret);
  });

  it('strips ?token= from URLs', () => {
    expect(redactUrl('/webhooks/bugsee?a=1&token=secret&b=2')).toBe('/webhooks/bugsee?a=1&token=[Redacted]&b=2');
  });

  it('lazyChild carries its bindings and redaction, and writes nothing at disabled levels', () => {
    const { lines, logger } = capture('info');
    const log = lazyChild(logger, { reqId: 'r-1' });
    log.debug({ token: 'x' }, 'not written');
    log.info({ token: 'xoxb-2' }, 'written');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reqId: 'r-1', msg: 'written', token: '[Redacted]' });
  });

  it('strips token[…]=, code= and state= from URLs, encoded or not', () => {
    expect(redactUrl('/webhooks/bugsee?token[a]=s3cret-1&x=1')).toBe('/webhooks/bugsee?token[a]=[Redacted]&x=1');
    expect(redactUrl('/webhooks/bugsee?token%5Ba%5D=s3cret-2')).toBe('/webhooks/bugsee?token%5Ba%5D=[Redacted]');
    expect(redactUrl('/slack/oauth_redirect?code=123.456.abc&state=eyJhbGc.x.y')).toBe(
      '/slack/oauth_redirect?code=[Redacted]&state=[Redacted]',
    );
    expect(redactUrl('/x?TOKEN=a&Code=b')).toBe('/x?TOKEN=[Redacted]&Code=[Redacted]');
    expect(redactUrl('/slack/oauth_redirect?error=access_denied')).toBe('/slack/oauth_redirect?error=access_denied');
  });

  it('strips credentials from free text by key and by shape', () => {
    const secrets = [
      'cs-0123456789',
      'the-oauth-code',
      'the-state-value',
      'xoxb-1-2-abcdef',
      'xoxp-9-8-zyx',
      'xoxe.xoxp-1-abc',
      'xapp-1-A1-123-abc',
      'sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_abc',
      'sntryu_0123abcd',
      'opaque-bearer-value',
      'refresh-me-please',
    ];
    const texts = [
      'http request body: {"client_id":"1.2","client_secret":"cs-0123456789","code":"the-oauth-code"}',
      JSON.stringify(JSON.stringify({ client_secret: 'cs-0123456789', state: 'the-state-value' })),
      "client_secret: 'cs-0123456789', code = the-oauth-code",
      'Generated authorize URL: https://slack.com/oauth/v2/authorize?scope=x&state=the-state-value&client_id=1',
      'token xoxb-1-2-abcdef and xoxp-9-8-zyx, refresh xoxe.xoxp-1-abc, app xapp-1-A1-123-abc',
      'sentry said sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_abc / sntryu_0123abcd',
      'headers: {"Authorization":"Bearer opaque-bearer-value"}',
      'refresh_token=refresh-me-please&grant_type=refresh_token',
      '{"refreshToken":"refresh-me-please"}',
    ];
    for (const t of texts) {
      const out = redactText(t);
      for (const s of secrets) expect(out, t).not.toContain(s);
    }
    // Slack's error codes and ordinary words survive.
    expect(redactText('{"code":"slack_webapi_platform_error"}')).toContain('slack_webapi_platform_error');
    expect(redactText('sentry code exchange failed')).toBe('sentry code exchange failed');
    expect(redactText('token_type: bot')).toBe('token_type: bot');
  });

  it("redacts Bolt's pre-joined lines at debug level, which key paths never see", () => {
    const { lines, logger } = capture('debug');
    const bolt = boltLogger(logger);
    bolt.debug('http request body:', { client_id: '1.2', client_secret: 'cs-0123456789', code: 'the-oauth-code' });
    bolt.debug('http request url: https://slack.test/api/oauth.v2.access?code=the-oauth-code');
    bolt.info('installed with', 'xoxb-1-2-abcdef');
    logger.warn('a message that names sntrys_abc123 directly');
    const all = JSON.stringify(lines);
    expect(lines).toHaveLength(4);
    for (const s of ['cs-0123456789', 'the-oauth-code', 'xoxb-1-2-abcdef', 'sntrys_abc123']) expect(all).not.toContain(s);
  });
});
