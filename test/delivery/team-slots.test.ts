/**
 * The per-team cap on Slack calls in flight: a call that finds it full waits in-process for a
 * place (a release in the same process hands it over), a bounded number of calls wait, and the
 * rest are told to defer. Both stores.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTeamSlots } from '../../src/delivery/team-slots.js';
import { createRedisStore } from '../../src/store/redis.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { cleanPrefix, redisUrl, testPrefix } from '../helpers/redis.js';

type Kind = 'redis' | 'sqlite';

describe.each<Kind>(['redis', 'sqlite'])('team slots on %s', (kind) => {
  let store: Store | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await store?.close();
    await cleanup?.();
    store = undefined;
    cleanup = undefined;
  });

  async function open(): Promise<Store> {
    if (kind === 'redis') {
      const url = await redisUrl();
      const prefix = testPrefix('slots');
      cleanup = () => cleanPrefix(url, prefix);
      store = createRedisStore({ url, prefix });
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'tl-slots-'));
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
      store = createSqliteStore({ dataDir: dir });
    }
    return store;
  }

  it('hands a released place to a call waiting for it, and never lets more than the cap in', async () => {
    const s = await open();
    // A long wait: the waiter must be woken by the release, not by giving up.
    const slots = createTeamSlots({ store: s, limit: 2, leaseMs: 60_000, waitMs: 60_000 });
    expect(await slots.acquire('T1', 'a')).toBe('taken');
    expect(await slots.acquire('T1', 'b')).toBe('taken');
    const waiting = slots.acquire('T1', 'c');
    let settled = false;
    void waiting.then(() => (settled = true));
    // Other teams are not behind T1's cap.
    expect(await slots.acquire('T2', 'x')).toBe('taken');
    expect(settled).toBe(false);
    await slots.release('T1', 'a');
    expect(await waiting).toBe('waited');
    // c holds a's place: the cap is still full.
    const probe = createTeamSlots({ store: s, limit: 2, leaseMs: 60_000, waitMs: 1 });
    expect(await probe.acquire('T1', 'd')).toBe('full');
    await slots.release('T1', 'b');
    await slots.release('T1', 'c');
    expect(await probe.acquire('T1', 'd')).toBe('taken');
  });

  it('lets at most the cap of calls wait; the next one defers at once', async () => {
    const s = await open();
    const slots = createTeamSlots({ store: s, limit: 1, leaseMs: 60_000, waitMs: 60_000 });
    expect(await slots.acquire('T1', 'a')).toBe('taken');
    const waiter = slots.acquire('T1', 'b');
    // One waiter already: a slow team keeps at most twice its cap of the workers.
    expect(await slots.acquire('T1', 'c')).toBe('full');
    await slots.release('T1', 'a');
    expect(await waiter).toBe('waited');
    await slots.release('T1', 'b');
  });

  it('lets up to maxWaiters calls of all teams wait together (half the worker), then defers', async () => {
    const s = await open();
    const slots = createTeamSlots({ store: s, limit: 1, leaseMs: 60_000, waitMs: 60_000, maxWaiters: 3 });
    expect(await slots.acquire('T1', 'a')).toBe('taken');
    expect(await slots.acquire('T2', 'x')).toBe('taken');
    const waiters = [slots.acquire('T1', 'b'), slots.acquire('T1', 'c'), slots.acquire('T2', 'y')];
    // Three wait, whatever their team: the fourth defers, and so does a fifth of another team.
    expect(await slots.acquire('T1', 'd')).toBe('full');
    expect(await slots.acquire('T2', 'z')).toBe('full');
    // A team below its cap never waits, so is never refused.
    expect(await slots.acquire('T3', 'q')).toBe('taken');
    await slots.release('T1', 'a');
    await slots.release('T2', 'x');
    expect(await waiters[2]).toBe('waited');
    const first = await Promise.race([waiters[0], waiters[1]]);
    expect(first).toBe('waited');
    // A waiter that got its place frees a waiting place: a new call may wait again.
    const again = slots.acquire('T2', 'w');
    await slots.release('T1', 'b');
    await slots.release('T1', 'c');
    await slots.release('T2', 'y');
    expect(await again).toBe('waited');
    expect(await Promise.all(waiters)).toEqual(['waited', 'waited', 'waited']);
    await slots.release('T2', 'w');
    await slots.release('T3', 'q');
  });

  it('finds a place freed by another process while it waits', async () => {
    const s = await open();
    const here = createTeamSlots({ store: s, limit: 1, leaseMs: 60_000, waitMs: 60_000 });
    const elsewhere = createTeamSlots({ store: s, limit: 1, leaseMs: 60_000, waitMs: 60_000 });
    expect(await elsewhere.acquire('T1', 'a')).toBe('taken');
    const waiter = here.acquire('T1', 'b');
    await elsewhere.release('T1', 'a');
    expect(await waiter).toBe('waited');
    await here.release('T1', 'b');
  });
});
