/** What an HTTP error from Sentry's or Bugsee's API means, in the words the buttons explain. */

export type HttpFailureCode = 'unauthorized' | 'forbidden' | 'not_found' | 'rate_limited' | 'server' | 'bad_request';

/** Every way a call to a source's API can fail without a useful answer: the status's meaning, or none came. */
export type ApiFailureCode = HttpFailureCode | 'timeout' | 'no_token';

/** For a status that is not 2xx. */
export function failureCode(status: number): HttpFailureCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'bad_request';
}

/** `Retry-After` is either seconds or an HTTP date; anything else is undefined. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
