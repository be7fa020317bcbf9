/**
 * Redaction of secrets inside free text. pino's key-based redaction only sees object keys, but
 * Bolt, the Slack SDK and the OAuth installer log pre-joined strings ("http request body:
 * {...client_secret...}", "Generated authorize URL: ...state=..."): those go through here.
 * Over-redacting a harmless value is cheap; leaking one token is not.
 */

const R = '[Redacted]';

/** Query parameters that carry a credential: Bugsee's `?token=` (also `token[x]=`), OAuth's `code`/`state`. */
const URL_PARAM = /([?&](?:token|code|state|client_secret|secret|access_token|refresh_token)(?:(?:\[|%5B)[^&=#]*)?=)[^&#\s"'\\]*/gi;

/**
 * `key: value`, `key=value`, `"key":"value"` and the same JSON-in-JSON (`\"key\":\"value\"`), for
 * keys ending in token/secret/password, and exactly `code` or `state`. Slack's own error codes
 * (`slack_webapi_…`) are kept: they are the one useful thing in an error line.
 */
const KEY_VALUE = /(\b(?:\w*(?:token|secret|password)|code|state)\\?["']?\s*[:=]\s*\\?["']?)(?!slack_|\[Redacted\])[^"'\\&\s,;}\]]+/gi;

/** Credentials recognisable by shape wherever they appear. */
const SHAPES: [RegExp, string][] = [
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, R], // Slack bot, user, refresh and config tokens
  [/\bxapp-[A-Za-z0-9-]+/g, R], // Slack app-level tokens
  [/\bsntry[a-z]_[A-Za-z0-9+/=_.-]+/g, R], // Sentry org, user and integration tokens
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${R}`],
];

/** Strips credential query parameters from a URL (or any text holding one). */
export function redactUrl(u: string): string {
  return u.replace(URL_PARAM, `$1${R}`);
}

/** Strips every credential this service knows the shape or the key of from free text. */
export function redactText(s: string): string {
  let out = redactUrl(s).replace(KEY_VALUE, `$1${R}`);
  for (const [re, by] of SHAPES) out = out.replace(re, by);
  return out;
}
