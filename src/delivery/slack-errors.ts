/**
 * Slack failures, sorted into what a retry can fix and what it can't. Permanent errors disable the
 * subscription (the channel is gone, we were removed, the token is dead); message-shape errors get
 * one plain-text fallback; everything else is transient.
 */

export const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'not_authed',
  'team_access_not_granted',
  'restricted_action',
  'ekm_access_denied',
]);

export const SHAPE_ERRORS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'invalid_attachments',
  'too_many_attachments',
]);

export type SlackFailureKind = 'permanent' | 'shape' | 'transient';

export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly kind: SlackFailureKind,
    /** Slack's Retry-After, for a rate-limited call. */
    readonly retryAfterMs?: number,
  ) {
    super(`${method} failed: ${code}`);
    this.name = 'SlackCallError';
  }
}

/** Maps whatever @slack/web-api threw to a `SlackCallError`. */
export function classifySlackError(method: string, err: unknown): SlackCallError {
  if (err instanceof SlackCallError) return err;
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; message?: string; original?: unknown };
  if (e?.code === 'slack_webapi_platform_error' && e.data?.error) {
    const code = e.data.error;
    const kind: SlackFailureKind = PERMANENT_ERRORS.has(code) ? 'permanent' : SHAPE_ERRORS.has(code) ? 'shape' : 'transient';
    return new SlackCallError(method, code, kind);
  }
  if (e?.code === 'slack_webapi_http_error') return new SlackCallError(method, `http_${e.statusCode ?? 'error'}`, 'transient');
  if (e?.code === 'slack_webapi_rate_limited_error') {
    const retryAfter = (err as { retryAfter?: number }).retryAfter;
    return new SlackCallError(method, 'ratelimited', 'transient', typeof retryAfter === 'number' ? retryAfter * 1000 : undefined);
  }
  if (e?.code === 'slack_webapi_request_error') return new SlackCallError(method, 'request_error', 'transient');
  return new SlackCallError(method, e?.message ?? 'unknown_error', 'transient');
}
