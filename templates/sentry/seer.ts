/**
 * A Seer run: the card is a checklist of the seven stages with what each produced; each stage
 * adds one reply.
 */
import { SEER_STAGES, type SeerStage, type SeerState } from '../../src/sources/sentry/subjects.js';
import { actions, bold, clip, code, context, firstText, header, isBlank, joinMd, link, linkButton, md, Md, message } from '../blocks.js';
import { plural, section, shortList, slackDate } from '../blocks.js';
import type { RenderInput, SlackMessage, Template } from '../types.js';
import { fileChanges, fiveWhys, lineTotals, reproduction } from './seer-agent.js';
import { personRef } from '../common.js';
import { sentryThreadKeys } from '../../src/sources/sentry/subjects.js';
import { threadLinkReply, threadPermalink } from './thread-link.js';

type Input = RenderInput<'sentry.seer'>;

const STAGE_LABEL: Record<SeerStage, string> = {
  root_cause_started: 'Root cause analysis started',
  root_cause_completed: 'Root cause found',
  solution_started: 'Solution planning started',
  solution_completed: 'Solution ready',
  coding_started: 'Coding started',
  coding_completed: 'Code changes ready',
  pr_created: 'Pull request opened',
  pr_ready_for_review: 'Ready for review',
};

const STAGE_EMOJI: Record<SeerStage, string> = {
  root_cause_started: '🔎',
  root_cause_completed: '🎯',
  solution_started: '🧠',
  solution_completed: '💡',
  coding_started: '🛠️',
  coding_completed: '📝',
  pr_created: '🔀',
  pr_ready_for_review: '👀',
};

/** What a `_completed` stage is while it runs. */
const RUNNING_LABEL: Partial<Record<SeerStage, string>> = {
  root_cause_completed: 'Finding the root cause',
  solution_completed: 'Planning a solution',
  coding_completed: 'Writing the code changes',
};

const MAX_STEPS = 5;

type Mark = 'done' | 'running' | 'waiting';

/** A stage is done when reported or when a later one was (a webhook may be lost); a `_completed` stage whose start was seen is running. */
export function stageMarks(stages: SeerState['stages']): Record<SeerStage, Mark> {
  const seen = stages ?? {};
  const lastDone = SEER_STAGES.reduce((acc, st, i) => (seen[st] ? i : acc), -1);
  const marks = {} as Record<SeerStage, Mark>;
  SEER_STAGES.forEach((st, i) => {
    if (i <= lastDone) marks[st] = 'done';
    else if (st.endsWith('_completed') && i === lastDone + 1) marks[st] = 'running';
    else marks[st] = 'waiting';
  });
  return marks;
}

function checklist(state: Partial<SeerState>): Md {
  const marks = stageMarks(state.stages);
  // Only agent-based runs report review readiness: the others never show it as waiting.
  const shown = SEER_STAGES.filter((st) => st !== 'pr_ready_for_review' || state.stages?.[st]);
  const lines = shown.map((st) => {
    const mark = marks[st];
    const when = state.stages?.[st];
    if (mark === 'done') return md`✅ ${STAGE_LABEL[st]}${when ? md` · ${slackDate(when, '{time}')}` : ''}`;
    if (mark === 'running') return md`⏳ ${bold(RUNNING_LABEL[st] ?? STAGE_LABEL[st])}…`;
    return md`◻️ ${STAGE_LABEL[st]}`;
  });
  return joinMd(lines, '\n');
}

function rootCause(state: Partial<SeerState>): Md {
  const rc = state.rootCause;
  if (!rc) return Md.of('');
  const steps = rc.steps ?? [];
  const lines = steps.slice(0, MAX_STEPS).map((step, i) => {
    const file = !isBlank(step.file) && step.file !== 'N/A' ? md` ${code(step.file, 120)}` : '';
    return step.important ? md`${i + 1}. ⭐ ${bold(clip(step.title, 300))}${file}` : md`${i + 1}. ${clip(step.title, 300)}${file}`;
  });
  if (steps.length > MAX_STEPS) lines.push(md`…and ${plural(steps.length - MAX_STEPS, 'more step')}`);
  return joinMd([md`*🎯 Root cause*`, isBlank(rc.description) ? null : clip(rc.description, 800), ...lines], '\n');
}

function solution(state: Partial<SeerState>): Md {
  const sol = state.solution;
  if (!sol) return Md.of('');
  const steps = sol.steps ?? [];
  const lines = steps.slice(0, MAX_STEPS).map((step) => md`• ${clip(step, 300)}`);
  if (steps.length > MAX_STEPS) lines.push(md`…and ${plural(steps.length - MAX_STEPS, 'more step')}`);
  return joinMd([md`*💡 Solution*`, isBlank(sol.description) ? null : clip(sol.description, 800), ...lines], '\n');
}

function changes(state: Partial<SeerState>): Md {
  const list = state.changes ?? [];
  if (list.length === 0) return Md.of('');
  // Agent-based changes name every file with its counts: a list of its own per repository.
  if (list.some((c) => c.fileChanges?.length)) return fileChanges(list);
  const lines = list.slice(0, 5).map((c) => {
    const files = c.files?.length ? md` — ${shortList(c.files.map((f) => code(f, 120)))}` : '';
    const where = joinMd([c.repo ? bold(c.repo) : null, c.branch ? code(c.branch, 100) : null], ' ');
    return md`• ${joinMd([where, c.title ? clip(c.title, 200) : null], ': ')}${files}`;
  });
  if (list.length > 5) lines.push(md`…and ${plural(list.length - 5, 'more change')}`);
  return joinMd([md`*📝 Changes*`, ...lines], '\n');
}

function prLabel(pr: NonNullable<SeerState['pullRequests']>[number]): string {
  const num = pr.number !== undefined ? `#${pr.number}` : 'PR';
  return pr.repo ? `${num} ${pr.repo}` : `Open PR ${num === 'PR' ? '' : num}`.trim();
}

function issueRef(input: Input): Md {
  const groupId = firstText(input.state.groupId, input.event.routing.groupId) ?? '';
  const label = md`issue ${groupId}`;
  return input.state.issueUrl ? link(input.state.issueUrl, label) : label;
}

function latestStage(state: Partial<SeerState>): SeerStage | undefined {
  return [...SEER_STAGES].reverse().find((st) => state.stages?.[st]);
}

function card(input: Input): SlackMessage {
  const s = input.state;
  const latest = latestStage(s) ?? input.event.detail.stage;
  const prs = s.pullRequests ?? [];
  const project = firstText(s.project, input.event.routing.project);
  // Back to the issue's own thread in this channel, when it has one (the delivery looked it up).
  const groupId = firstText(s.groupId, input.event.routing.groupId);
  const issueThread = threadPermalink(input.extras, groupId ? sentryThreadKeys.issue(groupId) : undefined);
  return message(md`🤖 Seer ${project ? md`[${project}] ` : ''}for ${issueRef(input)}${latest ? md`: ${STAGE_LABEL[latest]}` : ''}`, [
    header('🤖 Seer issue fix'),
    section(md`Autofix for ${issueRef(input)}${project ? md` in ${bold(project)}` : ''}`),
    section(checklist(s)),
    section(rootCause(s)),
    section(s.rootCause ? joinMd([fiveWhys(s.rootCause), reproduction(s.rootCause)], '\n\n') : Md.of('')),
    section(solution(s)),
    section(changes(s)),
    actions([
      linkButton('View issue', s.issueUrl, 'sentry.seer.issue'),
      ...prs.map((pr, i) => linkButton(prLabel(pr), pr.url, `sentry.seer.pr.${i}`)),
    ]),
    context([
      md`Sentry Seer · run ${firstText(s.runId, input.event.subject.id)}`,
      issueThread ? md`🔗 ${link(issueThread, "The issue's thread")}` : null,
    ]),
  ]);
}

function reply(input: Input): SlackMessage | null {
  const { event } = input;
  if (event.detail.link)
    return threadLinkReply(md`📦 Builds of this run's pull request arrived`, event.detail.link, 'their thread', input.extras);
  const stage = event.detail.stage;
  const st = event.state;
  let extra: Md = Md.of('');
  if (stage === 'root_cause_completed' && st.rootCause)
    extra = clip(firstText(st.rootCause.description, st.rootCause.steps?.find((x) => x.important)?.title), 600);
  if (stage === 'solution_completed' && st.solution) extra = clip(firstText(st.solution.description, st.solution.steps?.[0]), 600);
  if (stage === 'coding_completed' && st.changes) {
    const files = st.changes.flatMap((c) => c.files ?? []);
    extra = md`${plural(files.length, 'file')} changed${lineTotals(st.changes)}${st.changes.length ? md` in ${shortList(st.changes.map((c) => c.repo ?? null))}` : ''}`;
  }
  if (stage === 'root_cause_completed' && st.rootCause?.whys?.length) extra = joinMd([extra, fiveWhys(st.rootCause)], '\n');
  if ((stage === 'pr_created' || stage === 'pr_ready_for_review') && st.pullRequests)
    extra = shortList(
      st.pullRequests.map((pr) => link(pr.url, prLabel(pr))),
      5,
    );
  const head = md`${STAGE_EMOJI[stage]} ${bold(STAGE_LABEL[stage])}`;
  // The pull request is for whoever owns the issue: name (or mention) them.
  const owner =
    stage === 'pr_created' || stage === 'pr_ready_for_review' ? personRef(input.extras.relatedAssignee, input.extras) : undefined;
  if (owner) extra = joinMd([extra, md`👤 For ${owner}, the issue's assignee`], '\n');
  return message(md`${STAGE_EMOJI[stage]} Seer: ${STAGE_LABEL[stage]} for ${issueRef(input)}${owner ? md` · ${owner}` : ''}`, [
    section(joinMd([head, extra], '\n')),
  ]);
}

export const seerTemplate: Template<'sentry.seer'> = { card, reply };
