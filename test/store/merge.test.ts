import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTimes, flattenLeaves, HISTORY_CAP, joinPath, mergeState } from '../../src/store/merge.js';

const T1 = '2024-05-01T10:00:00.000Z';
const T2 = '2024-05-01T10:05:00.000Z';
const T3 = '2024-05-01T10:10:00.000Z';

describe('flattenLeaves', () => {
  it('treats plain objects as branches and everything else as leaves, skipping undefined', () => {
    const leaves = flattenLeaves({ a: { b: 1, c: [1, { d: 2 }] }, e: null, f: undefined, g: {}, h: 'x' });
    expect(leaves.map((l) => [joinPath(l.path), l.value])).toEqual([
      ['a.b', 1],
      ['a.c', [1, { d: 2 }]],
      ['e', null],
      ['h', 'x'],
    ]);
  });

  it('escapes dots inside keys', () => {
    expect(joinPath(['com.example.app', 'size'])).toBe('com\\.example\\.app.size');
  });
});

describe('compareTimes', () => {
  it('compares instants, not strings', () => {
    expect(compareTimes('2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000+00:00')).toBe(0);
    expect(compareTimes('2024-05-01T12:00:00+02:00', '2024-05-01T11:00:00Z')).toBeLessThan(0);
  });
});

describe('mergeState', () => {
  it('applies a first patch and records a time per leaf', () => {
    const r = mergeState({}, {}, { status: 'unresolved', title: 'Boom', assignee: { name: 'Ann' } }, T1);
    expect(r.changed).toBe(true);
    expect(r.state).toEqual({ status: 'unresolved', title: 'Boom', assignee: { name: 'Ann' } });
    expect(r.stateTimes).toEqual({ status: T1, title: T1, 'assignee.name': T1 });
  });

  it('does not let a late, older event roll a field back, but fills fields only it knows', () => {
    const newer = mergeState({}, {}, { status: 'resolved', lastSeen: T2 }, T2);
    const late = mergeState(newer.state, newer.stateTimes, { status: 'unresolved', culprit: 'app.js', lastSeen: T1 }, T1);
    expect(late.state).toEqual({ status: 'resolved', lastSeen: T2, culprit: 'app.js' });
    expect(late.stateTimes).toEqual({ status: T2, lastSeen: T2, culprit: T1 });
    expect(late.changed).toBe(true);
  });

  it('lets a newer or equally timed event win', () => {
    const a = mergeState({}, {}, { status: 'resolved' }, T1);
    expect(mergeState(a.state, a.stateTimes, { status: 'unresolved' }, T1).state.status).toBe('unresolved');
    expect(mergeState(a.state, a.stateTimes, { status: 'unresolved' }, T2).state.status).toBe('unresolved');
  });

  it('accumulates Seer stages from events in any order', () => {
    let s = mergeState({}, {}, { runId: 'r1', stages: { solution_started: T2 } }, T2);
    s = mergeState(s.state, s.stateTimes, { stages: { root_cause_completed: T1 } }, T1);
    s = mergeState(s.state, s.stateTimes, { stages: { pr_created: T3 }, pullRequests: [{ number: 7 }] }, T3);
    expect(s.state).toEqual({
      runId: 'r1',
      stages: { solution_started: T2, root_cause_completed: T1, pr_created: T3 },
      pullRequests: [{ number: 7 }],
    });
  });

  it('stores null values and lets them clear older subtrees, but not newer ones', () => {
    const assigned = mergeState({}, {}, { assignee: { name: 'Ann', email: 'ann@x.io' } }, T1);
    const cleared = mergeState(assigned.state, assigned.stateTimes, { assignee: null }, T2);
    expect(cleared.state).toEqual({ assignee: null });
    expect(cleared.stateTimes).toEqual({ assignee: T2 });

    // The older assignment arrives after the unassignment: it stays cleared.
    const stale = mergeState(cleared.state, cleared.stateTimes, { assignee: { name: 'Bob' } }, T1);
    expect(stale.state).toEqual({ assignee: null });
    expect(stale.changed).toBe(false);

    // An older unassignment arriving late does not clear a newer assignment.
    const late = mergeState(assigned.state, { 'assignee.name': T3, 'assignee.email': T3 }, { assignee: null }, T2);
    expect(late.state).toEqual({ assignee: { name: 'Ann', email: 'ann@x.io' } });
  });

  it('treats arrays as whole values', () => {
    const a = mergeState({}, {}, { tags: ['a', 'b'] }, T1);
    const b = mergeState(a.state, a.stateTimes, { tags: ['c'] }, T2);
    expect(b.state).toEqual({ tags: ['c'] });
    expect(b.stateTimes).toEqual({ tags: T2 });
  });

  it('skips undefined, reports no change for a repeat, and never mutates its inputs', () => {
    const state = { status: 'resolved', nested: { a: 1 } };
    const times = { status: T1, 'nested.a': T1 };
    const frozen = JSON.stringify([state, times]);
    const r = mergeState(state, times, { status: 'resolved', nested: { a: 1 }, title: undefined }, T2);
    expect(r.changed).toBe(false);
    expect(r.state).toEqual(state);
    expect(r.stateTimes).toEqual({ status: T2, 'nested.a': T2 });
    expect(JSON.stringify([state, times])).toBe(frozen);
    r.state.nested = { a: 2 };
    expect(state.nested.a).toBe(1);
  });

  it('overrides untimed initial state', () => {
    const r = mergeState({ status: 'unknown', keep: 1 }, {}, { status: 'resolved' }, T1);
    expect(r.state).toEqual({ status: 'resolved', keep: 1 });
  });

  it('gives the same state whatever order patches with distinct times arrive in', () => {
    const key = fc.constantFrom('a', 'b');
    const leafValue = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 }), fc.constant('x'), fc.constant([1]));
    const patch = fc.oneof(
      fc.record({ a: leafValue }),
      fc.record({ a: fc.record({ b: leafValue }) }),
      fc.record({ a: fc.record({ c: leafValue, b: fc.record({ d: leafValue }) }, { requiredKeys: [] }) }),
      fc.dictionary(key, leafValue, { maxKeys: 2 }),
    );
    fc.assert(
      fc.property(fc.array(patch, { minLength: 1, maxLength: 6 }), fc.infiniteStream(fc.nat()), (patches, rnd) => {
        const timed = patches.map((p, i) => ({ p: p, t: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString() }));
        const inOrder = timed.reduce((acc, { p, t }) => mergeState(acc.state, acc.stateTimes, p, t), { state: {}, stateTimes: {} });
        const shuffled = [...timed];
        const it = rnd[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (it.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const anyOrder = shuffled.reduce((acc, { p, t }) => mergeState(acc.state, acc.stateTimes, p, t), { state: {}, stateTimes: {} });
        expect(anyOrder.state).toEqual(inOrder.state);
      }),
      { numRuns: 500 },
    );
  });
});

describe('mergeState and history maps', () => {
  const at = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString();
  const entry = (i: number) => ({ statusHistory: { [`ev.${i}`]: { at: at(i), status: i % 2 ? 'resolved' : 'regressed' } } });

  it('keeps one entry per event id (a redelivery is the same entry) and the newest HISTORY_CAP, whatever the order', () => {
    const n = HISTORY_CAP + 7;
    const events = Array.from({ length: n }, (_, i) => ({ p: entry(i), t: at(i) }));
    const merge = (list: typeof events) =>
      list.reduce((acc, { p, t }) => mergeState(acc.state, acc.stateTimes, p, t), { state: {}, stateTimes: {} } as ReturnType<
        typeof mergeState
      >);
    const inOrder = merge([...events, events[n - 1]]);
    const keys = Object.keys(inOrder.state.statusHistory as object).sort();
    expect(keys).toHaveLength(HISTORY_CAP);
    expect(keys).not.toContain('ev.0');
    expect(keys).toContain(`ev.${n - 1}`);
    // Times of dropped entries go with them: the record stays bounded too.
    expect(Object.keys(inOrder.stateTimes).filter((k) => k.startsWith('statusHistory.'))).toHaveLength(HISTORY_CAP * 2);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: n, maxLength: n }), (shuffled) => {
        const anyOrder = merge(shuffled);
        expect(anyOrder.state).toEqual(inOrder.state);
        expect(anyOrder.stateTimes).toEqual(inOrder.stateTimes);
      }),
      { numRuns: 100 },
    );
  });

  it('leaves other keys alone', () => {
    const big = Object.fromEntries(Array.from({ length: HISTORY_CAP + 5 }, (_, i) => [`k${i}`, i]));
    const r = mergeState({}, {}, { stages: big }, T1);
    expect(Object.keys(r.state.stages as object)).toHaveLength(HISTORY_CAP + 5);
  });
});

describe('mergeState and prototype keys', () => {
  it('skips __proto__, constructor and prototype at any depth', () => {
    // JSON.parse makes `__proto__` an own key, as a payload would.
    const patch = JSON.parse(
      '{"__proto__":{"polluted":"yes"},"a":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"ok":1},"prototype":{"x":1},"constructor":"c"}',
    ) as Record<string, unknown>;
    const r = mergeState({}, {}, patch, T1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.state).toEqual({ a: { ok: 1 } });
    expect(Object.keys(r.stateTimes)).toEqual(['a.ok']);
    expect(Object.getPrototypeOf(r.state.a)).toBe(Object.prototype);
    expect(flattenLeaves(patch).map((l) => joinPath(l.path))).toEqual(['a.ok']);
  });
});
