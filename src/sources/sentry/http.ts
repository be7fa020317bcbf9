/**
 * One HTTP call to Sentry with a timeout, mapped to `SentryApiError`. Only paths built from ids
 * and slugs reach here (see `apiPath`): URLs found in payloads are never fetched.
 */

import { failureCode, retryAfterSeconds, type ApiFailureCode } from '../../http-status.js';

/** `bad_request`: any other 4xx, Sentry refused the request itself. `not_configured`: SENTRY_CLIENT_ID /
 * SENTRY_CLIENT_SECRET missing for an OAuth exchange. */
export type SentryApiErrorCode = ApiFailureCode | 'not_configured';

export class SentryApiError extends Error {
  constructor(
    readonly code: SentryApiErrorCode,
    /** HTTP status; 0 when there was no answer. */
    readonly status: number,
    message?: string,
    readonly retryAfterSec?: number,
  ) {
    super(message ?? `Sentry API: ${code}`);
    this.name = 'SentryApiError';
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * `/api/0/<seg>/<seg>/…/` with every segment encoded, so an id can never change the path. `.` and
 * `..` pass `encodeURIComponent` unchanged and URL parsing resolves them (even as `%2E`), so they
 * are refused: an issue id `..` would otherwise turn a Resolve into `PUT /organizations/<org>/`.
 */
export function apiPath(...segments: Array<string | number>): string {
  return `/api/0/${segments.map(segment).join('/')}/`;
}

function segment(value: string | number): string {
  const s = String(value);
  if (s === '') throw new TypeError('Sentry API path segment must not be empty');
  if (s === '.' || s === '..') throw new TypeError('Sentry API path segment must not be a dot segment');
  return encodeURIComponent(s);
}

export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

/** Sentry's `{"detail": "…"}`, shortened; never echoes our request (which may hold secrets). */
async function detailOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { detail?: unknown };
    return typeof body?.detail === 'string' ? `: ${body.detail.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

export interface SentryRequest {
  fetch: FetchLike;
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  token?: string;
  body?: unknown;
  timeoutMs: number;
}

export async function sentryRequest<T>(req: SentryRequest): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), req.timeoutMs);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  const what = `${req.method} ${new URL(req.url).pathname}`;
  try {
    let res: Response;
    try {
      res = await req.fetch(req.url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: controller.signal,
      });
    } catch (err) {
      if (controller.signal.aborted) throw new SentryApiError('timeout', 0, `${what} timed out after ${req.timeoutMs} ms`);
      throw new SentryApiError('server', 0, `${what} failed: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const code = failureCode(res.status);
      throw new SentryApiError(
        code,
        res.status,
        `${what} → HTTP ${res.status}${await detailOf(res)}`,
        code === 'rate_limited' ? retryAfterSeconds(res.headers.get('retry-after')) : undefined,
      );
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new SentryApiError('server', res.status, `${what} answered with a body that is not JSON`);
    }
  } catch (err) {
    if (err instanceof SentryApiError) throw err;
    if (controller.signal.aborted) throw new SentryApiError('timeout', 0, `${what} timed out after ${req.timeoutMs} ms`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
