/**
 * One behavioural contract for every `Store`: the Redis and SQLite suites both run it, so the two
 * stay interchangeable. Each test gets a fresh, empty store (own key prefix or own file).
 */

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetter, SentryInstallationRecord, Store, Subscription } from '../../src/store/store.js';

export interface StoreHarness {
  store: Store;
  /** A new store on the same data (same file / same prefix), e.g. after `store.close()`. */
  reopen: () => Promise<Store>;
  /** Closes what is still open and deletes the data. */
  cleanup: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sub(over: Partial<Subscription> = {}): Subscription {
  return {
    id: randomUUID(),
    teamId: 'T1',
    channelId: 'C1',
    source: 'sentry',
    target: 'acme/web',
    kinds: [],
    filters: {},
    createdAt: new Date().toISOString(),
    ...over,
  };
}

function dead(id: string, over: Partial<DeadLetter> = {}): DeadLetter {
  return { id, source: 'sentry', reason: 'schema', body: '{"a":1}', createdAt: new Date().toISOString(), ...over };
}

export function storeContract(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    const reopened: Store[] = [];

    beforeEach(async () => {
      h = await makeStore();
      store = h.store;
    });
    afterEach(async () => {
      for (const s of reopened.splice(0)) await s.close();
      await h.cleanup();
    });

    it('pings', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('claim', () => {
      it('is true once, then false until released', async () => {
        expect(await store.claim('d1', 60)).toBe(true);
        expect(await store.claim('d1', 60)).toBe(false);
        expect(await store.claim('d2', 60)).toBe(true);
        await store.release('d1');
        expect(await store.claim('d1', 60)).toBe(true);
      });

      it('expires after its TTL', async () => {
        expect(await store.claim('ttl', 1)).toBe(true);
        expect(await store.claim('ttl', 1)).toBe(false);
        await sleep(1200);
        expect(await store.claim('ttl', 1)).toBe(true);
      });

      it('has exactly one winner among 50 concurrent callers', async () => {
        const results = await Promise.all(Array.from({ length: 50 }, () => store.claim('race', 60)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('records', () => {
      it('sets, gets, overwrites and deletes JSON values', async () => {
        expect(await store.getRecord('r')).toBeNull();
        await store.setRecord('r', { a: 1, b: ['x', null], c: 'é' });
        expect(await store.getRecord('r')).toEqual({ a: 1, b: ['x', null], c: 'é' });
        await store.setRecord('r', 42);
        expect(await store.getRecord<number>('r')).toBe(42);
        await store.setRecord('s', 'text');
        expect(await store.getRecord('s')).toBe('text');
        await store.deleteRecord('r');
        expect(await store.getRecord('r')).toBeNull();
        expect(await store.getRecord('s')).toBe('text');
      });

      it('expires after its TTL, and an overwrite without TTL keeps it', async () => {
        await store.setRecord('short', { v: 1 }, 1);
        await store.setRecord('kept', { v: 2 }, 1);
        await store.setRecord('kept', { v: 3 });
        expect(await store.getRecord('short')).toEqual({ v: 1 });
        await sleep(1200);
        expect(await store.getRecord('short')).toBeNull();
        expect(await store.getRecord('kept')).toEqual({ v: 3 });
      });
    });

    describe('counters', () => {
      it('increments from 1 and reads 0 when absent', async () => {
        expect(await store.getCounter('c')).toBe(0);
        expect(await store.incr('c')).toBe(1);
        expect(await store.incr('c')).toBe(2);
        expect(await store.getCounter('c')).toBe(2);
      });

      it('gives every concurrent incr a distinct value', async () => {
        const results = await Promise.all(Array.from({ length: 40 }, () => store.incr('ci')));
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(await store.getCounter('ci')).toBe(40);
      });

      it('raises but never lowers', async () => {
        expect(await store.raiseCounter('r', 5)).toBe(5);
        expect(await store.raiseCounter('r', 3)).toBe(5);
        expect(await store.getCounter('r')).toBe(5);
        expect(await store.raiseCounter('r', 9)).toBe(9);
        expect(await store.incr('r')).toBe(10);
      });

      it('ends at the maximum under concurrent raises', async () => {
        const values = Array.from({ length: 30 }, (_, i) => ((i * 7) % 30) + 1);
        const results = await Promise.all(values.map((v) => store.raiseCounter('rc', v)));
        results.forEach((r, i) => expect(r).toBeGreaterThanOrEqual(values[i]));
        expect(await store.getCounter('rc')).toBe(30);
      });
    });

    describe('capped lists', () => {
      it('keeps the newest entries, newest first', async () => {
        for (let i = 1; i <= 7; i++) await store.pushCapped('l', { i }, 5);
        expect(await store.listCapped('l', 10)).toEqual([{ i: 7 }, { i: 6 }, { i: 5 }, { i: 4 }, { i: 3 }]);
        expect(await store.listCapped('l', 2)).toEqual([{ i: 7 }, { i: 6 }]);
        expect(await store.listCapped('other', 10)).toEqual([]);
      });

      it('never exceeds the cap under concurrent pushes', async () => {
        await Promise.all(Array.from({ length: 30 }, (_, i) => store.pushCapped('lc', i, 10)));
        const list = await store.listCapped<number>('lc', 100);
        expect(list).toHaveLength(10);
        expect(new Set(list).size).toBe(10);
      });
    });

    describe('reserveSlot', () => {
      it('spaces quick successive reservations by the interval', async () => {
        const waits: number[] = [];
        for (let i = 0; i < 5; i++) waits.push(await store.reserveSlot('ch', 100));
        expect(waits[0]).toBe(0);
        for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1]);
        expect(waits[4]).toBeGreaterThanOrEqual(300);
        expect(await store.reserveSlot('other', 100)).toBe(0);
      });

      it('hands concurrent callers distinct slots', async () => {
        const waits = await Promise.all(Array.from({ length: 5 }, () => store.reserveSlot('cc', 100)));
        waits.sort((a, b) => a - b);
        expect(waits[0]).toBe(0);
        expect(waits[4]).toBeGreaterThanOrEqual(300);
      });
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

    describe('threads', () => {
      it('is created by exactly one of 20 concurrent claimers, and the owner may claim again', async () => {
        const owners = Array.from({ length: 20 }, (_, i) => `job-${i}:C1`);
        const results = await Promise.all(owners.map((o) => store.claimThread('T1', 'C1', 'sentry:issue:1', o, 'sentry.issue')));
        const winners = results.filter((r) => r.won);
        expect(winners).toHaveLength(1);
        const owner = winners[0].record.owner;
        for (const r of results) expect(r.record.owner).toBe(owner);
        expect(winners[0].record).toMatchObject({ teamId: 'T1', channelId: 'C1', threadKey: 'sentry:issue:1', ts: null, subjectKind: 'sentry.issue' });

        expect((await store.claimThread('T1', 'C1', 'sentry:issue:1', owner)).won).toBe(true);
        expect((await store.claimThread('T1', 'C1', 'sentry:issue:1', 'someone-else')).won).toBe(false);
        // Another channel or key is another thread.
        expect((await store.claimThread('T1', 'C2', 'sentry:issue:1', 'someone-else')).won).toBe(true);
      });

      it('records ts and state, and finds the thread by its parent ts', async () => {
        expect(await store.getThread('T1', 'C1', 'k')).toBeNull();
        await store.claimThread('T1', 'C1', 'k', 'o1');
        expect(await store.findThreadByTs('T1', 'C1', '1700000000.000100')).toBeNull();

        await store.updateThread('T1', 'C1', 'k', { ts: '1700000000.000100' });
        const state = { status: 'resolved', stages: { root_cause_started: '2024-01-01T00:00:00Z' }, n: null };
        await store.updateThread('T1', 'C1', 'k', { state, stateTimes: { status: '2024-01-01T00:00:00Z' } });

        const rec = await store.getThread('T1', 'C1', 'k');
        expect(rec).toMatchObject({ ts: '1700000000.000100', owner: 'o1', state, stateTimes: { status: '2024-01-01T00:00:00Z' } });
        expect((await store.findThreadByTs('T1', 'C1', '1700000000.000100'))?.threadKey).toBe('k');
        expect(await store.findThreadByTs('T1', 'C2', '1700000000.000100')).toBeNull();

        await store.updateThread('T1', 'C1', 'k', { ts: null });
        expect((await store.getThread('T1', 'C1', 'k'))?.ts).toBeNull();
        expect(await store.findThreadByTs('T1', 'C1', '1700000000.000100')).toBeNull();
        expect((await store.getThread('T1', 'C1', 'k'))?.state).toEqual(state);
      });

      it('claims and counts in one step, exactly once under concurrency', async () => {
        const results = await Promise.all(Array.from({ length: 30 }, () => store.claimAndCount('cc', 60, 'cc-seq')));
        expect(results.filter((r) => r.claimed)).toEqual([{ claimed: true, seq: 1 }]);
        // The losers see a pending claim and its number: a retry can finish what the holder started.
        expect(results.filter((r) => !r.claimed)[0]).toEqual({ claimed: false, pending: true, seq: 1 });
        expect(await store.getCounter('cc-seq')).toBe(1);
        expect(await store.claimAndCount('cc2', 60, 'cc-seq')).toEqual({ claimed: true, seq: 2 });
        expect(await store.claimAndCount('cc3', 60)).toEqual({ claimed: true });
        expect(await store.claimAndCount('cc3', 60)).toEqual({ claimed: false, pending: true });
        // Confirmed: no longer pending, and the counter is not touched again.
        expect(await store.extendClaim('cc2', 60)).toBe(true);
        expect(await store.claimAndCount('cc2', 60, 'cc-seq')).toEqual({ claimed: false, pending: false });
        expect(await store.getCounter('cc-seq')).toBe(2);
      });

      it('extends a held claim, and not an expired or missing one', async () => {
        expect(await store.claim('ext', 1)).toBe(true);
        expect(await store.extendClaim('ext', 60)).toBe(true);
        await new Promise((r) => setTimeout(r, 1200));
        expect(await store.claim('ext', 60)).toBe(false);
        expect(await store.extendClaim('never-claimed', 60)).toBe(false);
      });

      it('releases a claim only for its owner and only before the parent is posted', async () => {
        await store.claimThread('T1', 'C1', 'rel', 'o1');
        expect(await store.releaseThread('T1', 'C1', 'rel', 'o2')).toBe(false);
        expect(await store.releaseThread('T1', 'C1', 'rel', 'o1')).toBe(true);
        expect(await store.getThread('T1', 'C1', 'rel')).toBeNull();
        expect((await store.claimThread('T1', 'C1', 'rel', 'o2')).won).toBe(true);
        await store.updateThread('T1', 'C1', 'rel', { ts: '1700000000.000200' });
        expect(await store.releaseThread('T1', 'C1', 'rel', 'o2')).toBe(false);
        expect((await store.getThread('T1', 'C1', 'rel'))?.ts).toBe('1700000000.000200');
      });

      it('does not create a thread by updating one that was never claimed', async () => {
        await store.updateThread('T1', 'C1', 'nope', { ts: '1.2', state: { a: 1 } });
        expect(await store.getThread('T1', 'C1', 'nope')).toBeNull();
        expect(await store.findThreadByTs('T1', 'C1', '1.2')).toBeNull();
      });
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

    describe('dead letters', () => {
      it('adds, lists newest first, filters by team, gets and removes', async () => {
        await store.addDeadLetter(dead('d1', { teamId: 'T1', headers: { 'content-type': 'application/json' }, error: [{ path: ['x'] }] }));
        await store.addDeadLetter(dead('d2', { source: 'delivery', reason: 'slack_5xx', teamId: 'T2', job: { id: 'j1' } }));
        // Distinct bodies: one body is kept once (see the dedup tests).
        await store.addDeadLetter(dead('d3', { teamId: 'T1', body: '{"a":3}' }));
        await store.addDeadLetter(dead('d4', { body: '{"a":4}' }));

        expect((await store.listDeadLetters(10)).map((d) => d.id)).toEqual(['d4', 'd3', 'd2', 'd1']);
        expect((await store.listDeadLetters(2)).map((d) => d.id)).toEqual(['d4', 'd3']);
        expect((await store.listDeadLetters(10, { teamId: 'T1' })).map((d) => d.id)).toEqual(['d3', 'd1']);
        expect((await store.listDeadLetters(10, { teamId: 'T9' }))).toEqual([]);

        expect(await store.getDeadLetter('d1')).toMatchObject({
          id: 'd1',
          source: 'sentry',
          reason: 'schema',
          teamId: 'T1',
          body: '{"a":1}',
          headers: { 'content-type': 'application/json' },
          error: [{ path: ['x'] }],
        });
        expect((await store.getDeadLetter('d2'))?.job).toEqual({ id: 'j1' });
        expect(await store.getDeadLetter('nope')).toBeNull();

        expect(await store.removeDeadLetter('d3')).toBe(true);
        expect(await store.removeDeadLetter('d3')).toBe(false);
        expect(await store.getDeadLetter('d3')).toBeNull();
        expect((await store.listDeadLetters(10)).map((d) => d.id)).toEqual(['d4', 'd2', 'd1']);
        expect((await store.listDeadLetters(10, { teamId: 'T1' })).map((d) => d.id)).toEqual(['d1']);
      });
    });

    it('keeps everything after close and reopen', async () => {
      await store.claim('seen', 600);
      await store.setRecord('rec', { x: 1 });
      await store.incr('cnt');
      await store.pushCapped('list', 'a', 5);
      await store.upsertSubscription(sub({ id: 's1' }));
      await store.claimThread('T1', 'C1', 'k', 'o1', 'sentry.issue');
      await store.updateThread('T1', 'C1', 'k', { ts: '1.000001', state: { status: 'resolved' }, stateTimes: { status: 't' } });
      await store.putSentryInstallation({ uuid: 'u1', org: 'acme', createdAt: 't', updatedAt: 't' });
      await store.putSlackInstallation('T1', '{"a":1}');
      await store.addDeadLetter(dead('d1', { teamId: 'T1' }));
      await store.close();

      const again = await h.reopen();
      reopened.push(again);
      expect(await again.claim('seen', 600)).toBe(false);
      expect(await again.getRecord('rec')).toEqual({ x: 1 });
      expect(await again.getCounter('cnt')).toBe(1);
      expect(await again.listCapped('list', 5)).toEqual(['a']);
      expect((await again.findSubscriptions('sentry', ['acme/web'])).map((s) => s.id)).toEqual(['s1']);
      expect(await again.getThread('T1', 'C1', 'k')).toMatchObject({ ts: '1.000001', owner: 'o1', state: { status: 'resolved' } });
      expect((await again.findThreadByTs('T1', 'C1', '1.000001'))?.threadKey).toBe('k');
      expect((await again.claimThread('T1', 'C1', 'k', 'o2')).won).toBe(false);
      expect((await again.findSentryInstallationByOrg('acme'))?.uuid).toBe('u1');
      expect(await again.getSlackInstallation('T1')).toBe('{"a":1}');
      expect((await again.listDeadLetters(5, { teamId: 'T1' })).map((d) => d.id)).toEqual(['d1']);
    });
  });
}
