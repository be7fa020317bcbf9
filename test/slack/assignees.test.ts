/** The picker's directory: a cache of at most five minutes, Sentry's search for large orgs. */
import { afterEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { createSentryApi } from '../../src/sources/sentry/api.js';
import { ASSIGNEE_CACHE_MS, createAssigneeDirectory, parseAssigneeChoice } from '../../src/slack/actions-assignees.js';

const SENTRY = 'https://sentry-dir.test';
const api = createSentryApi({ baseUrl: SENTRY, tokens: { tokenForOrg: async () => 'tok' }, timeoutMs: 2000 });
const member = (i: number) => ({
  id: `m${i}`,
  email: `p${i}@example.com`,
  name: `Person ${i}`,
  user: { id: String(1000 + i), name: `Person ${i}`, email: `p${i}@example.com` },
});

afterEach(() => nock.cleanAll());

describe('assignee directory', () => {
  it('asks Sentry again only after five minutes, and never keeps longer even if told to', async () => {
    let clock = 0;
    const dir = createAssigneeDirectory({ sentryApi: api, ttlMs: 60 * 60_000, now: () => clock });
    const first = nock(SENTRY)
      .get('/api/0/organizations/acme/members/')
      .query(true)
      .twice()
      .reply(200, [member(1)]);
    nock(SENTRY).get('/api/0/organizations/acme/teams/').query(true).twice().reply(200, []);
    await dir.options('acme', '');
    clock = ASSIGNEE_CACHE_MS - 1;
    await dir.options('acme', 'person');
    expect(first.pendingMocks()).toHaveLength(1);
    clock = ASSIGNEE_CACHE_MS;
    await dir.options('acme', '');
    expect(first.isDone()).toBe(true);
  });

  it('a full page sends the typed text to Sentry search too', async () => {
    const dir = createAssigneeDirectory({ sentryApi: api });
    nock(SENTRY)
      .get('/api/0/organizations/big/members/')
      .query({ per_page: '100' })
      .reply(
        200,
        Array.from({ length: 100 }, (_, i) => member(i)),
      );
    nock(SENTRY).get('/api/0/organizations/big/teams/').query({ per_page: '100' }).reply(200, []);
    const search = nock(SENTRY)
      .get('/api/0/organizations/big/members/')
      .query({ per_page: '100', query: 'zed' })
      .reply(200, [{ ...member(500), name: 'Zed', user: { id: '9999', name: 'Zed' } }]);
    nock(SENTRY).get('/api/0/organizations/big/teams/').query({ per_page: '100', query: 'zed' }).reply(200, []);
    const g = await dir.options('big', 'Zed');
    expect(search.isDone()).toBe(true);
    expect(g.option_groups[0]?.options.map((o) => o.value)).toEqual(['user:9999']);
  });

  it('caps each group at 50 options and 75 characters', async () => {
    const dir = createAssigneeDirectory({ sentryApi: api });
    nock(SENTRY)
      .get('/api/0/organizations/many/members/')
      .query(true)
      .reply(
        200,
        Array.from({ length: 80 }, (_, i) => ({ ...member(i), user: { ...member(i).user, name: 'N'.repeat(200) } })),
      );
    nock(SENTRY).get('/api/0/organizations/many/teams/').query(true).reply(200, []);
    const g = await dir.options('many', '');
    expect(g.option_groups[0]?.options).toHaveLength(50);
    expect(g.option_groups[0]?.options.every((o) => o.text.text.length <= 75)).toBe(true);
  });

  it('answers People, Teams and Nobody groups (the gallery shows this answer)', async () => {
    const dir = createAssigneeDirectory({ sentryApi: api });
    nock(SENTRY)
      .get('/api/0/organizations/gallery/members/')
      .query(true)
      .reply(200, [
        { id: '1', email: 'jane@acme.dev', name: 'Jane Doe', user: { id: '101', name: 'Jane Doe', email: 'jane@acme.dev' } },
        { id: '2', email: 'sam@acme.dev', name: 'Sam Lee', user: { id: '102', name: 'Sam Lee', email: 'sam@acme.dev' } },
        { id: '3', email: 'ana@acme.dev', name: 'Ana Ruiz', user: { id: '103', name: 'Ana Ruiz', email: 'ana@acme.dev' } },
      ]);
    nock(SENTRY)
      .get('/api/0/organizations/gallery/teams/')
      .query(true)
      .reply(200, [
        { id: '7', slug: 'mobile', name: 'Mobile' },
        { id: '8', slug: 'payments', name: 'Payments' },
      ]);
    const g = await dir.options('gallery', '');
    expect(g.option_groups.map((x) => x.label.text)).toEqual(['People', 'Teams', 'Nobody']);
    await expect(JSON.stringify(g, null, 2) + '\n').toMatchFileSnapshot(
      '../templates/__snapshots__/samples/sentry.issue.assign.options.json',
    );
  });

  it('reads only user:<id>, team:<id> and unassign', () => {
    expect(parseAssigneeChoice('user:42')).toEqual({ kind: 'user', id: '42' });
    expect(parseAssigneeChoice('team:7')).toEqual({ kind: 'team', id: '7' });
    expect(parseAssigneeChoice('unassign')).toEqual({ kind: 'unassign' });
    for (const bad of ['user:', 'user:a/b', 'admin:1', '', undefined, `user:${'1'.repeat(65)}`])
      expect(parseAssigneeChoice(bad)).toBeNull();
  });
});
