/** The issue card's history line: ordered by event time, repeats folded, the last steps only. */
import { describe, expect, it } from 'vitest';
import { historyLine, SHOWN } from '../../templates/sentry/history.js';
import { issueHistoryPatch } from '../../src/sources/sentry/issue-history.js';
import type { IssueTransition } from '../../src/sources/sentry/subjects.js';

const at = (m: number) => new Date(Date.UTC(2025, 0, 1, 0, m)).toISOString();

describe('issue history line', () => {
  it('orders by event time, whatever the map order, and names the person', () => {
    const h: Record<string, IssueTransition> = {
      c: { at: at(3), status: 'regressed' },
      a: { at: at(1), status: 'new' },
      b: { at: at(2), status: 'resolved', by: '<!channel> Jane' },
    };
    // Names are payload text: escaped, so a name cannot ping the channel.
    expect(historyLine(h).value).toBe('🕒 new → resolved by &lt;!channel&gt; Jane → regressed');
  });

  it("folds a repeated state (our button, then Sentry's echo) and shows nothing for a single step", () => {
    const h: Record<string, IssueTransition> = {
      a: { at: at(1), status: 'new' },
      b: { at: at(2), status: 'resolved', by: 'Jane' },
      c: { at: at(3), status: 'resolved' },
    };
    expect(historyLine(h).value).toBe('🕒 new → resolved by Jane');
    expect(historyLine({ a: { at: at(1), status: 'new' } }).value).toBe('');
    expect(historyLine(undefined).value).toBe('');
  });

  it(`keeps the last ${SHOWN} steps with an ellipsis in front`, () => {
    const h: Record<string, IssueTransition> = {};
    for (let i = 0; i < 15; i++) h[`e${i}`] = { at: at(i), status: i === 0 ? 'new' : i % 2 ? 'resolved' : 'regressed' };
    const line = historyLine(h).value;
    expect(line.startsWith('🕒 … → ')).toBe(true);
    expect(line.split(' → ')).toHaveLength(SHOWN + 1);
    expect(line).not.toContain('new');
  });

  it('lifecycle events make entries keyed by their id; assignments and non-people add no step or name', () => {
    expect(issueHistoryPatch('ev1', 'resolved', at(1), { type: 'user', name: 'Jane' })).toEqual({
      statusHistory: { ev1: { at: at(1), status: 'resolved', by: 'Jane' } },
    });
    expect(issueHistoryPatch('ev2', 'unresolved', at(2), { type: 'system', name: 'Sentry' }, 'regressed')).toEqual({
      statusHistory: { ev2: { at: at(2), status: 'regressed' } },
    });
    expect(issueHistoryPatch('ev3', 'assigned', at(3), { type: 'user', name: 'Jane' })).toEqual({});
    expect(issueHistoryPatch('ev4', 'archived', at(4), { type: 'application', name: 'Threadline' })).toEqual({
      statusHistory: { ev4: { at: at(4), status: 'archived' } },
    });
  });
});
