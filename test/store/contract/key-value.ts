/** Store contract: claims, records, counters, capped lists and pacing. */

import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import type { ContractState } from './harness.js';
import { sleep } from './harness.js';

export function keyValueContract(t: ContractState): void {
  let store: Store;
  beforeEach(() => {
    store = t.store;
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
}
