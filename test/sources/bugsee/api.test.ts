import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUGSEE_ENDPOINTS, BugseeApiError, createBugseeApi, fillPath, retryAfterSeconds } from '../../../src/sources/bugsee/api.js';

const BASE = 'https://api.bugsee.test';
const TOKEN = 'bsk_test_token_123';

const api = createBugseeApi({ baseUrl: BASE, token: TOKEN, timeoutMs: 2000 });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'every mocked request was made').toEqual([]);
});
afterAll(() => nock.enableNetConnect());

async function failure(p: Promise<unknown>): Promise<BugseeApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BugseeApiError);
    expect((err as Error).message).not.toContain(TOKEN);
    return err as BugseeApiError;
  }
  throw new Error('expected the call to fail');
}

function bugsee() {
  return nock(BASE, {
    reqheaders: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
  });
}

describe('requests', () => {
  it('closeIssue: PATCH /v1/apps/{appKey}/issues/{issueKey} {state: closed}', async () => {
    bugsee().patch('/v1/apps/IOS/issues/IOS-123', { state: 'closed' }).reply(200, { ok: true });
    await expect(api.closeIssue('IOS', 'IOS-123')).resolves.toBeUndefined();
  });

  it('reopenIssue: PATCH the same resource with {state: open}', async () => {
    bugsee().patch('/v1/apps/ANDROID/issues/ANDROID-7', { state: 'open' }).reply(204);
    await expect(api.reopenIssue('ANDROID', 'ANDROID-7')).resolves.toBeUndefined();
  });

  it('replyToFeedback: POST /v1/apps/{appKey}/feedback/{deviceId}/messages {text}', async () => {
    const text = 'Thanks! 🔥 <@U123> & <b>x</b>';
    bugsee()
      .post('/v1/apps/IOS/feedback/D11B5769-781B-44B0-9CB7-B2D8D9C7A831/messages', (body) => {
        expect(body).toEqual({ text });
        return true;
      })
      .reply(201, {});
    await api.replyToFeedback('IOS', 'D11B5769-781B-44B0-9CB7-B2D8D9C7A831', text);
  });

  it('encodes path segments, so ids cannot reshape the path', async () => {
    bugsee().patch('/v1/apps/A%2FB/issues/X%3FY%23Z', { state: 'closed' }).reply(200);
    await api.closeIssue('A/B', 'X?Y#Z');
    bugsee().patch('/v1/apps/IOS/issues/...', { state: 'closed' }).reply(200);
    await api.closeIssue('IOS', '...');
    expect(fillPath(BUGSEE_ENDPOINTS.replyToFeedback.path, { appKey: 'I OS', deviceId: 'ü/..' })).toBe(
      '/v1/apps/I%20OS/feedback/%C3%BC%2F../messages',
    );
  });

  it('keeps a path prefix of the base URL and ignores trailing slashes', async () => {
    const prefixed = createBugseeApi({ baseUrl: 'https://proxy.example/bugsee/', token: TOKEN, timeoutMs: 2000 });
    nock('https://proxy.example').patch('/bugsee/v1/apps/IOS/issues/IOS-1').reply(200);
    await prefixed.closeIssue('IOS', 'IOS-1');
  });

  it('rejects empty and dot-segment ids before any request', async () => {
    await expect(api.closeIssue('', 'IOS-1')).rejects.toThrow(TypeError);
    await expect(api.replyToFeedback('IOS', '', 'hi')).rejects.toThrow(TypeError);
    // WHATWG URLs resolve `..` and `%2E%2E` alike, so a dot segment could climb out of the path.
    await expect(api.closeIssue('IOS', '..')).rejects.toThrow(TypeError);
    await expect(api.reopenIssue('.', 'IOS-1')).rejects.toThrow(TypeError);
    await expect(api.closeIssue('IOS', '.')).rejects.toThrow(/dot segment/);
    await expect(api.reopenIssue('..', 'IOS-1')).rejects.toThrow(/dot segment/);
  });

  it('uses the injected fetch when given one', async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const fake: typeof fetch = async (input, init) => {
      calls.push([String(input), init]);
      return new Response(null, { status: 204 });
    };
    await createBugseeApi({ baseUrl: BASE, token: TOKEN, timeoutMs: 1000, fetch: fake }).reopenIssue('IOS', 'IOS-2');
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe(`${BASE}/v1/apps/IOS/issues/IOS-2`);
    expect(calls[0][1]).toMatchObject({ method: 'PATCH', body: '{"state":"open"}' });
  });
});

describe('errors', () => {
  const cases: Array<[number, string]> = [
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [400, 'bad_request'],
    [422, 'bad_request'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
  ];
  for (const [status, code] of cases) {
    it(`${status} → ${code}`, async () => {
      bugsee().patch('/v1/apps/IOS/issues/IOS-123').reply(status, { error: 'nope' });
      const err = await failure(api.closeIssue('IOS', 'IOS-123'));
      expect(err).toMatchObject({ status, code });
      expect(err.retryAfterSec).toBeUndefined();
    });
  }

  it('429 → rate_limited with Retry-After seconds', async () => {
    bugsee().post('/v1/apps/IOS/feedback/dev-1/messages').reply(429, {}, { 'Retry-After': '30' });
    const err = await failure(api.replyToFeedback('IOS', 'dev-1', 'hi'));
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSec: 30 });
  });

  it('429 with an HTTP-date Retry-After', async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    bugsee().patch('/v1/apps/IOS/issues/IOS-123').reply(429, {}, { 'Retry-After': at });
    const err = await failure(api.closeIssue('IOS', 'IOS-123'));
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfterSec).toBeGreaterThan(100);
    expect(err.retryAfterSec).toBeLessThanOrEqual(120);
  });

  it('retryAfterSeconds parses both forms and rejects junk', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('5', now)).toBe(5);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(retryAfterSeconds('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it('timeout when Bugsee does not answer in time', async () => {
    const quick = createBugseeApi({ baseUrl: BASE, token: TOKEN, timeoutMs: 50 });
    bugsee().patch('/v1/apps/IOS/issues/IOS-123').delay(1000).reply(200);
    const err = await failure(quick.closeIssue('IOS', 'IOS-123'));
    expect(err).toMatchObject({ status: 0, code: 'timeout' });
  });

  it('no_token without any request when no token is configured', async () => {
    for (const token of [undefined, '']) {
      const tokenless = createBugseeApi({ baseUrl: BASE, token, timeoutMs: 1000 });
      const err = await failure(tokenless.closeIssue('IOS', 'IOS-123'));
      expect(err).toMatchObject({ status: 0, code: 'no_token' });
    }
  });

  it('a network failure is a server error with status 0', async () => {
    bugsee().patch('/v1/apps/IOS/issues/IOS-123').replyWithError('ECONNRESET');
    const err = await failure(api.closeIssue('IOS', 'IOS-123'));
    expect(err).toMatchObject({ status: 0, code: 'server' });
  });

  it('does not follow a redirect (the bearer token would go along)', async () => {
    bugsee().patch('/v1/apps/IOS/issues/IOS-123').reply(302, '', { Location: 'https://elsewhere.example/steal' });
    const err = await failure(api.closeIssue('IOS', 'IOS-123'));
    expect(err).toMatchObject({ status: 0, code: 'server' });
  });
});
