/**
 * The issue card's history line: "🕒 new → resolved by Jane → regressed", from the thread's
 * `statusHistory` (one entry per lifecycle event, see src/sources/sentry/issue-history.ts).
 * Ordered by event time; a repeat of the same state (our button's change, then Sentry's echo of it)
 * is one step; only the last `SHOWN` steps are kept, with an ellipsis in front, so the line stays
 * well inside a context element's limit.
 */
import type { IssueTransition } from '../../src/sources/sentry/subjects.js';
import { clip, ELLIPSIS, joinMd, md, Md } from '../mrkdwn.js';

export const SHOWN = 6;

const LABEL: Record<IssueTransition['status'], string> = {
  new: 'new',
  resolved: 'resolved',
  unresolved: 'unresolved',
  regressed: 'regressed',
  archived: 'archived',
};

/** The steps in order, a repeated state folded into its first step. */
export function historySteps(history: Record<string, IssueTransition> | undefined): IssueTransition[] {
  const entries = Object.entries(history ?? {})
    .filter(([, t]) => t && typeof t.at === 'string' && Object.hasOwn(LABEL, t.status))
    .sort(([ia, a], [ib, b]) => Date.parse(a.at) - Date.parse(b.at) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const steps: IssueTransition[] = [];
  for (const [, t] of entries) if (steps[steps.length - 1]?.status !== t.status) steps.push(t);
  return steps;
}

/** Empty until the issue has moved at least once. */
export function historyLine(history: Record<string, IssueTransition> | undefined): Md {
  const steps = historySteps(history);
  if (steps.length < 2) return Md.of('');
  const shown = steps.slice(-SHOWN).map((t) => md`${LABEL[t.status]}${t.by ? md` by ${clip(t.by, 40)}` : ''}`);
  return md`🕒 ${steps.length > SHOWN ? `${ELLIPSIS} → ` : ''}${joinMd(shown, ' → ')}`;
}
