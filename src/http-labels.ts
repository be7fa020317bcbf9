/**
 * Metric labels and log fields for HTTP requests. Anyone who can reach the port chooses the path,
 * so a label is picked from a closed set and a logged path is cut: a flood of distinct paths must
 * not grow `/metrics` or the log line by line.
 */

/** Every route we answer; anything else (unknown paths, probes, typos) is `other`. */
export const HTTP_ROUTES = [
  '/webhooks/sentry',
  '/webhooks/bugsee',
  '/slack/events',
  '/slack/install',
  '/slack/oauth_redirect',
  '/sentry/connect',
  '/sentry/setup',
  '/healthz',
  '/readyz',
  '/metrics',
] as const;

export type HttpRouteLabel = (typeof HTTP_ROUTES)[number] | 'other';

const KNOWN: ReadonlySet<string> = new Set(HTTP_ROUTES);

/** Express matches case-insensitively and with a trailing slash, so the label does too. */
export function routeLabel(path: string): HttpRouteLabel {
  if (path.length > 64) return 'other';
  const p = path.toLowerCase().replace(/\/+$/, '');
  return KNOWN.has(p) ? (p as HttpRouteLabel) : 'other';
}

/** The path of a request target, without its query. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** A status is a three-digit number we set ourselves; anything else would be a bug, kept to one label. */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
}

export const LOG_PATH_MAX = 100;

/** A request-chosen string as a log field: at most `max` characters, marked when cut. */
export function clipForLog(s: string, max = LOG_PATH_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
