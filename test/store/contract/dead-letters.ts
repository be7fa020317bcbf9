/** Store contract: dead letters (dedup, caps per pool, expiry). */

import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import type { ContractState } from './harness.js';
import type { DeadLetter } from '../../../src/store/store.js';
import { dead } from './harness.js';

export function deadLetterContract(t: ContractState): void {
  let store: Store;
  beforeEach(() => {
    store = t.store;
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
      expect(await store.listDeadLetters(10, { teamId: 'T9' })).toEqual([]);

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
}

/** Dead letters: one per body, each pool capped on its own, gone after their retention. */
export function deadLetterPolicyContract(t: ContractState): void {
  describe('dead letter policy', () => {
    const flood = (i: number, over: Partial<DeadLetter> = {}) =>
      dead(`w${i}`, { teamId: 'T1', body: JSON.stringify({ n: i, pad: 'x'.repeat(200) }), ...over });
    const failed = (i: number) =>
      dead(`f${i}`, { source: 'delivery', reason: 'slack_5xx', teamId: 'T1', body: undefined, job: { id: `j${i}` } });

    it('keeps 100 copies of one body as one dead letter with its count', async () => {
      const store = t.store;
      const answers = [];
      for (let i = 0; i < 100; i++) answers.push(await store.addDeadLetter(dead(`copy-${i}`, { body: '{"same":true}' })));
      expect(answers.filter((a) => a.added)).toHaveLength(1);
      expect(new Set(answers.map((a) => a.id))).toEqual(new Set(['copy-0']));
      const all = await store.listDeadLetters(1000);
      expect(all.map((d) => d.id)).toEqual(['copy-0']);
      expect(all[0].count).toBe(100);
      expect(all[0].bodySha256).toMatch(/^[0-9a-f]{64}$/);
      expect((await store.getDeadLetter('copy-0'))?.count).toBe(100);
      expect((await store.deadLetterStats()).rejected.count).toBe(1);
      // Once it is gone, the same body is kept again.
      expect(await store.removeDeadLetter('copy-0')).toBe(true);
      expect(await store.addDeadLetter(dead('copy-again', { body: '{"same":true}' }))).toEqual({ id: 'copy-again', added: true });
    });

    it('caps rejected webhooks by count, oldest first, and never drops a failed delivery for them', async () => {
      const drops: [string, number][] = [];
      const store = await t.extra({ deadLetters: { limits: { maxCount: 5 }, onDrop: (pool, n) => drops.push([pool, n]) } });
      for (let i = 0; i < 3; i++) await store.addDeadLetter(failed(i));
      for (let i = 0; i < 40; i++) await store.addDeadLetter(flood(i));
      const ids = (await store.listDeadLetters(1000)).map((d) => d.id);
      expect(ids.filter((id) => id.startsWith('w'))).toEqual(['w39', 'w38', 'w37', 'w36', 'w35']);
      expect(ids.filter((id) => id.startsWith('f')).sort()).toEqual(['f0', 'f1', 'f2']);
      for (let i = 0; i < 3; i++) expect((await store.getDeadLetter(`f${i}`))?.job).toEqual({ id: `j${i}` });
      expect(await store.getDeadLetter('w0')).toBeNull();
      const stats = await store.deadLetterStats();
      expect(stats.rejected.count).toBe(5);
      expect(stats.delivery.count).toBe(3);
      expect(stats.limits.maxCount).toBe(5);
      expect(drops.every(([pool]) => pool === 'rejected')).toBe(true);
      expect(drops.reduce((n, [, d]) => n + d, 0)).toBe(35);
    });

    it('caps failed deliveries on their own count too', async () => {
      const store = await t.extra({ deadLetters: { limits: { maxCount: 2 } } });
      for (let i = 0; i < 5; i++) await store.addDeadLetter(failed(i));
      await store.addDeadLetter(flood(0));
      expect((await store.listDeadLetters(100)).map((d) => d.id)).toEqual(['w0', 'f4', 'f3']);
    });

    it('caps rejected webhooks by bytes', async () => {
      const one = Buffer.byteLength(JSON.stringify({ ...flood(10), bodySha256: 'f'.repeat(64) }));
      const maxBytes = one * 4 + one / 2;
      const store = await t.extra({ deadLetters: { limits: { maxBytes } } });
      await store.addDeadLetter(failed(0));
      for (let i = 10; i < 60; i++) await store.addDeadLetter(flood(i));
      const stats = await store.deadLetterStats();
      expect(stats.rejected.bytes).toBeLessThanOrEqual(maxBytes);
      expect(stats.rejected.count).toBe(4);
      expect(stats.rejected.bytes).toBeGreaterThan(0);
      expect((await store.listDeadLetters(100)).map((d) => d.id)).toEqual(['w59', 'w58', 'w57', 'w56', 'f0']);
      await store.removeDeadLetter('w59');
      expect((await store.deadLetterStats()).rejected.count).toBe(3);
    });

    it('expires dead letters of both pools after their retention', async () => {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const store = await t.extra({ deadLetters: { limits: { ttlSeconds: 3600 }, now: () => now } });
      await store.addDeadLetter(flood(1, { teamId: 'T1' }));
      await store.addDeadLetter(failed(1));
      now += 1800_000;
      await store.addDeadLetter(flood(2));
      expect((await store.listDeadLetters(10)).map((d) => d.id)).toEqual(['w2', 'f1', 'w1']);
      now += 1800_001;
      expect((await store.listDeadLetters(10)).map((d) => d.id)).toEqual(['w2']);
      expect((await store.listDeadLetters(10, { teamId: 'T1' })).map((d) => d.id)).toEqual(['w2']);
      expect(await store.getDeadLetter('w1')).toBeNull();
      expect(await store.getDeadLetter('f1')).toBeNull();
      const stats = await store.deadLetterStats();
      expect(stats.rejected.count).toBe(1);
      expect(stats.delivery.count).toBe(0);
      // An expired body is new again.
      expect((await store.addDeadLetter(flood(1))).added).toBe(true);
      now += 3600_001;
      expect(await store.listDeadLetters(10)).toEqual([]);
    });
  });
}
