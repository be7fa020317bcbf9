/** Signs webhook deliveries the way Sentry does, and builds Bugsee deliveries. */

import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function sentrySignature(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function sentryHeaders(body: string | Buffer, resource: string, secret: string, requestId: string = randomUUID()) {
  return {
    'content-type': 'application/json',
    'request-id': requestId,
    'sentry-hook-resource': resource,
    'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
    'sentry-hook-signature': sentrySignature(body, secret),
  };
}

/** Reads a fixture as the exact bytes Sentry or Bugsee would send. */
export function fixtureBody(path: string): string {
  return readFileSync(path, 'utf8');
}
