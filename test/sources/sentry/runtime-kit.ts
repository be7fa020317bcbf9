/** The Sentry runtime as the runtime tests build it: real tokens and API client against a nock'd Sentry. */

import nock from 'nock';
import { afterAll, beforeAll } from 'vitest';
import type { Broadcast } from '../../../src/broadcast.js';
import type { SourceRuntime } from '../../../src/ingest/types.js';
import { createSentryApi } from '../../../src/sources/sentry/api.js';
import { createSentryRuntime } from '../../../src/sources/sentry/runtime.js';
import { createSentryTokens } from '../../../src/sources/sentry/tokens.js';
import type { Store } from '../../../src/store/store.js';

export const BASE = 'https://sentry.test';
/** The installation of the fixtures under fixtures/sentry/installation/. */
export const UUID = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';

type RuntimeLogger = Parameters<typeof createSentryRuntime>[0]['logger'];

export function sentryRuntime(store: Store, opts: { logger?: RuntimeLogger; installationChanges?: Broadcast } = {}): SourceRuntime {
  const tokens = createSentryTokens({
    store,
    baseUrl: BASE,
    clientId: 'client-id',
    clientSecret: 'client-secret',
    fallbackToken: 'internal-token',
  });
  const api = createSentryApi({ baseUrl: BASE, tokens, timeoutMs: 2000 });
  return createSentryRuntime({ store, tokens, api, ...opts });
}

/** Only 127.0.0.1 (the stores) is reached for real; Sentry is nock's. */
export function onlyLocalNetwork(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterAll(() => nock.enableNetConnect());
}
