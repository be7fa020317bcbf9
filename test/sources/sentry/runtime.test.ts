import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupKey } from '../../../src/sources/sentry/runtime.js';
import type { SourceRuntime } from '../../../src/ingest/types.js';
import type { Store } from '../../../src/store/store.js';
import { fixtureEvent as event, META } from './fixtures.js';
import { BASE, onlyLocalNetwork, sentryRuntime, UUID } from './runtime-kit.js';
import { openStore, type OpenStore, type StoreKind } from './stores.js';

const GROUP = '1170820242';

onlyLocalNetwork();

describe.each<StoreKind>(['sqlite', 'redis'])('Sentry runtime on %s', (kind) => {
  let h: OpenStore;
  let store: Store;
  let runtime: SourceRuntime;
  let warnings: Array<{ obj: unknown; msg?: string }>;

  beforeEach(async () => {
    h = await openStore(kind);
    store = h.store;
    warnings = [];
    const logger = { warn: (obj: unknown, msg?: string) => void warnings.push({ obj, msg }), info: () => undefined };
    runtime = sentryRuntime(store, { logger });
  });
  afterEach(async () => {
    nock.cleanAll();
    await h.cleanup();
  });

  describe('handle', () => {
    it('installation.created records the org and exchanges the code', async () => {
      const scope = nock(BASE)
        .post(`/api/0/sentry-app-installations/${UUID}/authorizations/`, {
          grant_type: 'authorization_code',
          code: '8a3f0c2e9b7d4f61a5c2e8d7b6a4f3e1',
          client_id: 'client-id',
          client_secret: 'client-secret',
        })
        .once()
        .reply(201, { token: 'inst-token', refreshToken: 'inst-refresh', expiresAt: '2999-01-01T00:00:00.000Z' });
      expect(await runtime.handle!(event('installation/created.json'))).toBe('consumed');
      expect(scope.isDone()).toBe(true);
      expect(await store.getSentryInstallation(UUID)).toMatchObject({
        uuid: UUID,
        org: 'acme',
        orgName: 'Acme Inc.',
        token: 'inst-token',
        refreshToken: 'inst-refresh',
      });
      expect(await store.findSentryInstallationByOrg('acme')).toMatchObject({ uuid: UUID });
    });

    it('installation.created still records the installation when the exchange fails', async () => {
      nock(BASE).post(`/api/0/sentry-app-installations/${UUID}/authorizations/`).reply(500);
      expect(await runtime.handle!(event('installation/created.json'))).toBe('consumed');
      const rec = await store.getSentryInstallation(UUID);
      expect(rec).toMatchObject({ org: 'acme' });
      expect(rec?.token ?? null).toBeNull();
      expect(warnings.map((w) => w.msg)).toContain('sentry code exchange failed');
      expect(JSON.stringify(warnings)).not.toContain('8a3f0c2e9b7d4f61a5c2e8d7b6a4f3e1');
    });

    it('installation.deleted forgets the installation', async () => {
      await store.putSentryInstallation({
        uuid: UUID,
        org: 'acme',
        token: 't',
        refreshToken: 'r',
        createdAt: META.receivedAt.toISOString(),
        updatedAt: META.receivedAt.toISOString(),
      });
      expect(await runtime.handle!(event('installation/deleted.json'))).toBe('consumed');
      expect(await store.getSentryInstallation(UUID)).toBeNull();
    });

    it('lets every other event continue', async () => {
      expect(await runtime.handle!(event('issue/created.json'))).toBe('continue');
      expect(await runtime.handle!(event('seer/pr_created.json'))).toBe('continue');
    });
  });

  describe('resolve', () => {
    it("prefers the installation's org to the payload's", async () => {
      await store.putSentryInstallation({
        uuid: UUID,
        org: 'acme-corp',
        createdAt: META.receivedAt.toISOString(),
        updatedAt: META.receivedAt.toISOString(),
      });
      const ev = await runtime.resolve(event('error/created.json'));
      expect(ev.routing).toMatchObject({ org: 'acme-corp', project: 'mobile-app', groupId: GROUP });
      expect(ev.state).toMatchObject({ org: 'acme-corp' });
    });

    it('routes a comment (no URLs, no installation) by the org learned from its issue, and keeps that org', async () => {
      await runtime.resolve(event('error/created.json'));
      const comment = await runtime.resolve(event('comment/created.json'));
      expect(comment.routing).toMatchObject({ org: 'acme', project: 'mobile-app', groupId: GROUP });
      expect(await store.getRecord(groupKey(GROUP))).toEqual({ org: 'acme', project: 'mobile-app' });
    });

    it('keeps the URL org when no installation is known', async () => {
      const ev = await runtime.resolve(event('error/created.json'));
      expect(ev.routing).toMatchObject({ org: 'acme', project: 'mobile-app' });
    });

    it('learns group → project from events and routes Seer by it', async () => {
      await runtime.resolve(event('issue/created.json'));
      expect(await store.getRecord(groupKey(GROUP))).toEqual({ org: 'acme', project: 'mobile-app' });
      const seer = await runtime.resolve(event('seer/root_cause_started.json'));
      expect(seer.routing).toEqual({ installationUuid: UUID, groupId: GROUP, org: 'acme', project: 'mobile-app' });
      expect(seer.state).toMatchObject({ org: 'acme', project: 'mobile-app', runId: '12345' });
    });

    it('routes a comment (project, no org) with the installation org and learns from it', async () => {
      await store.putSentryInstallation({
        uuid: UUID,
        org: 'acme',
        createdAt: META.receivedAt.toISOString(),
        updatedAt: META.receivedAt.toISOString(),
      });
      const ev = await runtime.resolve(event('comment/created.json'));
      expect(ev.routing).toMatchObject({ org: 'acme', project: 'mobile-app' });
      expect(await store.getRecord(groupKey(GROUP))).toEqual({ org: 'acme', project: 'mobile-app' });
    });

    it('asks Sentry for an unknown Seer group once, then uses the cache', async () => {
      await store.putSentryInstallation({
        uuid: UUID,
        org: 'acme',
        createdAt: META.receivedAt.toISOString(),
        updatedAt: META.receivedAt.toISOString(),
      });
      const scope = nock(BASE, { reqheaders: { authorization: 'Bearer internal-token' } })
        .get(`/api/0/organizations/acme/issues/${GROUP}/`)
        .once()
        .reply(200, { id: GROUP, project: { id: '4504938', slug: 'mobile-app' } });
      const first = await runtime.resolve(event('seer/root_cause_started.json'));
      expect(first.routing).toMatchObject({ org: 'acme', project: 'mobile-app' });
      expect(scope.isDone()).toBe(true);
      expect(await store.getRecord(groupKey(GROUP))).toEqual({ org: 'acme', project: 'mobile-app' });
      // No interceptor is left: a second call to Sentry would fail and leave the project unset.
      const second = await runtime.resolve(event('seer/pr_created.json'));
      expect(second.routing).toMatchObject({ org: 'acme', project: 'mobile-app' });
      expect(warnings).toEqual([]);
    });

    it('returns the event routed as far as it got when the lookup fails', async () => {
      await store.putSentryInstallation({
        uuid: UUID,
        org: 'acme',
        createdAt: META.receivedAt.toISOString(),
        updatedAt: META.receivedAt.toISOString(),
      });
      nock(BASE).get(`/api/0/organizations/acme/issues/${GROUP}/`).reply(404, { detail: 'Not found' });
      const ev = await runtime.resolve(event('seer/coding_started.json'));
      expect(ev.routing).toEqual({ installationUuid: UUID, groupId: GROUP, org: 'acme' });
      expect(warnings.map((w) => w.msg)).toContain('sentry routing lookup failed');
    });

    it('does not call Sentry without an org', async () => {
      const ev = await runtime.resolve(event('seer/root_cause_started.json'));
      expect(ev.routing).toEqual({ installationUuid: UUID, groupId: GROUP });
      expect(nock.pendingMocks()).toEqual([]);
    });

    it('passes events without a group through, with the installation org', async () => {
      await store.putSentryInstallation({
        uuid: UUID,
        org: 'acme-corp',
        createdAt: META.receivedAt.toISOString(),
        updatedAt: META.receivedAt.toISOString(),
      });
      const ev = await runtime.resolve(event('preprod_artifact/size_analysis_completed.json'));
      expect(ev.routing).toMatchObject({ org: 'acme-corp', project: 'mobile-app' });
      const alert = await runtime.resolve(event('metric_alert/critical.json'));
      expect(alert.routing).toMatchObject({ org: 'acme-corp', project: 'mobile-app' });
    });
  });
});
