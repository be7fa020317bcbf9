import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCipher } from '../../../src/crypto.js';
import { SentryApiError } from '../../../src/sources/sentry/api.js';
import { createSentryTokens, tokenContext, type SentryTokensOptions } from '../../../src/sources/sentry/tokens.js';
import type { Store } from '../../../src/store/store.js';
import { openStore, type OpenStore, type StoreKind } from './stores.js';

const BASE = 'https://sentry.test';
const UUID = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';
const AUTH_PATH = `/api/0/sentry-app-installations/${UUID}/authorizations/`;
const NOW = Date.parse('2025-03-19T12:00:00.000Z');
const inMs = (ms: number) => new Date(NOW + ms).toISOString();
const KEY = Buffer.alloc(32, 7).toString('base64');

async function rejection(p: Promise<unknown>): Promise<SentryApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SentryApiError) return err;
    throw err;
  }
  throw new Error('expected a SentryApiError');
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterAll(() => nock.enableNetConnect());

describe.each<StoreKind>(['sqlite', 'redis'])('Sentry tokens on %s', (kind) => {
  let h: OpenStore;
  let store: Store;
  beforeEach(async () => {
    h = await openStore(kind);
    store = h.store;
  });
  afterEach(async () => {
    nock.cleanAll();
    await h.cleanup();
  });

  const options = (over: Partial<SentryTokensOptions> = {}): SentryTokensOptions => ({
    store,
    baseUrl: BASE,
    clientId: 'client-id',
    clientSecret: 'client-secret',
    now: () => NOW,
    lockPollMs: 20,
    ...over,
  });

  async function installed(token: string, refreshToken: string, expiresAt: string, org = 'acme') {
    await store.putSentryInstallation({ uuid: UUID, org, token, refreshToken, expiresAt, createdAt: inMs(-1000), updatedAt: inMs(-1000) });
  }

  it('exchanges an installation code with the exact body and stores the tokens encrypted', async () => {
    const scope = nock(BASE)
      .post(AUTH_PATH, { grant_type: 'authorization_code', code: 'the-code', client_id: 'client-id', client_secret: 'client-secret' })
      .once()
      .reply(201, { id: '1', token: 'tok-1', refreshToken: 'ref-1', expiresAt: inMs(8 * 3600_000), scopes: ['event:read'] });
    const cipher = createCipher(KEY);
    const tokens = createSentryTokens(options({ cipher }));
    await tokens.exchangeCode(UUID, 'the-code', 'acme');
    expect(scope.isDone()).toBe(true);

    const rec = await store.getSentryInstallation(UUID);
    expect(rec).toMatchObject({ uuid: UUID, org: 'acme', expiresAt: inMs(8 * 3600_000) });
    expect(rec?.token).not.toContain('tok-1');
    expect(rec?.refreshToken).not.toContain('ref-1');
    expect(cipher.decrypt(rec?.token as string, tokenContext(UUID, 'token'))).toBe('tok-1');
    // A fresh token is handed out without another call.
    expect(await tokens.tokenForOrg('acme')).toBe('tok-1');
    expect(await tokens.tokenForInstallation(UUID)).toBe('tok-1');
  });

  it('keeps an org learned earlier when exchanging', async () => {
    await store.putSentryInstallation({ uuid: UUID, org: 'acme', orgName: 'Acme Inc.', createdAt: inMs(0), updatedAt: inMs(0) });
    nock(BASE)
      .post(AUTH_PATH)
      .reply(201, { token: 'tok-1', refreshToken: 'ref-1', expiresAt: inMs(3600_000) });
    await createSentryTokens(options()).exchangeCode(UUID, 'c');
    expect(await store.getSentryInstallation(UUID)).toMatchObject({ org: 'acme', orgName: 'Acme Inc.', token: 'tok-1' });
  });

  it('refuses to exchange without client credentials', async () => {
    const err = await rejection(createSentryTokens(options({ clientId: undefined })).exchangeCode(UUID, 'c', 'acme'));
    expect(err.code).toBe('not_configured');
  });

  it('maps a refused exchange to a SentryApiError', async () => {
    nock(BASE).post(AUTH_PATH).reply(401, { detail: 'Invalid grant' });
    const err = await rejection(createSentryTokens(options()).exchangeCode(UUID, 'stale', 'acme'));
    expect([err.code, err.status]).toEqual(['unauthorized', 401]);
  });

  it('makes exactly one refresh for concurrent callers after expiry', async () => {
    await installed('old', 'ref-old', inMs(30_000)); // inside the 60 s margin
    let calls = 0;
    const scope = nock(BASE)
      .post(AUTH_PATH, { grant_type: 'refresh_token', refresh_token: 'ref-old', client_id: 'client-id', client_secret: 'client-secret' })
      .times(5)
      .delay(50)
      .reply(201, () => {
        calls++;
        return { token: `new-${calls}`, refreshToken: `ref-new-${calls}`, expiresAt: inMs(8 * 3600_000) };
      });
    const tokens = createSentryTokens(options());
    const got = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? tokens.tokenForOrg('acme') : tokens.tokenForInstallation(UUID))),
    );
    expect(got).toEqual(Array(8).fill('new-1'));
    expect(calls).toBe(1);
    expect(scope.pendingMocks()).toHaveLength(1); // four of the five allowed calls were never made
    expect(await store.getSentryInstallation(UUID)).toMatchObject({ token: 'new-1', refreshToken: 'ref-new-1' });
  });

  it('makes exactly one refresh across processes sharing the store', async () => {
    await installed('old', 'ref-old', inMs(-5_000)); // already expired
    const scope = nock(BASE)
      .post(AUTH_PATH, { grant_type: 'refresh_token', refresh_token: 'ref-old', client_id: 'client-id', client_secret: 'client-secret' })
      .once()
      .delay(100)
      .reply(201, { token: 'new', refreshToken: 'ref-new', expiresAt: inMs(8 * 3600_000) });
    const a = createSentryTokens(options());
    const b = createSentryTokens(options({ store: await h.other() }));
    const c = createSentryTokens(options({ store: await h.other() }));
    const got = await Promise.all([
      a.tokenForOrg('acme'),
      b.tokenForOrg('acme'),
      c.tokenForInstallation(UUID),
      a.tokenForInstallation(UUID),
    ]);
    expect(got).toEqual(['new', 'new', 'new', 'new']);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
    // The lock was released: a later refresh can run.
    expect(await store.claim(`sentry:token-refresh:${UUID}`, 5)).toBe(true);
  });

  it('frees only its own refresh lock: a refresh slower than the lock leaves the next holder locked', async () => {
    await installed('old', 'ref-old', inMs(-5_000));
    const lock = `sentry:token-refresh:${UUID}`;
    nock(BASE)
      .post(AUTH_PATH)
      .delay(1600)
      .reply(201, { token: 'new', refreshToken: 'ref-new', expiresAt: inMs(8 * 3600_000) });
    const slow = createSentryTokens(options({ lockTtlSec: 1 })).tokenForOrg('acme');
    // The slow refresher's lock runs out; another process takes it for itself.
    let taken = false;
    for (let i = 0; i < 100 && !taken; i++) {
      await new Promise((r) => setTimeout(r, 50));
      taken = await store.claimAs(lock, 'other-process', 30);
    }
    expect(taken).toBe(true);
    expect(await slow).toBe('new');
    // The slow one is done and released: the other's lock is still held, and only the other frees it.
    expect(await store.claimAs(lock, 'third', 30)).toBe(false);
    expect(await store.releaseIfOwner(lock, 'third')).toBe(false);
    expect(await store.releaseIfOwner(lock, 'other-process')).toBe(true);
    expect(await store.claimAs(lock, 'third', 30)).toBe(true);
  });

  it('fails an expired token whose refresh is refused, but still uses one that has not quite expired', async () => {
    await installed('old', 'ref-old', inMs(-1));
    nock(BASE).post(AUTH_PATH).reply(401, { detail: 'revoked' });
    expect((await rejection(createSentryTokens(options()).tokenForOrg('acme'))).code).toBe('unauthorized');

    await installed('almost', 'ref-old', inMs(20_000));
    nock(BASE).post(AUTH_PATH).reply(503);
    expect(await createSentryTokens(options()).tokenForOrg('acme')).toBe('almost');
  });

  it('falls back to SENTRY_AUTH_TOKEN when no installation token exists', async () => {
    const tokens = createSentryTokens(options({ fallbackToken: 'internal' }));
    expect(await tokens.tokenForOrg('nobody')).toBe('internal');
    await store.putSentryInstallation({ uuid: UUID, org: 'acme', createdAt: inMs(0), updatedAt: inMs(0) });
    expect(await tokens.tokenForOrg('acme')).toBe('internal');
    expect(await tokens.tokenForInstallation(UUID)).toBe('internal');
  });

  it('throws no_token when there is neither', async () => {
    const tokens = createSentryTokens(options());
    expect((await rejection(tokens.tokenForOrg('acme'))).code).toBe('no_token');
    expect((await rejection(tokens.tokenForInstallation(UUID))).code).toBe('no_token');
  });

  it('treats a token sealed under another key as absent', async () => {
    await installed(createCipher(Buffer.alloc(32, 9).toString('base64')).encrypt('tok', tokenContext(UUID, 'token')), 'x', inMs(3600_000));
    const tokens = createSentryTokens(options({ cipher: createCipher(KEY), fallbackToken: 'internal' }));
    expect(await tokens.tokenForOrg('acme')).toBe('internal');
  });

  it('does not open a sealed token moved from another installation (GCM associated data)', async () => {
    const cipher = createCipher(KEY);
    const OTHER = '11111111-2222-3333-4444-555555555555';
    nock(`${BASE}`)
      .post(`/api/0/sentry-app-installations/${OTHER}/authorizations/`)
      .reply(201, { token: 'other-tok', refreshToken: 'other-ref', expiresAt: inMs(3600_000) });
    const tokens = createSentryTokens(options({ cipher, fallbackToken: 'internal' }));
    await tokens.exchangeCode(OTHER, 'c', 'other-org');
    const theirs = await store.getSentryInstallation(OTHER);
    expect(await tokens.tokenForInstallation(OTHER)).toBe('other-tok');
    // Copied into our record, the sealed values are those of another record: as good as absent.
    await installed(theirs?.token as string, theirs?.refreshToken as string, inMs(3600_000));
    expect(await tokens.tokenForOrg('acme')).toBe('internal');
    expect(() => cipher.decrypt(theirs?.token as string, tokenContext(UUID, 'token'))).toThrow();
    // A token moved into the refresh-token field of its own record does not open either.
    expect(() => cipher.decrypt(theirs?.token as string, tokenContext(OTHER, 'refreshToken'))).toThrow();
  });

  it('still opens a token sealed before values were bound to their record (enc:v1, no associated data)', async () => {
    const { createCipheriv } = await import('node:crypto');
    const iv = Buffer.alloc(12, 1);
    const c = createCipheriv('aes-256-gcm', Buffer.from(KEY, 'base64'), iv);
    const body = Buffer.concat([c.update('legacy-tok', 'utf8'), c.final()]);
    const legacy = `enc:v1:${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`;
    await installed(legacy, 'x', inMs(3600_000));
    const tokens = createSentryTokens(options({ cipher: createCipher(KEY), fallbackToken: 'internal' }));
    expect(await tokens.tokenForOrg('acme')).toBe('legacy-tok');
  });

  it('forget drops the tokens', async () => {
    await installed('tok', 'ref', inMs(3600_000));
    const tokens = createSentryTokens(options());
    expect(await tokens.tokenForOrg('acme')).toBe('tok');
    await tokens.forget(UUID);
    expect(await store.getSentryInstallation(UUID)).toMatchObject({ token: null, refreshToken: null });
    expect((await rejection(tokens.tokenForOrg('acme'))).code).toBe('no_token');
  });
});
