/**
 * What agent-based Seer runs add to the checklist card: the five whys and reproduction steps of
 * the root cause, and the changed files with their line counts (never a diff: one would not fit,
 * and the PR shows it).
 */
import type { SeerState } from '../../src/sources/sentry/subjects.js';
import { bold, clip, code, joinMd, md, Md, MINUS, plural } from '../blocks.js';

const MAX_WHYS = 5;
const MAX_REPRO = 5;
const MAX_REPOS = 3;
const MAX_FILES = 8;

type RootCause = NonNullable<SeerState['rootCause']>;
type Change = NonNullable<SeerState['changes']>[number];

export function fiveWhys(rc: RootCause): Md {
  const whys = rc.whys ?? [];
  if (whys.length === 0) return Md.of('');
  const lines = whys.slice(0, MAX_WHYS).map((w, i) => md`${i + 1}. ${clip(w, 200)}`);
  if (whys.length > MAX_WHYS) lines.push(md`…and ${plural(whys.length - MAX_WHYS, 'more why', 'more whys')}`);
  return joinMd([md`${bold('Five whys')}`, ...lines], '\n');
}

export function reproduction(rc: RootCause): Md {
  const steps = rc.reproduction ?? [];
  if (steps.length === 0) return Md.of('');
  const lines = steps.slice(0, MAX_REPRO).map((s) => md`• ${clip(s, 200)}`);
  if (steps.length > MAX_REPRO) lines.push(md`…and ${plural(steps.length - MAX_REPRO, 'more step')}`);
  return joinMd([md`${bold('To reproduce')}`, ...lines], '\n');
}

function counts(added: number | undefined, removed: number | undefined): Md {
  if (added === undefined && removed === undefined) return Md.of('');
  return md` +${added ?? 0} ${MINUS}${removed ?? 0}`;
}

/** " (+12 −3)" over every file of the changes, or nothing when no counts are known. */
export function lineTotals(changes: Change[]): Md {
  const files = changes.flatMap((c) => c.fileChanges ?? []);
  if (files.length === 0) return Md.of('');
  const added = files.reduce((n, f) => n + (f.added ?? 0), 0);
  const removed = files.reduce((n, f) => n + (f.removed ?? 0), 0);
  return md` (+${added} ${MINUS}${removed})`;
}

export function fileChanges(list: Change[]): Md {
  const blocks = list.slice(0, MAX_REPOS).map((c) => {
    const files = c.fileChanges ?? c.files.map((path) => ({ path, type: undefined, added: undefined, removed: undefined }));
    const lines = files
      .slice(0, MAX_FILES)
      .map((f) => md`• ${code(f.path, 120)}${f.type ? md` ${f.type}` : ''}${counts(f.added, f.removed)}`);
    if (files.length > MAX_FILES) lines.push(md`…and ${plural(files.length - MAX_FILES, 'more file')}`);
    return joinMd([md`${c.repo ? bold(c.repo) : bold('Repository')}${lineTotals([c])}`, ...lines], '\n');
  });
  if (list.length > MAX_REPOS) blocks.push(md`…and ${plural(list.length - MAX_REPOS, 'more repository', 'more repositories')}`);
  return joinMd([md`*📝 Changes*`, ...blocks], '\n');
}
