/**
 * The connection check of a click: the clicking team must be connected to the source account the
 * message is about (a Sentry org, a Bugsee token), and, where the source asks, the clicking user a
 * member of it. Runs before anything is called; a refusal tells the clicker why.
 */

import type { Tenancy } from '../connections/tenancy.js';
import type { ThreadRecord } from '../store/store.js';
import { ActionRefusal } from './actions-errors.js';
import type { ClickFacts } from './actions-guard.js';

interface Raw {
  value?: string;
  selectedOption?: string;
  siblings?: readonly string[];
}

/** `sentry.issue.resolve` → `sentry`; a thread's subject kind `bugsee.issue` → `bugsee`. */
const sourceOf = (name: string | undefined) => name?.split(/[.:]/)[0] || undefined;

export async function mayAct(
  deps: { tenancy?: Pick<Tenancy, 'clickRefusal'> },
  facts: ClickFacts,
  thread: ThreadRecord,
  raw: Raw,
): Promise<void> {
  if (!deps.tenancy) return;
  const sources = new Set(
    [sourceOf(thread.subjectKind ?? thread.threadKey), sourceOf(facts.actionId)].filter((s): s is string => Boolean(s)),
  );
  const values = [raw.value, raw.selectedOption, ...(raw.siblings ?? [])].filter((v): v is string => typeof v === 'string');
  for (const source of sources) {
    const refusal = await deps.tenancy.clickRefusal(source, { teamId: thread.teamId, userId: facts.userId ?? '', thread, values });
    if (refusal) throw new ActionRefusal('not_allowed', refusal);
  }
}
