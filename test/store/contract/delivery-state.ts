/**
 * Store contract: the delivery's shared state under races and over time: owner-only locks, thread
 * sequence counters that expire, and thread state merged atomically.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import type { ContractState } from './harness.js';
import { sleep } from './harness.js';

export function deliveryStateContract(t: ContractState): void {
  let store: Store;
  beforeEach(() => {
    store = t.store;
  });

  describe('owned locks', () => {
    it('are held by one owner, and only that owner releases them', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimAs('lock', `o${i}`, 60)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const holder = `o${results.indexOf(true)}`;
      const other = holder === 'o0' ? 'o1' : 'o0';
      expect(await store.releaseIfOwner('lock', other)).toBe(false);
      expect(await store.claimAs('lock', other, 60)).toBe(false);
      expect(await store.releaseIfOwner('lock', holder)).toBe(true);
      expect(await store.releaseIfOwner('lock', holder)).toBe(false);
      expect(await store.claimAs('lock', other, 60)).toBe(true);
    });

    it('expire, and a holder whose lock expired and was taken frees nothing', async () => {
      expect(await store.claimAs('slow', 'first', 1)).toBe(true);
      await sleep(1200);
      expect(await store.claimAs('slow', 'second', 60)).toBe(true);
      expect(await store.releaseIfOwner('slow', 'first')).toBe(false);
      expect(await store.claimAs('slow', 'third', 60)).toBe(false);
    });

    it('are told apart from a plain claim on another key and from pending dedup claims', async () => {
      expect(await store.claim('plain', 60)).toBe(true);
      expect(await store.releaseIfOwner('plain', '1')).toBe(false);
      expect(await store.claim('plain', 60)).toBe(false);
      // One hash tag: a claim and its counter are one script, which a Cluster runs within one slot.
      expect((await store.claimAndCount('pending{s1}', 60, 'ctr{s1}')).claimed).toBe(true);
      expect(await store.releaseIfOwner('pending{s1}', 'p:1')).toBe(false);
    });
  });

  describe('fenced post attempts', () => {
    it('let a newer run take over an ended attempt, and fence the older run out', async () => {
      expect(await store.markAttempt('att', 1, 60_000, 60)).toEqual({ result: 'marked', previous: null });
      // Run 1 may have posted (a timeout): it ends the attempt, and run 2 takes it over with run 1's marker.
      await store.endAttempt('att', 1, true);
      const second = await store.markAttempt('att', 2, 60_000, 60);
      expect(second.result).toBe('marked');
      const previous = second.result === 'marked' ? second.previous : null;
      expect(previous).toMatchObject({ token: 1, ended: true });
      // Run 1, stale, can neither mark again nor end run 2's attempt.
      expect(await store.markAttempt('att', 1, 60_000, 60)).toEqual({ result: 'fenced' });
      await store.endAttempt('att', 1, false);
      expect(await store.getRecord('att')).toMatchObject({ token: 2, ended: false, first: previous?.first });
    });

    it('keep a newer run waiting while an older attempt may be in flight, and not after it is stale', async () => {
      expect((await store.markAttempt('live', 4, 800, 60)).result).toBe('marked');
      const busy = await store.markAttempt('live', 5, 800, 60);
      expect(busy.result).toBe('busy');
      expect(busy.result === 'busy' && busy.retryInMs > 0 && busy.retryInMs <= 800).toBe(true);
      await sleep(900);
      const after = await store.markAttempt('live', 5, 800, 60);
      expect(after.result === 'marked' && after.previous?.token).toBe(4);
    });

    it('delete an attempt that certainly posted nothing, so the next run needs no lookup', async () => {
      expect((await store.markAttempt('none', 1, 60_000, 60)).result).toBe('marked');
      await store.endAttempt('none', 1, false);
      expect(await store.getRecord('none')).toBeNull();
      expect(await store.markAttempt('none', 2, 60_000, 60)).toEqual({ result: 'marked', previous: null });
    });

    it("keep an earlier run's possible message in view when a later run posted nothing", async () => {
      expect((await store.markAttempt('took', 1, 0, 60)).result).toBe('marked');
      // Run 1 died after posting; run 2 took the part over, then was held back before its own call.
      await sleep(5);
      const second = await store.markAttempt('took', 2, 0, 60);
      expect(second.result === 'marked' && second.previous?.token).toBe(1);
      await store.endAttempt('took', 2, false);
      const third = await store.markAttempt('took', 3, 0, 60);
      expect(third.result === 'marked' && third.previous).toMatchObject({ token: 2, ended: true });
      expect(third.result === 'marked' && third.previous && third.previous.first < third.previous.at).toBe(true);
    });

    it("read an earlier version's bare attempt time as an older run", async () => {
      const at = Date.now() - 120_000;
      await store.setRecord('legacy', at, 60);
      const m = await store.markAttempt('legacy', 1, 60_000, 60);
      expect(m).toEqual({ result: 'marked', previous: { token: 0, at, first: at, ended: false } });
    });

    it('give one of 20 concurrent runs of a part the attempt, across two store instances', async () => {
      const other = await t.h.reopen();
      t.reopened.push(other);
      const marks = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).markAttempt('race', i + 1, 60_000, 60)));
      const marked = marks.map((m, i) => (m.result === 'marked' ? i + 1 : 0)).filter(Boolean);
      // Whoever came first marked it; a lower token after it is fenced, a higher one waits.
      expect(marked).toHaveLength(1);
      expect((await store.getRecord<{ token: number }>('race'))?.token).toBe(marked[0]);
      for (const [i, m] of marks.entries()) if (m.result !== 'marked') expect(m.result).toBe(i + 1 < marked[0] ? 'fenced' : 'busy');
    });
  });

  describe('leases (a counting semaphore)', () => {
    it('hands out at most `limit` places among concurrent holders, across two store instances', async () => {
      const other = await t.h.reopen();
      t.reopened.push(other);
      const got = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? other : store).acquireLease('team:T1', `h${i}`, 8, 60_000)),
      );
      expect(got.filter(Boolean)).toHaveLength(8);
      const holder = `h${got.indexOf(true)}`;
      // A holder asking again keeps its place; a release frees one for another.
      expect(await store.acquireLease('team:T1', holder, 8, 60_000)).toBe(true);
      expect(await store.acquireLease('team:T1', 'late', 8, 60_000)).toBe(false);
      await other.releaseLease('team:T1', holder);
      expect(await store.acquireLease('team:T1', 'late', 8, 60_000)).toBe(true);
      expect(await store.acquireLease('team:T1', 'later', 8, 60_000)).toBe(false);
      // Another key has its own places.
      expect(await store.acquireLease('team:T2', 'x', 8, 60_000)).toBe(true);
    });

    it("gives a crashed holder's place back when its lease runs out", async () => {
      expect(await store.acquireLease('team:T3', 'crashed', 1, 500)).toBe(true);
      expect(await store.acquireLease('team:T3', 'next', 1, 500)).toBe(false);
      await sleep(700);
      expect(await store.acquireLease('team:T3', 'next', 1, 60_000)).toBe(true);
    });
  });

  describe('expiring counters', () => {
    it('read 0 after their TTL and count again from 1; incr keeps the TTL', async () => {
      expect(await store.incr('seq:t')).toBe(1);
      await store.expireCounter('seq:t', 1);
      expect(await store.incr('seq:t')).toBe(2);
      expect(await store.raiseCounter('seqdone:t', 2)).toBe(2);
      await store.expireCounter('seqdone:t', 1);
      expect(await store.getCounter('seq:t')).toBe(2);
      expect(await store.getCounter('seqdone:t')).toBe(2);
      await sleep(1300);
      expect(await store.getCounter('seq:t')).toBe(0);
      expect(await store.getCounter('seqdone:t')).toBe(0);
      expect(await store.incr('seq:t')).toBe(1);
      expect(await store.raiseCounter('seqdone:t', 1)).toBe(1);
    });

    it('take a TTL with incr only when the counter starts, and with raiseCounter every time', async () => {
      expect(await store.incr('run:a', 1)).toBe(1);
      expect(await store.incr('run:a', 60)).toBe(2); // running: keeps the 1 s expiry
      expect(await store.raiseCounter('done:a', 4, 1)).toBe(4);
      expect(await store.raiseCounter('done:b', 4)).toBe(4);
      expect(await store.raiseCounter('done:b', 2, 1)).toBe(4); // not raised: still expires
      expect(await store.raiseCounter('done:c', 3, 1)).toBe(3);
      expect(await store.raiseCounter('done:c', 5)).toBe(5); // raised without a TTL: may drop it
      expect(await store.raiseCounter('done:c', 6, 60)).toBe(6); // set again: lives on
      await sleep(1300);
      expect(await store.getCounter('run:a')).toBe(0);
      expect(await store.getCounter('done:a')).toBe(0);
      expect(await store.getCounter('done:b')).toBe(0);
      expect(await store.getCounter('done:c')).toBe(6);
      expect(await store.incr('run:a', 60)).toBe(1);
    });

    it('outlive their TTL when it is set again (a thread that keeps moving)', async () => {
      await store.incr('seq:moving');
      await store.expireCounter('seq:moving', 1);
      await sleep(600);
      await store.expireCounter('seq:moving', 2);
      await sleep(700);
      expect(await store.getCounter('seq:moving')).toBe(1);
    });

    it('count on with a claim after they expired', async () => {
      await store.claimAndCount('d1{s2}', 60, 'seq:{s2}:c');
      await store.expireCounter('seq:{s2}:c', 1);
      await sleep(1200);
      expect(await store.claimAndCount('d2{s2}', 60, 'seq:{s2}:c')).toEqual({ claimed: true, seq: 1 });
    });
  });

  describe('mergeThreadState', () => {
    it('merges by event time and answers the merged record; null without a thread', async () => {
      expect(await store.mergeThreadState('T1', 'C1', 'none', { a: 1 }, '2024-01-01T00:00:00Z')).toBeNull();
      await store.claimThread('T1', 'C1', 'k', 'job:C1');
      await store.updateThread('T1', 'C1', 'k', { ts: '1700000000.000100' });
      const a = await store.mergeThreadState('T1', 'C1', 'k', { status: 'resolved', title: 'Boom' }, '2024-01-02T00:00:00Z');
      expect(a).toMatchObject({ ts: '1700000000.000100', state: { status: 'resolved', title: 'Boom' } });
      // An older event fills in what it alone knows, and does not roll the status back.
      const b = await store.mergeThreadState('T1', 'C1', 'k', { status: 'unresolved', culprit: 'x.js' }, '2024-01-01T00:00:00Z');
      expect(b?.state).toEqual({ status: 'resolved', title: 'Boom', culprit: 'x.js' });
      expect((await store.getThread('T1', 'C1', 'k'))?.state).toEqual(b?.state);
      expect((await store.findThreadByTs('T1', 'C1', '1700000000.000100'))?.state).toEqual(b?.state);
    });

    it('merges into the current state when the record the caller passes as seen is stale', async () => {
      const claimed = await store.claimThread('T1', 'C1', 'seen', 'job:C1');
      expect(claimed.won).toBe(true);
      // Another writer changes the state after the claim answered.
      await store.mergeThreadState('T1', 'C1', 'seen', { assignee: 'ana', status: 'unresolved' }, '2024-01-01T00:00:00Z');
      const merged = await store.mergeThreadState('T1', 'C1', 'seen', { status: 'resolved' }, '2024-01-02T00:00:00Z', claimed.record);
      expect(merged?.state).toEqual({ assignee: 'ana', status: 'resolved' });
      expect((await store.getThread('T1', 'C1', 'seen'))?.state).toEqual({ assignee: 'ana', status: 'resolved' });
      // A fresh one is used as is, and the answer is the whole record.
      const fresh = await store.getThread('T1', 'C1', 'seen');
      const again = await store.mergeThreadState('T1', 'C1', 'seen', { title: 'Boom' }, '2024-01-03T00:00:00Z', fresh ?? undefined);
      expect(again).toMatchObject({ owner: 'job:C1', state: { assignee: 'ana', status: 'resolved', title: 'Boom' } });
      // A thread released meanwhile is not brought back.
      const gone = await store.claimThread('T1', 'C1', 'gone', 'job:C2');
      await store.releaseThread('T1', 'C1', 'gone', 'job:C2');
      expect(await store.mergeThreadState('T1', 'C1', 'gone', { a: 1 }, '2024-01-01T00:00:00Z', gone.record)).toBeNull();
      expect(await store.getThread('T1', 'C1', 'gone')).toBeNull();
    });

    it('keeps every field of 100 concurrent button/webhook pairs on one thread, across two store instances', async () => {
      await store.claimThread('T1', 'C1', 'race', 'job:C1');
      await store.updateThread('T1', 'C1', 'race', { ts: '1700000000.000200' });
      const other = await t.h.reopen();
      t.reopened.push(other);
      const at = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => [
          // The button (one process) and the webhook (another) for one change, each with its own fields.
          store.mergeThreadState('T1', 'C1', 'race', { [`button${i}`]: i, lastChangeBy: `u${i}` }, at(i)),
          other.mergeThreadState('T1', 'C1', 'race', { [`hook${i}`]: { n: i }, status: i % 2 ? 'resolved' : 'unresolved' }, at(i)),
        ]).flat(),
      );
      expect(results.every((r) => r !== null)).toBe(true);
      const final = await store.getThread('T1', 'C1', 'race');
      for (let i = 0; i < 100; i++) {
        expect(final?.state[`button${i}`]).toBe(i);
        expect(final?.state[`hook${i}`]).toEqual({ n: i });
      }
      // The newest event's values win whatever order the merges ran in.
      expect(final?.state.lastChangeBy).toBe('u99');
      expect(final?.state.status).toBe('resolved');
      expect(final?.ts).toBe('1700000000.000200');
    }, 60_000);
  });
}
