/** Store contract: threads. */

import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import type { ContractState } from './harness.js';

export function threadContract(t: ContractState): void {
  let store: Store;
  beforeEach(() => {
    store = t.store;
  });

  describe('threads', () => {
    it('is created by exactly one of 20 concurrent claimers, and the owner may claim again', async () => {
      const owners = Array.from({ length: 20 }, (_, i) => `job-${i}:C1`);
      const results = await Promise.all(owners.map((o) => store.claimThread('T1', 'C1', 'sentry:issue:1', o, 'sentry.issue')));
      const winners = results.filter((r) => r.won);
      expect(winners).toHaveLength(1);
      const owner = winners[0].record.owner;
      for (const r of results) expect(r.record.owner).toBe(owner);
      expect(winners[0].record).toMatchObject({
        teamId: 'T1',
        channelId: 'C1',
        threadKey: 'sentry:issue:1',
        ts: null,
        subjectKind: 'sentry.issue',
      });

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

    // The keys of one claim share a hash tag ({c}), as the store asks of its callers (Redis Cluster).
    it('claims and counts in one step, exactly once under concurrency', async () => {
      const results = await Promise.all(Array.from({ length: 30 }, () => store.claimAndCount('{c}cc', 60, '{c}cc-seq')));
      expect(results.filter((r) => r.claimed)).toEqual([{ claimed: true, seq: 1 }]);
      // The losers see a pending claim and its number: a retry can finish what the holder started.
      expect(results.filter((r) => !r.claimed)[0]).toEqual({ claimed: false, pending: true, seq: 1 });
      expect(await store.getCounter('{c}cc-seq')).toBe(1);
      expect(await store.claimAndCount('{c}cc2', 60, '{c}cc-seq')).toEqual({ claimed: true, seq: 2 });
      expect(await store.claimAndCount('{c}cc3', 60)).toEqual({ claimed: true });
      expect(await store.claimAndCount('{c}cc3', 60)).toEqual({ claimed: false, pending: true });
      // Confirmed: no longer pending, and the counter is not touched again.
      expect(await store.extendClaim('{c}cc2', 60)).toBe(true);
      expect(await store.claimAndCount('{c}cc2', 60, '{c}cc-seq')).toEqual({ claimed: false, pending: false });
      expect(await store.getCounter('{c}cc-seq')).toBe(2);
    });

    it('claims an alias (body hash) with the key in one step: either held makes a duplicate', async () => {
      expect(await store.claimAndCount('{c}ak1', 60, '{c}ak-seq', '{c}alias-1')).toEqual({ claimed: true, seq: 1 });
      // Same key (the sender's retry): the pending claim and its number, as without an alias.
      expect(await store.claimAndCount('{c}ak1', 60, '{c}ak-seq', '{c}alias-1')).toEqual({ claimed: false, pending: true, seq: 1 });
      // New key, same alias (a relabelled replay): a duplicate with nothing to finish, no number taken.
      expect(await store.claimAndCount('{c}ak2', 60, '{c}ak-seq', '{c}alias-1')).toEqual({ claimed: false, pending: false });
      expect(await store.getCounter('{c}ak-seq')).toBe(1);
      // The losing key was not claimed: once the alias is released, it can win.
      await store.release('{c}alias-1');
      expect(await store.claimAndCount('{c}ak2', 60, undefined, '{c}alias-1')).toEqual({ claimed: true });
      // Under concurrency with distinct keys and one alias, exactly one wins.
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.claimAndCount(`{c}ak-c${i}`, 60, '{c}ak-seq2', '{c}alias-c')),
      );
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      expect(await store.getCounter('{c}ak-seq2')).toBe(1);
      // Extending confirms each; an expired alias no longer counts.
      expect(await store.extendClaim('{c}alias-1', 60)).toBe(true);
      expect(await store.claimAndCount('{c}ak3', 1, undefined, '{c}alias-short')).toEqual({ claimed: true });
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
}
