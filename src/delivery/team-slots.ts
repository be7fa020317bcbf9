/**
 * The per-team cap on Slack calls in flight (`TEAM_CONCURRENCY`), across processes: places are
 * leases in the store, so a crashed worker's places come back.
 *
 * A call that finds the cap full waits here a little for a place rather than deferring its job at
 * once: with a fast Slack a place is free again within milliseconds, while a deferral costs a
 * requeue, a rerun of the job from the start and at least its delay (it made one workspace with
 * many channels wait ~250 ms per delivery). Waiting stays bounded, so a slow workspace still cannot
 * take the worker pool: at most `maxWaiters` calls wait in one process (see below), each for at most
 * `waitMs`; the rest defer as before. A place released in this process wakes its first waiter at
 * once; places freed by other processes (or by an expired lease) are found by polling.
 */

import type { KeyValue } from '../store/store.js';
import { teamSlotsKey } from '../store/keys.js';

export interface TeamSlotsDeps {
  store: Pick<KeyValue, 'acquireLease' | 'releaseLease'>;
  /** Calls in flight per team, across processes. */
  limit: number;
  /** How long a place is kept if its worker dies. */
  leaseMs: number;
  /** The longest a call waits in-process for a place before its job is deferred. */
  waitMs: number;
  /** Calls of all teams that may wait in this process at once (default `limit`; never below it). */
  maxWaiters?: number;
}

/** First look for a place freed elsewhere; the wait doubles up to `MAX_POLL_MS`. */
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 100;

interface Waiting {
  /** Calls of this process waiting for a place of the team. */
  count: number;
  /** Their wake-ups, oldest first (a waiter is here while it naps, not while it asks the store). */
  wakes: Set<() => void>;
}

export function createTeamSlots(deps: TeamSlotsDeps) {
  const waiting = new Map<string, Waiting>();
  const maxWaiters = Math.max(deps.limit, deps.maxWaiters ?? deps.limit);
  let waiters = 0;

  const tryTake = (teamId: string, holder: string) => deps.store.acquireLease(teamSlotsKey(teamId), holder, deps.limit, deps.leaseMs);

  /** Waits for a wake-up from a local release, or `ms`, whichever comes first. */
  function nap(w: Waiting, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        w.wakes.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      w.wakes.add(wake);
    });
  }

  return {
    /**
     * Takes a place for `holder`: at once ('taken'), after waiting up to `waitMs` ('waited'), or
     * not ('full': the job should defer).
     */
    async acquire(teamId: string, holder: string): Promise<'taken' | 'waited' | 'full'> {
      if (await tryTake(teamId, holder)) return 'taken';
      // Each waiter holds a worker slot: see maxWaiters.
      if (waiters >= maxWaiters) return 'full';
      let w = waiting.get(teamId);
      if (!w) {
        w = { count: 0, wakes: new Set() };
        waiting.set(teamId, w);
      }
      w.count += 1;
      waiters += 1;
      const deadline = Date.now() + deps.waitMs;
      let poll = FIRST_POLL_MS;
      try {
        while (Date.now() < deadline) {
          await nap(w, Math.min(poll, deadline - Date.now()));
          if (await tryTake(teamId, holder)) return 'waited';
          poll = Math.min(MAX_POLL_MS, poll * 2);
        }
        return 'full';
      } finally {
        w.count -= 1;
        waiters -= 1;
        if (w.count === 0 && waiting.get(teamId) === w) waiting.delete(teamId);
      }
    },

    /** Gives the place back and wakes this process's first waiter of the team. */
    async release(teamId: string, holder: string): Promise<void> {
      try {
        await deps.store.releaseLease(teamSlotsKey(teamId), holder);
      } finally {
        const first = waiting.get(teamId)?.wakes.values().next().value;
        first?.();
      }
    },
  };
}

export type TeamSlots = ReturnType<typeof createTeamSlots>;
