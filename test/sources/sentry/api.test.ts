import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSentryApi, SentryApiError } from '../../../src/sources/sentry/api.js';

const BASE = 'https://sentry.test';
const tokens = { tokenForOrg: async (org: string) => `token-for-${org}` };
const api = createSentryApi({ baseUrl: `${BASE}/`, tokens, timeoutMs: 300 });

async function rejection(p: Promise<unknown>): Promise<SentryApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SentryApiError) return err;
    throw err;
  }
  throw new Error('expected a SentryApiError');
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Sentry API client', () => {
  it('reads an issue with the org token, normalising ids to strings', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: 'Bearer token-for-acme' } })
      .get('/api/0/organizations/acme/issues/1170820242/')
      .reply(200, {
        id: 1170820242,
        title: 'TypeError',
        status: 'unresolved',
        project: { id: 4504938, slug: 'mobile-app', name: 'mobile-app' },
        extra: true,
      });
    const issue = await api.getIssue('acme', '1170820242');
    expect(issue).toMatchObject({ id: '1170820242', project: { id: '4504938', slug: 'mobile-app' }, extra: true });
    expect(scope.isDone()).toBe(true);
  });

  it('updates an issue with PUT and the exact body', async () => {
    const scope = nock(BASE)
      .put('/api/0/organizations/acme/issues/1170820242/', { status: 'resolved', statusDetails: {} })
      .reply(200, { status: 'resolved', statusDetails: {} });
    expect(await api.updateIssue('acme', '1170820242', { status: 'resolved', statusDetails: {} })).toMatchObject({
      id: '1170820242',
      status: 'resolved',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('encodes every path segment, so ids cannot change the path', async () => {
    const scope = nock(BASE).get('/api/0/organizations/a%2Fb/issues/..%2F..%2Fprojects/').reply(200, { id: '1' });
    await api.getIssue('a/b', '../../projects');
    expect(scope.isDone()).toBe(true);
  });

  it('refuses `.` and `..` (and empty) path segments before any request', async () => {
    // A signed issue with id `..` once turned a Resolve into `PUT /api/0/organizations/acme/`.
    // No interceptor is set: with net connect disabled, a request would fail with a nock error instead.
    await expect(api.updateIssue('acme', '..', { status: 'resolved' })).rejects.toThrow(/dot segment/);
    await expect(api.getIssue('acme', '.')).rejects.toThrow(/dot segment/);
    await expect(api.getIssue('..', '1')).rejects.toThrow(/dot segment/);
    await expect(api.findMemberByEmail('.', 'a@b.example')).rejects.toThrow(/dot segment/);
    await expect(api.getIssue('acme', '')).rejects.toThrow(TypeError);
  });

  it('finds a member by email, case-insensitively', async () => {
    const scope = nock(BASE)
      .get('/api/0/organizations/acme/members/')
      .query({ query: 'email:Sam@Acme.example' })
      .reply(200, [
        { id: '10', email: 'other@acme.example', user: { id: '3' } },
        { id: '11', email: 'sam@acme.example', name: 'Sam Lee', user: { id: 2, name: 'Sam Lee', email: 'sam@acme.example' } },
      ]);
    expect(await api.findMemberByEmail('acme', 'Sam@Acme.example')).toMatchObject({ id: '11', user: { id: '2', name: 'Sam Lee' } });
    expect(scope.isDone()).toBe(true);
    nock(BASE).get('/api/0/organizations/acme/members/').query(true).reply(200, []);
    expect(await api.findMemberByEmail('acme', 'nobody@acme.example')).toBeNull();
  });

  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [400, 'bad_request'],
    [500, 'server'],
    [502, 'server'],
  ] as const)('maps HTTP %i to %s', async (status, code) => {
    nock(BASE).get('/api/0/organizations/acme/issues/1/').reply(status, { detail: 'nope' });
    const err = await rejection(api.getIssue('acme', '1'));
    expect([err.code, err.status]).toEqual([code, status]);
    expect(err.message).not.toContain('token-for-acme');
  });

  it('reports Retry-After on 429', async () => {
    nock(BASE).get('/api/0/organizations/acme/issues/1/').reply(429, {}, { 'retry-after': '17' });
    const err = await rejection(api.getIssue('acme', '1'));
    expect([err.code, err.retryAfterSec]).toEqual(['rate_limited', 17]);
  });

  it('times out', async () => {
    nock(BASE).get('/api/0/organizations/acme/issues/1/').delay(2_000).reply(200, { id: '1' });
    expect((await rejection(api.getIssue('acme', '1'))).code).toBe('timeout');
  });

  it('maps a network failure and a non-JSON answer to server', async () => {
    nock(BASE).get('/api/0/organizations/acme/issues/1/').replyWithError('ECONNRESET');
    expect((await rejection(api.getIssue('acme', '1'))).code).toBe('server');
    nock(BASE).get('/api/0/organizations/acme/issues/1/').reply(200, '<html>', { 'content-type': 'text/html' });
    expect((await rejection(api.getIssue('acme', '1'))).code).toBe('server');
  });

  it('passes no_token through without calling Sentry', async () => {
    const none = createSentryApi({
      baseUrl: BASE,
      tokens: { tokenForOrg: async () => Promise.reject(new SentryApiError('no_token', 0)) },
    });
    expect((await rejection(none.getIssue('acme', '1'))).code).toBe('no_token');
  });
});
