import { describe, expect, it } from 'vitest';
import { failureCode, retryAfterSeconds } from '../src/http-status.js';

describe('HTTP failure codes shared by the Sentry and Bugsee clients', () => {
  it('maps statuses to the codes the buttons explain', () => {
    expect([401, 403, 404, 429, 400, 422, 500, 503].map(failureCode)).toEqual([
      'unauthorized',
      'forbidden',
      'not_found',
      'rate_limited',
      'bad_request',
      'bad_request',
      'server',
      'server',
    ]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterSeconds('5', now)).toBe(5);
    expect(retryAfterSeconds('1.5', now)).toBe(1.5);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });
});
