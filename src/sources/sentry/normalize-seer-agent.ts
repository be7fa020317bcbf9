/**
 * The agent-based Seer payload's parts (see schema-seer.ts), read into the same state as the
 * documented shape: a root cause with its five whys, a solution, and per-repository changes with
 * each file's counts. Diffs are read only to count lines when Seer sends no counts.
 */

import type { SeerFileChange, SeerState } from './subjects.js';
import type { SentrySeerPayload } from './schema.js';
import { compact } from '../kit/normalize.js';
import { toNumber } from './normalize-common.js';

type Data = SentrySeerPayload['data'];

function text(v: string | null | undefined): string | undefined {
  return typeof v === 'string' && v.trim() ? v : undefined;
}

/** +/− lines of a unified diff, headers excluded. */
export function diffCounts(diff: string | null | undefined): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of (diff ?? '').split(/\r?\n/)) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}

export function agentRootCause(
  rc: NonNullable<Data['root_cause']>,
  steps: NonNullable<SeerState['rootCause']>['steps'],
): SeerState['rootCause'] {
  return compact({
    description: text(rc.description) ?? text(rc.one_line_description),
    steps,
    whys: rc.five_whys?.length ? rc.five_whys : undefined,
    reproduction: rc.reproduction_steps?.length ? rc.reproduction_steps : undefined,
    repo: text(rc.relevant_repo),
  });
}

export function agentSolution(sol: NonNullable<Data['solution']>): SeerState['solution'] {
  return compact({
    description: text(sol.description) ?? text(sol.one_line_summary),
    steps: (sol.steps ?? []).map((s) => text(s.title) ?? text(s.description)).filter((s): s is string => !!s),
  });
}

/** `code_changes`: repository → one entry per file. */
export function agentChanges(codeChanges: NonNullable<Data['code_changes']>): NonNullable<SeerState['changes']> {
  return Object.entries(codeChanges).map(([repo, patches]) => {
    const fileChanges: SeerFileChange[] = (patches ?? []).flatMap((p) => {
      const path = text(p.path);
      if (!path) return [];
      const counted = diffCounts(p.diff);
      return [
        compact({ path, type: text(p.type), added: toNumber(p.added) ?? counted.added, removed: toNumber(p.removed) ?? counted.removed }),
      ];
    });
    return { repo, files: fileChanges.map((f) => f.path), fileChanges };
  });
}
