/** A subscription record for tests that build views or rows from one: fixed values, so output is stable. */

import type { Subscription } from '../../src/store/store.js';

export function subscription(over: Partial<Subscription> = {}): Subscription {
  return {
    id: 's1',
    teamId: 'T1',
    channelId: 'C1',
    source: 'sentry',
    target: 'acme/web',
    kinds: [],
    filters: {},
    createdAt: '2025-01-01T00:00:00.000Z',
    disabled: null,
    ...over,
  };
}
