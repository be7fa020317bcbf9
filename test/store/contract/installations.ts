/** Store contract: Sentry and Slack installations. */

import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import type { ContractState } from './harness.js';
import type { SentryInstallationRecord } from '../../../src/sources/sentry/installations-repo.js';

export function installationContract(t: ContractState): void {
  let store: Store;
  beforeEach(() => {
    store = t.store;
  });

  describe('installations', () => {
    const inst = (over: Partial<SentryInstallationRecord> = {}): SentryInstallationRecord => ({
      uuid: 'u1',
      org: 'acme',
      orgName: 'Acme',
      token: 'enc:abc',
      refreshToken: 'enc:def',
      expiresAt: '2030-01-01T00:00:00.000Z',
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
      ...over,
    });

    it('stores Sentry installations by uuid and finds them by org', async () => {
      expect(await store.getSentryInstallation('u1')).toBeNull();
      expect(await store.findSentryInstallationByOrg('acme')).toBeNull();
      await store.putSentryInstallation(inst());
      expect(await store.getSentryInstallation('u1')).toEqual(inst());
      expect((await store.findSentryInstallationByOrg('acme'))?.uuid).toBe('u1');

      // A second installation of the org without a token is not preferred.
      await store.putSentryInstallation(inst({ uuid: 'u2', token: null, updatedAt: '2024-06-01T00:00:00.000Z' }));
      expect((await store.findSentryInstallationByOrg('acme'))?.uuid).toBe('u1');

      await store.putSentryInstallation(inst({ org: 'renamed', updatedAt: '2024-02-01T00:00:00.000Z' }));
      expect((await store.findSentryInstallationByOrg('renamed'))?.uuid).toBe('u1');
      expect((await store.findSentryInstallationByOrg('acme'))?.uuid).toBe('u2');

      await store.deleteSentryInstallation('u1');
      expect(await store.getSentryInstallation('u1')).toBeNull();
      expect(await store.findSentryInstallationByOrg('renamed')).toBeNull();
      await store.deleteSentryInstallation('u1');
    });

    it('stores Slack installations as opaque strings', async () => {
      const value = JSON.stringify({ team: { id: 'T1' }, bot: { token: 'enc:xyz' } });
      expect(await store.getSlackInstallation('T1')).toBeNull();
      await store.putSlackInstallation('T1', value);
      await store.putSlackInstallation('E1', 'not even json');
      expect(await store.getSlackInstallation('T1')).toBe(value);
      expect(await store.getSlackInstallation('E1')).toBe('not even json');
      await store.putSlackInstallation('T1', '{}');
      expect(await store.getSlackInstallation('T1')).toBe('{}');
      await store.deleteSlackInstallation('T1');
      expect(await store.getSlackInstallation('T1')).toBeNull();
    });
  });
}
