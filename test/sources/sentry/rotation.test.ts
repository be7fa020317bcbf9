/**
 * SENTRY_CLIENT_SECRET rotation (`old,new`): every listed secret verifies incoming webhooks, and
 * our own requests to Sentry (code exchange, token refresh) carry the newest, the last one.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { startService, type TestService } from '../../helpers/service.js';
import { sentryHeaders } from '../../helpers/signing.js';

const SENTRY = 'https://sentry.test';
const UUID = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';
const AUTH_PATH = `/api/0/sentry-app-installations/${UUID}/authorizations/`;
const OLD = 'rotation-old-secret';
const MID = 'rotation-mid-secret';
const NEW = 'rotation-new-secret';

let svc: TestService;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1'));
  svc = await startService(
    'sqlite',
    { SENTRY_CLIENT_SECRET: `${OLD},${MID},${NEW}`, SENTRY_CLIENT_ID: 'client-id', SENTRY_URL: SENTRY },
    { worker: false },
  );
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await svc?.stop();
  nock.enableNetConnect();
});

describe('SENTRY_CLIENT_SECRET=old,mid,new', () => {
  it('verifies webhooks signed with any listed secret, and no other', async () => {
    const body = JSON.stringify({ action: 'created', data: {}, installation: { uuid: UUID } });
    for (const [secret, status] of [
      [OLD, 202],
      [MID, 202],
      [NEW, 202],
      ['not-a-listed-secret', 401],
    ] as const) {
      const res = await fetch(`${svc.url}/webhooks/sentry`, {
        method: 'POST',
        body,
        headers: sentryHeaders(body, 'no_such_resource', secret),
      });
      if (status === 401) expect(res.status, secret).toBe(401);
      else expect(res.status, secret).not.toBe(401);
    }
  });

  it('sends the newest secret in the code exchange and in the token refresh', async () => {
    const seen: string[] = [];
    const record = (body: Record<string, string>) => (seen.push(body.client_secret), true);
    const exchange = nock(SENTRY)
      .post(AUTH_PATH, (b: Record<string, string>) => b.grant_type === 'authorization_code' && record(b))
      .reply(201, { token: 'tok-1', refreshToken: 'ref-1', expiresAt: new Date(Date.now() + 10_000).toISOString() });
    await svc.t.sentryTokens.exchangeCode(UUID, 'the-code', 'acme');
    expect(exchange.isDone()).toBe(true);

    // The stored token expires within the refresh margin, so the next use refreshes it.
    const refresh = nock(SENTRY)
      .post(AUTH_PATH, (b: Record<string, string>) => b.grant_type === 'refresh_token' && b.refresh_token === 'ref-1' && record(b))
      .reply(201, { token: 'tok-2', refreshToken: 'ref-2', expiresAt: new Date(Date.now() + 8 * 3600_000).toISOString() });
    expect(await svc.t.sentryTokens.tokenForInstallation(UUID)).toBe('tok-2');
    expect(refresh.isDone()).toBe(true);
    expect(seen).toEqual([NEW, NEW]);
  });
});
