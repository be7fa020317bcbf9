/**
 * A small client for the Bugsee REST API, for the `bugsee.issue.close/reopen` and
 * `bugsee.feedback.reply` buttons. Bugsee publishes no reference for these calls; every path is
 * an assumption, gathered in `BUGSEE_ENDPOINTS` so it can be corrected in one place. See API.md.
 *
 * URLs are built only from `baseUrl` and encoded path segments, never from payload URLs.
 */

import { failureCode, retryAfterSeconds, type ApiFailureCode } from '../../http-status.js';

export interface BugseeEndpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** `{name}` placeholders are filled with URI-encoded segments. */
  path: string;
}

export const BUGSEE_ENDPOINTS = {
  /**
   * ASSUMED: `PATCH /v1/apps/{appKey}/issues/{issueKey}` with `{"state":"closed"}`. The webhook
   * payloads model an issue's `state` as `open | closed` and key issues by app key + issue key,
   * so the write mirrors that shape. Not confirmed by a public reference.
   */
  closeIssue: { method: 'PATCH', path: '/v1/apps/{appKey}/issues/{issueKey}' },
  /** ASSUMED: the same resource as `closeIssue`, with `{"state":"open"}`. */
  reopenIssue: { method: 'PATCH', path: '/v1/apps/{appKey}/issues/{issueKey}' },
  /**
   * ASSUMED: `POST /v1/apps/{appKey}/feedback/{deviceId}/messages` with `{"text": "…"}`. Feedback
   * threads are identified by app + `device_id` in `feedback.message.*` webhooks; the dashboard's
   * reply is what fires `feedback.message.out`. Not confirmed by a public reference.
   */
  replyToFeedback: { method: 'POST', path: '/v1/apps/{appKey}/feedback/{deviceId}/messages' },
} as const satisfies Record<string, BugseeEndpoint>;

export { retryAfterSeconds };

/** `bad_request`: any other 4xx, Bugsee refused the request as sent. */
export type BugseeApiErrorCode = ApiFailureCode;

export class BugseeApiError extends Error {
  constructor(
    /** HTTP status, or 0 when no answer came (timeout, network, no token). */
    readonly status: number,
    readonly code: BugseeApiErrorCode,
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'BugseeApiError';
  }
}

export interface BugseeApiOptions {
  /** `BUGSEE_API_URL`, e.g. `https://api.bugsee.com`. A path prefix (a proxy) is kept. */
  baseUrl: string;
  /** `BUGSEE_API_TOKEN`; when absent every call fails with `no_token`. */
  token: string | undefined;
  fetch?: typeof globalThis.fetch;
  timeoutMs: number;
}

export interface BugseeApi {
  closeIssue(appKey: string, issueKey: string): Promise<void>;
  reopenIssue(appKey: string, issueKey: string): Promise<void>;
  replyToFeedback(appKey: string, deviceId: string, text: string): Promise<void>;
}

function segment(value: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError('Bugsee API path segment must be a non-empty string');
  // URL parsing resolves `.` and `..` (even as %2E) as dot segments; no real key looks like that.
  if (value === '.' || value === '..') throw new TypeError('Bugsee API path segment must not be a dot segment');
  return encodeURIComponent(value);
}

export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name}`);
    return segment(value);
  });
}

function errorFor(response: Response, where: string): BugseeApiError {
  const { status } = response;
  const code = failureCode(status);
  const retry = code === 'rate_limited' || code === 'server' ? retryAfterSeconds(response.headers.get('retry-after')) : undefined;
  return new BugseeApiError(status, code, `Bugsee API answered ${status} to ${where}`, retry);
}

export function createBugseeApi(options: BugseeApiOptions): BugseeApi {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call(endpoint: BugseeEndpoint, params: Record<string, string>, body: unknown): Promise<void> {
    const path = fillPath(endpoint.path, params);
    const where = `${endpoint.method} ${endpoint.path}`;
    if (!options.token) throw new BugseeApiError(0, 'no_token', `BUGSEE_API_TOKEN is not set; cannot call ${where}`);
    const doFetch = options.fetch ?? globalThis.fetch;
    const signal = AbortSignal.timeout(options.timeoutMs);
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method: endpoint.method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': 'threadline',
        },
        body: JSON.stringify(body),
        signal,
        // A redirect could carry the bearer token to another host.
        redirect: 'error',
      });
      // Drain the body within the same deadline so the connection is released.
      await response.arrayBuffer();
    } catch (err) {
      if (signal.aborted) throw new BugseeApiError(0, 'timeout', `Bugsee API did not answer ${where} within ${options.timeoutMs} ms`);
      throw new BugseeApiError(0, 'server', `Bugsee API unreachable for ${where}: ${(err as Error).message}`);
    }
    if (!response.ok) throw errorFor(response, where);
  }

  return {
    closeIssue: (appKey, issueKey) => call(BUGSEE_ENDPOINTS.closeIssue, { appKey, issueKey }, { state: 'closed' }),
    reopenIssue: (appKey, issueKey) => call(BUGSEE_ENDPOINTS.reopenIssue, { appKey, issueKey }, { state: 'open' }),
    replyToFeedback: (appKey, deviceId, text) => call(BUGSEE_ENDPOINTS.replyToFeedback, { appKey, deviceId }, { text }),
  };
}
