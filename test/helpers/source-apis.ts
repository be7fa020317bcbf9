/**
 * For tests whose service calls the source APIs (Sentry, Bugsee) through nock: only 127.0.0.1 is
 * reached for real, interceptors are cleared after each test, and every request to a fake `.test`
 * host that no interceptor answered is kept, so a test can assert there was no stray API call.
 */

import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** Registers the hooks in the calling file; the returned list holds `host/path` of unanswered requests. */
export function trackUnansweredSourceCalls(): string[] {
  const unmatched: string[] = [];
  const onNoMatch = (req: { path?: string; options?: { hostname?: string } }) => {
    const host = req.options?.hostname ?? '';
    if (host.endsWith('.test')) unmatched.push(`${host}${req.path ?? ''}`);
  };
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    nock.cleanAll();
    unmatched.length = 0;
  });
  afterAll(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.cleanAll();
    nock.enableNetConnect();
  });
  return unmatched;
}
