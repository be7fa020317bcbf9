/**
 * Building and signing Slack requests the way Slack does (v0 signatures), for tests that drive
 * `/slack/events` over real HTTP: slash commands, block_actions and Events API callbacks.
 */

import { createHmac } from 'node:crypto';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const RESPONSE_URL = 'https://hooks.slack.com/commands/T1/1/abc';

/** Unix seconds, as Slack sends them in `x-slack-request-timestamp`. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Headers Slack would send with `body`; `timestamp` defaults to now (pass an old one to test staleness). */
export function signedHeaders(
  body: string,
  opts: { secret?: string; timestamp?: number; contentType?: string } = {},
): Record<string, string> {
  const ts = opts.timestamp ?? nowSeconds();
  return {
    'content-type': opts.contentType ?? (body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded'),
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': slackSignature(opts.secret ?? TEST_SIGNING_SECRET, ts, body),
  };
}

export interface SlashCommandFields {
  text: string;
  team_id?: string;
  channel_id?: string;
  channel_name?: string;
  user_id?: string;
  user_name?: string;
  command?: string;
  response_url?: string;
  enterprise_id?: string;
  [extra: string]: string | undefined;
}

/** A slash command's `application/x-www-form-urlencoded` body. */
export function slashCommandBody(fields: SlashCommandFields): string {
  const all: Record<string, string | undefined> = {
    token: 'deprecated-verification-token',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: 'C1',
    channel_name: 'alerts',
    user_id: 'U1',
    user_name: 'ada',
    command: '/threadline',
    api_app_id: 'A1',
    response_url: RESPONSE_URL,
    trigger_id: '1.2.3',
    ...fields,
  };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(all)) if (v !== undefined) params.set(k, v);
  return params.toString();
}

/** A `block_actions` interaction: the JSON goes in the `payload` form field. */
export function blockActionsBody(opts: {
  actions: Record<string, unknown>[];
  teamId?: string;
  userId?: string;
  view?: Record<string, unknown>;
  container?: Record<string, unknown>;
  channelId?: string;
  message?: Record<string, unknown>;
  responseUrl?: string;
  extra?: Record<string, unknown>;
}): string {
  const teamId = opts.teamId ?? 'T1';
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    team: { id: teamId, domain: 'acme' },
    user: { id: opts.userId ?? 'U1', username: 'ada', name: 'ada', team_id: teamId },
    api_app_id: 'A1',
    token: 'deprecated-verification-token',
    trigger_id: '1.2.3',
    container: opts.container ?? (opts.view ? { type: 'view', view_id: 'V1' } : { type: 'message', channel_id: opts.channelId ?? 'C1' }),
    actions: opts.actions.map((a) => ({ action_ts: `${nowSeconds()}.000100`, block_id: 'b1', ...a })),
    ...(opts.view ? { view: opts.view } : {}),
    ...(opts.channelId ? { channel: { id: opts.channelId, name: 'alerts' } } : {}),
    ...(opts.message ? { message: opts.message } : {}),
    ...(opts.responseUrl ? { response_url: opts.responseUrl } : {}),
    ...opts.extra,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An Events API `event_callback` JSON body. */
export function eventCallbackBody(
  event: Record<string, unknown>,
  opts: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean; eventId?: string } = {},
): string {
  const teamId = opts.teamId ?? 'T1';
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    ...(opts.enterpriseId ? { enterprise_id: opts.enterpriseId } : {}),
    api_app_id: 'A1',
    event: { event_ts: `${nowSeconds()}.000200`, ...event },
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: nowSeconds(),
    authorizations: [
      {
        enterprise_id: opts.enterpriseId ?? null,
        team_id: teamId,
        user_id: 'UBOT',
        is_bot: true,
        is_enterprise_install: opts.isEnterpriseInstall ?? false,
      },
    ],
    is_ext_shared_channel: false,
  });
}

/** POSTs a signed body to `url` (e.g. `${base}/slack/events`). */
export async function postSigned(
  url: string,
  body: string,
  opts: { secret?: string; timestamp?: number; unsigned?: boolean; contentType?: string } = {},
): Promise<{ status: number; text: string }> {
  const headers = signedHeaders(body, opts);
  if (opts.unsigned) {
    delete headers['x-slack-signature'];
    delete headers['x-slack-request-timestamp'];
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

/** Polls until `check` returns a value other than undefined/false, or fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
