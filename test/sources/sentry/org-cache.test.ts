/**
 * Each process keeps installations' orgs for a short while. These run two runtimes on one store, as
 * two processes of a deployment would (on Redis: two connections and two subscribers; SQLite serves
 * one process, so there the second runtime shares the first's broadcast).
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBroadcast, type Broadcast } from '../../../src/broadcast.js';
import type { SourceRuntime } from '../../../src/ingest/types.js';
import type { RedisStore } from '../../../src/store/redis.js';
import type { Store } from '../../../src/store/store.js';
import { fixtureEvent as event, META } from './fixtures.js';
import { onlyLocalNetwork, sentryRuntime, UUID } from './runtime-kit.js';
import { openStore, type OpenStore, type StoreKind } from './stores.js';

/** installation.created without a code (no token exchange), for `org`. */
const created = (org: string) =>
  event('installation/created.json', (j) => {
    delete j.data.installation.code;
    j.data.installation.organization.slug = org;
  });

// A comment names no org: it takes the installation's. Each on an issue of its own, so no learned
// issue → org record answers instead of the installation.
let issue = 5_000_000;
const orgOf = async (runtime: SourceRuntime) =>
  (await runtime.resolve(event('comment/created.json', (j) => (j.data.issue_id = String(++issue))))).routing.org;

onlyLocalNetwork();

describe.each<StoreKind>(['sqlite', 'redis'])('the installation org cache on %s, two processes', (kind) => {
  let h: OpenStore;
  let broadcasts: Broadcast[];
  /** The process that handles installation events, and the one that delivers comments. */
  let handling: SourceRuntime;
  let delivering: SourceRuntime;
  let storeA: Store;

  const runtime = (store: Store, broadcast: Broadcast): SourceRuntime => sentryRuntime(store, { installationChanges: broadcast });

  beforeEach(async () => {
    h = await openStore(kind);
    storeA = h.store;
    const storeB = kind === 'redis' ? await h.other() : storeA;
    const a = createBroadcast('sentry-installations', kind === 'redis' ? (storeA as RedisStore) : undefined);
    const b = kind === 'redis' ? createBroadcast('sentry-installations', storeB as RedisStore) : a;
    broadcasts = [a, b];
    handling = runtime(storeA, a);
    delivering = runtime(storeB, b);
    // Subscribed before the test acts, as a running process is (and primed: it has cached an org).
    await storeA.putSentryInstallation({
      uuid: 'primer',
      org: 'primer',
      createdAt: META.receivedAt.toISOString(),
      updatedAt: META.receivedAt.toISOString(),
    });
  });
  afterEach(async () => {
    for (const b of new Set(broadcasts)) await b.close();
    await h.cleanup();
  });

  it('does not remember "not known": a comment right after installation.created elsewhere is routed', async () => {
    // This process looks before the installation exists, as a worker does with an early event.
    expect(await orgOf(delivering)).toBeUndefined();
    expect(await handling.handle!(created('acme'))).toBe('consumed');
    // At once, with no message in between: nothing was cached to drop.
    expect(await orgOf(delivering)).toBe('acme');
  });

  it('drops a cached org in every process when the installation is created again for another org', async () => {
    await storeA.putSentryInstallation({
      uuid: UUID,
      org: 'acme',
      createdAt: META.receivedAt.toISOString(),
      updatedAt: META.receivedAt.toISOString(),
    });
    expect(await orgOf(delivering)).toBe('acme'); // cached now, for 30 s
    expect(await handling.handle!(created('acme-two'))).toBe('consumed');
    // The message crosses Redis: wait for it (well under the cache's 30 s, which would also pass it).
    await expect.poll(() => orgOf(delivering), { timeout: 10_000, interval: 50 }).toBe('acme-two');
  });

  it('drops a cached org in every process when the installation is deleted', async () => {
    await storeA.putSentryInstallation({
      uuid: UUID,
      org: 'acme',
      createdAt: META.receivedAt.toISOString(),
      updatedAt: META.receivedAt.toISOString(),
    });
    expect(await orgOf(delivering)).toBe('acme');
    expect(await handling.handle!(event('installation/deleted.json'))).toBe('consumed');
    await expect.poll(() => orgOf(delivering), { timeout: 10_000, interval: 50 }).toBeUndefined();
  });
});
