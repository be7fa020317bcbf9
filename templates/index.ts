/**
 * Event type → template, and the three entry points the delivery uses. Every message leaves
 * through `enforceLimits`, so no template can exceed a Slack limit.
 */
import type { AnyEvent, SubjectKind, SubjectStates } from '../src/events.js';
import { clip, enforceLimits, md, message, section } from './blocks.js';
import { appTemplate } from './bugsee/app.js';
import { buildTemplate } from './bugsee/build.js';
import { feedbackTemplate } from './bugsee/feedback.js';
import { bugseeIssueTemplate } from './bugsee/issue.js';
import { userTemplate } from './bugsee/user.js';
import { sentryIssueTemplate } from './sentry/issue.js';
import { metricAlertTemplate } from './sentry/metric-alert.js';
import { preprodTemplate } from './sentry/preprod.js';
import { seerTemplate } from './sentry/seer.js';
import { applyLinkPolicy, DEFAULT_LINK_POLICY } from './links.js';
import type { RenderExtras, RenderInput, SlackMessage, Template, TemplateTable } from './types.js';

export const TEMPLATES: TemplateTable = {
  'sentry.issue.created': sentryIssueTemplate,
  'sentry.issue.resolved': sentryIssueTemplate,
  'sentry.issue.assigned': sentryIssueTemplate,
  'sentry.issue.archived': sentryIssueTemplate,
  'sentry.issue.unresolved': sentryIssueTemplate,
  'sentry.issue.ignored': sentryIssueTemplate,
  'sentry.event_alert.triggered': sentryIssueTemplate,
  'sentry.error.created': sentryIssueTemplate,
  'sentry.comment.created': sentryIssueTemplate,
  'sentry.comment.updated': sentryIssueTemplate,
  'sentry.comment.deleted': sentryIssueTemplate,
  'sentry.metric_alert.critical': metricAlertTemplate,
  'sentry.metric_alert.warning': metricAlertTemplate,
  'sentry.metric_alert.resolved': metricAlertTemplate,
  'sentry.seer.root_cause_started': seerTemplate,
  'sentry.seer.root_cause_completed': seerTemplate,
  'sentry.seer.solution_started': seerTemplate,
  'sentry.seer.solution_completed': seerTemplate,
  'sentry.seer.coding_started': seerTemplate,
  'sentry.seer.coding_completed': seerTemplate,
  'sentry.seer.pr_created': seerTemplate,
  'sentry.seer.pr_ready_for_review': seerTemplate,
  'sentry.issue.seer_linked': sentryIssueTemplate,
  'sentry.seer.builds_linked': seerTemplate,
  'sentry.preprod_artifact.seer_linked': preprodTemplate,
  'sentry.preprod_artifact.size_analysis_completed': preprodTemplate,
  'sentry.preprod_artifact.build_distribution_completed': preprodTemplate,
  'bugsee.app.created': appTemplate,
  'bugsee.app.updated': appTemplate,
  'bugsee.app.deleted': appTemplate,
  'bugsee.issue.created': bugseeIssueTemplate,
  'bugsee.issue.updated': bugseeIssueTemplate,
  'bugsee.issue.closed': bugseeIssueTemplate,
  'bugsee.issue.reopened': bugseeIssueTemplate,
  'bugsee.issue.regressed': bugseeIssueTemplate,
  'bugsee.issue.deleted': bugseeIssueTemplate,
  'bugsee.issue.comment': bugseeIssueTemplate,
  'bugsee.user.created': userTemplate,
  'bugsee.user.updated': userTemplate,
  'bugsee.user.deleted': userTemplate,
  'bugsee.unsymbolicated.created': bugseeIssueTemplate,
  'bugsee.feedback.message.in': feedbackTemplate,
  'bugsee.feedback.message.out': feedbackTemplate,
  'bugsee.build.created': buildTemplate,
  'bugsee.build.deleted': buildTemplate,
};

export const DEFAULT_EXTRAS: RenderExtras = { regressionThresholdPct: 5 };

type StateOf<E extends AnyEvent> = Partial<SubjectStates[E['subject']['kind']]>;

/** A source kept outside this table brings its own templates (`SourceDefinition.templates`). */
export type ExtraTemplates = Readonly<Record<string, unknown>> | undefined;

function templateFor(event: AnyEvent, extra: ExtraTemplates): Template<SubjectKind> | undefined {
  const table = (Object.hasOwn(TEMPLATES, event.type) ? TEMPLATES : (extra ?? {})) as Partial<Record<string, Template<SubjectKind>>>;
  return table[event.type];
}

/** For an event no template knows (installation events never reach a channel): a plain line. */
function genericMessage(event: AnyEvent): SlackMessage {
  const title = clip(event.title || event.type, 500);
  return message(md`ℹ️ ${title}`, [section(md`ℹ️ ${title}`)]);
}

function input(event: AnyEvent, state: unknown, extras: RenderExtras | undefined): RenderInput<SubjectKind> {
  return {
    event,
    state: state ?? event.state,
    extras: extras ?? DEFAULT_EXTRAS,
  };
}

function fallbackText(event: AnyEvent): string {
  return event.title || event.type;
}

/** Every message leaves through here: links to hosts we do not know become text, then the limits. */
function finish(msg: SlackMessage, event: AnyEvent, extras: RenderExtras | undefined): SlackMessage {
  return enforceLimits(applyLinkPolicy(msg, extras?.linkAllowed ?? DEFAULT_LINK_POLICY), fallbackText(event));
}

/** The thread's parent message for the merged `state`. */
export function renderCard<E extends AnyEvent>(event: E, state: StateOf<E>, extras?: RenderExtras, extra?: ExtraTemplates): SlackMessage {
  const t = templateFor(event, extra);
  return finish(t ? t.card(input(event, state, extras)) : genericMessage(event), event, extras);
}

/** This event's reply in the thread, or null when it adds nothing. */
export function renderReply<E extends AnyEvent>(
  event: E,
  state: StateOf<E>,
  extras?: RenderExtras,
  extra?: ExtraTemplates,
): SlackMessage | null {
  const t = templateFor(event, extra);
  const msg = t ? t.reply(input(event, state, extras)) : genericMessage(event);
  return msg ? finish(msg, event, extras) : null;
}

/** A threadless event (Bugsee app and user events) as one message: its card. */
export function renderStandalone(event: AnyEvent, extras?: RenderExtras, extra?: ExtraTemplates): SlackMessage {
  return renderCard(event, event.state as never, extras, extra);
}

export type { RenderExtras, RenderInput, SlackMessage, Template } from './types.js';
export { createLinkPolicy, DEFAULT_LINK_POLICY, type LinkPolicy } from './links.js';
