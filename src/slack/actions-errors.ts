/**
 * Why a button did nothing, in words the person who clicked can act on. Every failure ends here:
 * one ephemeral message, one log line (with the action_ts, never a token) and one metric.
 */

import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { SlackClients } from '../delivery/slack-client.js';
import { SlackCallError } from '../delivery/slack-errors.js';
import { BugseeApiError } from '../sources/bugsee/api.js';
import { SentryApiError } from '../sources/sentry/api.js';
import { esc } from './describe.js';

export const FOREIGN_MESSAGE = "This message doesn't belong to this workspace's Threadline.";

/** A refusal decided before or instead of an API call; `message` is shown as it is. */
export class ActionRefusal extends Error {
  constructor(
    /** Metric result label. */
    readonly result: string,
    message: string,
  ) {
    super(message);
    this.name = 'ActionRefusal';
  }
}

export interface Failure {
  /** Metric result label: a bounded set. */
  result: string;
  text: string;
}

function seconds(n: number | undefined): string {
  return n !== undefined && Number.isFinite(n) && n > 0 ? `${Math.ceil(n)} s` : 'a minute';
}

function sentryFailure(err: SentryApiError, org: string | undefined): Failure {
  switch (err.code) {
    case 'unauthorized':
    case 'forbidden':
      return {
        result: err.code,
        text: `Sentry refused the change (HTTP ${err.status}): Threadline's Sentry integration lacks Issue & Event: Read & Write${org ? ` for ${esc(org)}` : ''}. An admin can grant it in Sentry's integration settings.`,
      };
    case 'not_found':
      return { result: 'not_found', text: 'Sentry no longer has this issue (it may have been deleted or merged), so nothing was changed.' };
    case 'rate_limited':
      return { result: 'rate_limited', text: `Sentry is rate-limiting; try again in ${seconds(err.retryAfterSec)}.` };
    case 'timeout':
    case 'server':
      return { result: err.code, text: "Sentry didn't answer; try again." };
    case 'no_token':
      return { result: 'no_token', text: `Reinstall the Sentry integration (no token for org ${org ? esc(org) : 'this org'}).` };
    case 'not_configured':
      return {
        result: 'not_configured',
        text: "Threadline can't renew its Sentry token: SENTRY_CLIENT_ID and SENTRY_CLIENT_SECRET must be set. Ask an admin.",
      };
    default:
      return { result: 'bad_request', text: `Sentry refused the change (HTTP ${err.status}), so nothing was changed.` };
  }
}

function bugseeFailure(err: BugseeApiError): Failure {
  switch (err.code) {
    case 'unauthorized':
    case 'forbidden':
      return { result: err.code, text: `The Bugsee API token was refused (HTTP ${err.status}); an admin can check BUGSEE_API_TOKEN.` };
    case 'not_found':
      return { result: 'not_found', text: 'Bugsee no longer has this issue or conversation, so nothing was changed.' };
    case 'rate_limited':
      return { result: 'rate_limited', text: `Bugsee is rate-limiting; try again in ${seconds(err.retryAfterSec)}.` };
    case 'timeout':
    case 'server':
      return { result: err.code, text: "Bugsee didn't answer; try again." };
    case 'no_token':
      return { result: 'no_token', text: 'Threadline has no Bugsee API token (BUGSEE_API_TOKEN is not set), so it cannot change Bugsee.' };
    default:
      return { result: 'bad_request', text: `Bugsee refused the change (HTTP ${err.status}), so nothing was changed.` };
  }
}

function slackFailure(err: SlackCallError): Failure {
  if (err.code === 'missing_scope') {
    return {
      result: 'slack_scope',
      text: `Slack refused ${err.method}: Threadline lacks a scope (users:read.email). Reinstall the app to grant it.`,
    };
  }
  return { result: 'slack_error', text: `Slack refused ${err.method} (${err.code}); try again.` };
}

export function describeFailure(err: unknown, org?: string): Failure {
  if (err instanceof ActionRefusal) return { result: err.result, text: err.message };
  if (err instanceof SentryApiError) return sentryFailure(err, org);
  if (err instanceof BugseeApiError) return bugseeFailure(err);
  if (err instanceof SlackCallError) return slackFailure(err);
  return { result: 'error', text: 'Something went wrong and nothing was changed; try again.' };
}

export interface ReportDeps {
  slack: SlackClients;
  logger: Logger;
  metrics: Metrics;
}

/** Shows `text` to one person only. A failure to do so is logged: there is nowhere else to say it. */
export async function tellClicker(
  deps: Pick<ReportDeps, 'slack' | 'logger'>,
  where: { teamId?: string; channelId?: string; userId?: string },
  text: string,
): Promise<void> {
  if (!where.teamId || !where.channelId || !where.userId) return;
  try {
    const slack = await deps.slack.forTeam(where.teamId);
    await slack.call('chat.postEphemeral', { channel: where.channelId, user: where.userId, text });
  } catch (err) {
    deps.logger.warn({ channelId: where.channelId, error: (err as Error).message }, 'could not tell the clicker why the action failed');
  }
}

/** Ephemeral, log and metric for a failed action; the message is left as it was. `logger` carries the action and action_ts. */
export async function reportFailure(
  deps: ReportDeps,
  ctx: { actionId: string; actionTs: string; teamId?: string; channelId?: string; userId?: string; org?: string },
  err: unknown,
): Promise<void> {
  const failure = describeFailure(err, ctx.org);
  deps.metrics.actions.inc({ action: ctx.actionId, result: failure.result });
  const level = err instanceof ActionRefusal ? 'info' : 'warn';
  deps.logger[level](
    {
      channelId: ctx.channelId,
      result: failure.result,
      status: (err as { status?: number }).status,
      error: (err as Error).message,
    },
    'button action failed',
  );
  await tellClicker(deps, ctx, failure.text);
}
