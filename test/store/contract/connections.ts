/** Store contract: connections (which team connected which Sentry org or Bugsee token). */

import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/connections/repo.js';
import type { ContractState } from './harness.js';

export function connectionContract(t: ContractState): void {
  const conn = (over: Partial<Connection> = {}): Connection => ({
    source: 'sentry',
    teamId: 'T1',
    key: 'acme',
    label: 'acme',
    data: { installationUuid: 'u1' },
    createdBy: 'U1',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...over,
  });

  describe('connections', () => {
    it('puts, replaces and lists by team, by source and key, and by source', async () => {
      const store = t.store;
      expect(await store.listConnections({ teamId: 'T1' })).toEqual([]);
      await store.putConnection(conn());
      await store.putConnection(conn({ teamId: 'T2' }));
      await store.putConnection(conn({ key: 'globex', label: 'globex' }));
      await store.putConnection(conn({ source: 'bugsee', key: 'h1', label: 'webhook', data: { token: 'sealed' } }));
      // Same source, team and key: replaced, not added.
      await store.putConnection(conn({ label: 'acme (renamed)' }));

      const t1 = await store.listConnections({ teamId: 'T1' });
      expect(t1.map((c) => `${c.source}/${c.key}/${c.label}`).sort()).toEqual([
        'bugsee/h1/webhook',
        'sentry/acme/acme (renamed)',
        'sentry/globex/globex',
      ]);
      expect((await store.listConnections({ source: 'sentry', key: 'acme' })).map((c) => c.teamId).sort()).toEqual(['T1', 'T2']);
      expect((await store.listConnections({ source: 'sentry' })).length).toBe(3);
      expect(await store.listConnections({ source: 'bugsee', key: 'h1' })).toEqual([
        conn({ source: 'bugsee', key: 'h1', label: 'webhook', data: { token: 'sealed' } }),
      ]);
      expect(await store.listConnections({ source: 'bugsee', teamId: 'T2' })).toEqual([]);
      expect(await store.listConnections({ source: 'sentry', key: 'nope' })).toEqual([]);
    });

    it('deletes by every field given, and only those rows', async () => {
      const store = t.store;
      await store.putConnection(conn());
      await store.putConnection(conn({ teamId: 'T2' }));
      await store.putConnection(conn({ source: 'bugsee', key: 'h1' }));
      await store.putConnection(conn({ source: 'bugsee', key: 'h2', expiresAt: '2026-01-02T00:00:00.000Z' }));

      expect(await store.deleteConnections({ source: 'sentry', teamId: 'T1', key: 'acme' })).toBe(1);
      expect(await store.deleteConnections({ source: 'sentry', teamId: 'T1', key: 'acme' })).toBe(0);
      expect((await store.listConnections({ source: 'sentry', key: 'acme' })).map((c) => c.teamId)).toEqual(['T2']);
      expect(await store.deleteConnections({ source: 'bugsee', teamId: 'T1' })).toBe(2);
      expect(await store.listConnections({ teamId: 'T1' })).toEqual([]);
      expect(await store.listConnections({ source: 'bugsee', key: 'h2' })).toEqual([]);
      expect(await store.deleteConnections({ source: 'sentry', key: 'acme' })).toBe(1);
      expect(await store.listConnections({ source: 'sentry' })).toEqual([]);
    });

    it('keeps connections across a reopen', async () => {
      await t.store.putConnection(conn());
      await t.store.close();
      const again = await t.h.reopen();
      t.reopened.push(again);
      expect(await again.listConnections({ source: 'sentry', key: 'acme' })).toEqual([conn()]);
    });
  });
}
