/** Store contract: subscriptions. */

import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import type { ContractState } from './harness.js';
import { sub } from './harness.js';

export function subscriptionContract(t: ContractState): void {
  let store: Store;
  beforeEach(() => {
    store = t.store;
  });

  describe('subscriptions', () => {
    it('upserts by team, channel, source and target, keeping the first id', async () => {
      const first = await store.upsertSubscription(sub({ id: 'sub-1', kinds: ['issue'] }));
      expect(first.id).toBe('sub-1');
      const again = await store.upsertSubscription(sub({ id: 'sub-2', kinds: ['seer'], filters: { level: 'error' } }));
      expect(again.id).toBe('sub-1');
      expect(again.kinds).toEqual(['seer']);
      expect(await store.getSubscription('sub-2')).toBeNull();
      const stored = await store.getSubscription('sub-1');
      expect(stored).toMatchObject({ id: 'sub-1', kinds: ['seer'], filters: { level: 'error' }, target: 'acme/web' });
      expect(await store.listSubscriptions()).toHaveLength(1);
    });

    it('finds by target across teams, and lists by team and channel', async () => {
      await store.upsertSubscription(sub({ id: 'a', teamId: 'T1', channelId: 'C1', target: 'acme/web' }));
      await store.upsertSubscription(sub({ id: 'b', teamId: 'T2', channelId: 'C9', target: 'acme/web' }));
      await store.upsertSubscription(sub({ id: 'c', teamId: 'T1', channelId: 'C2', target: 'acme/*' }));
      await store.upsertSubscription(sub({ id: 'd', teamId: 'T1', channelId: 'C1', target: 'other/api' }));
      await store.upsertSubscription(sub({ id: 'e', teamId: 'T1', channelId: 'C1', source: 'bugsee', target: 'acme/web' }));

      const found = await store.findSubscriptions('sentry', ['acme/web', 'acme/*']);
      expect(found.map((s) => s.id).sort()).toEqual(['a', 'b', 'c']);
      expect((await store.findSubscriptions('bugsee', ['acme/web'])).map((s) => s.id)).toEqual(['e']);
      expect(await store.findSubscriptions('sentry', ['nobody/none'])).toEqual([]);
      expect(await store.findSubscriptions('sentry', [])).toEqual([]);

      expect((await store.listSubscriptions({ teamId: 'T1' })).map((s) => s.id).sort()).toEqual(['a', 'c', 'd', 'e']);
      expect((await store.listSubscriptions({ teamId: 'T1', channelId: 'C1' })).map((s) => s.id).sort()).toEqual(['a', 'd', 'e']);
      expect((await store.listSubscriptions({ teamId: 'T2' })).map((s) => s.id)).toEqual(['b']);
      expect(await store.listSubscriptions()).toHaveLength(5);
    });

    it('removes one subscription and reports whether it existed', async () => {
      await store.upsertSubscription(sub({ id: 'a' }));
      await store.upsertSubscription(sub({ id: 'b', channelId: 'C2' }));
      expect(await store.removeSubscription('T1', 'C1', 'sentry', 'acme/web')).toBe(true);
      expect(await store.removeSubscription('T1', 'C1', 'sentry', 'acme/web')).toBe(false);
      expect(await store.getSubscription('a')).toBeNull();
      expect((await store.findSubscriptions('sentry', ['acme/web'])).map((s) => s.id)).toEqual(['b']);
      // Subscribing again after removal is a new subscription with the new id.
      expect((await store.upsertSubscription(sub({ id: 'a2' }))).id).toBe('a2');
    });

    it('disables and re-enables', async () => {
      await store.upsertSubscription(sub({ id: 'a' }));
      const disabled = { reason: 'channel_not_found', at: '2024-05-01T00:00:00.000Z' };
      await store.setSubscriptionDisabled('a', disabled);
      expect((await store.getSubscription('a'))?.disabled).toEqual(disabled);
      expect((await store.findSubscriptions('sentry', ['acme/web']))[0].disabled).toEqual(disabled);
      await store.setSubscriptionDisabled('a', null);
      expect((await store.getSubscription('a'))?.disabled ?? null).toBeNull();
      await store.setSubscriptionDisabled('missing', disabled);
      expect(await store.getSubscription('missing')).toBeNull();
    });
  });
}
