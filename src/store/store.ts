/**
 * The persistence interfaces. `Store` is all of them in one object: `RedisStore` (ioredis) when
 * REDIS_URL is set, `SqliteStore` (better-sqlite3, WAL) otherwise. Both pass `test/store/contract/`.
 * Callers take only the parts they use (`KeyValue`, a repository, or a `Pick`).
 *
 * Every method is atomic on its own; the comments say which ones must be atomic under races.
 */

import type { SentryInstallationRecord, SentryInstallationRepo } from '../sources/sentry/installations-repo.js';
import type { ConnectionRepo } from '../connections/repo.js';
import type { AttemptMark } from './attempt-marker.js';

export type { SentryInstallationRecord, SentryInstallationRepo };

export interface Subscription {
  id: string;
  teamId: string;
  channelId: string;
  source: string;
  /** Sentry: `org/project` or `org/*`. Bugsee: the app key. */
  target: string;
  /** Empty means every kind. */
  kinds: string[];
  /** `--name=value` filters, e.g. `{ level: 'error', 'size-threshold': '5' }`. */
  filters: Record<string, string>;
  createdBy?: string;
  createdAt: string;
  /** Set when Slack answered with a permanent error for this channel, or the team uninstalled. */
  disabled?: { reason: string; at: string } | null;
}

export interface ThreadRecord {
  teamId: string;
  channelId: string;
  threadKey: string;
  /** The parent message's ts; null while the claimer is still posting it. */
  ts: string | null;
  /** Who claimed the parent (a job id + channel); the same owner may claim again after a crash. */
  owner: string;
  claimedAt: string;
  subjectKind?: string;
  /** The subject's merged state, as shown on the parent card. */
  state: Record<string, unknown>;
  /** Dotted state path → ISO event time of the value held (see `mergeState`). */
  stateTimes: Record<string, string>;
  updatedAt: string;
}

export interface DeadLetter {
  id: string;
  /** sentry | bugsee | delivery */
  source: string;
  /** e.g. `schema`, `slack_5xx`, `unroutable`. */
  reason: string;
  /** The event type when known. */
  type?: string;
  teamId?: string;
  channelId?: string;
  /** Raw delivery body as received (utf8), for ingest dead letters. */
  body?: string;
  /** Request headers, less the signature and secrets. */
  headers?: Record<string, string>;
  /** Error detail (zod issues, Slack error code…). */
  error?: unknown;
  /** A delivery job that can be requeued from App Home. */
  job?: unknown;
  createdAt: string;
  /** Set by the store: SHA-256 (hex) of `body`; one dead letter per distinct body. */
  bodySha256?: string;
  /** Set by the store: how many times this body was dead-lettered (1 when absent). */
  count?: number;
}

/**
 * The two dead-letter pools, capped apart so a flood of rejected webhooks never pushes out a
 * failed delivery waiting for Retry.
 */
export type DeadLetterPool = 'rejected' | 'delivery';
export const deadLetterPool = (dl: Pick<DeadLetter, 'source'>): DeadLetterPool => (dl.source === 'delivery' ? 'delivery' : 'rejected');

export interface DeadLetterLimits {
  /** Most dead letters kept per pool; the oldest go first. */
  maxCount: number;
  /** Most bytes (stored JSON) kept per pool. */
  maxBytes: number;
  /** Dead letters older than this are gone. */
  ttlSeconds: number;
}

export const DEFAULT_DEAD_LETTER_LIMITS: DeadLetterLimits = {
  maxCount: 10_000,
  maxBytes: 256 * 1024 * 1024,
  ttlSeconds: 30 * 24 * 3600,
};

/** Told how many dead letters of a pool were dropped to keep it under its cap. */
export type DeadLetterDropListener = (pool: DeadLetterPool, dropped: number) => void;

export interface DeadLetterStoreOptions {
  limits?: Partial<DeadLetterLimits>;
  onDrop?: DeadLetterDropListener;
  /** Clock (ms) for ages; tests move it instead of waiting. */
  now?: () => number;
}

/** How long a thread record outlives its last update (90 days): a thread quiet for longer starts afresh. */
export const THREAD_TTL_SECONDS = 90 * 24 * 3600;

export type { AttemptMark, AttemptMarker } from './attempt-marker.js';

export type ClaimResult = { claimed: true; seq?: number } | { claimed: false; pending: boolean; seq?: number };

/** Claims, records, counters, capped lists and pacing, all by key (see `keys.ts`). */
export interface KeyValue {
  // --- Dedup and generic records -----------------------------------------------------------
  /** Atomic set-if-absent with a TTL (Redis `SET NX EX`). True for exactly one caller. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /**
   * A *pending* claim, and when it wins and `counterKey` is given, `incr` of that counter, in one
   * atomic step (one round trip on the webhook path); the number is kept with the claim. When the
   * key is already claimed, says whether that claim is still pending (its holder may have died
   * before finishing) and gives its number, so a retry can finish the work.
   * `aliasKey` is a second identity of the same work (a body hash): it is claimed together with
   * `key`, and when only it is held the answer is `{claimed: false, pending: false}` (seen under
   * another key: nothing to finish). Extend and release it alongside `key`.
   * All three keys must carry one Redis Cluster hash tag (`keys.ts`, `deliveryTag`): they are
   * touched in one script.
   */
  claimAndCount(key: string, ttlSeconds: number, counterKey?: string, aliasKey?: string): Promise<ClaimResult>;
  /** Confirms a claim (the work is done) and sets its TTL. False if not held. */
  extendClaim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Drops a claim, e.g. when the delivery could not be stored and the sender must retry. */
  release(key: string): Promise<void>;
  /**
   * A lock: set-if-absent with a TTL, holding `owner` (a random token). True for exactly one caller
   * while it is held. Release it with `releaseIfOwner`, never `release`.
   */
  claimAs(key: string, owner: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Deletes the lock only while `owner` holds it (compare-and-delete, atomic): a holder whose lock
   * expired and was taken by another never frees the other's. True if deleted.
   */
  releaseIfOwner(key: string, owner: string): Promise<boolean>;
  /** Key/value with an optional TTL; values are JSON-serialisable. */
  setRecord(key: string, value: unknown, ttlSeconds?: number): Promise<void>;
  getRecord<T = unknown>(key: string): Promise<T | null>;
  deleteRecord(key: string): Promise<void>;

  // --- Fenced post attempts (`attempt-marker.ts`) --------------------------------------------
  /**
   * Marks a post attempt at record `key` by run `token`, atomically: `fenced` when a newer run
   * marked it, `busy` while an older run's attempt may be in flight (marked under `liveMs` ago and
   * not ended), else written, with the older run's marker.
   */
  markAttempt(key: string, token: number, liveMs: number, ttlSeconds: number): Promise<AttemptMark>;
  /**
   * Ends run `token`'s attempt, only while the marker is still its own: deleted when Slack
   * certainly has nothing (`posted: false`) from this run or an earlier one, else kept and marked
   * ended (an earlier run's message may be there, for the next run to look for).
   */
  endAttempt(key: string, token: number, posted: boolean): Promise<void>;

  // --- Counters -------------------------------------------------------------------------------
  /**
   * Atomic increment; returns the new value (first call gives 1). With `ttlSeconds`, a counter this
   * call starts expires that long from now, in the same step (no crash leaves it without an expiry);
   * a running one keeps its expiry.
   */
  incr(key: string, ttlSeconds?: number): Promise<number>;
  getCounter(key: string): Promise<number>;
  /**
   * Atomically raises the counter to `value` if it is lower; returns the resulting value. With
   * `ttlSeconds`, the counter expires that long from now, raised or not, in the same step.
   */
  raiseCounter(key: string, value: number, ttlSeconds?: number): Promise<number>;
  /**
   * Makes the counter expire `ttlSeconds` from now (it then reads 0, and `incr` starts again at 1).
   * `incr` keeps the expiry; `raiseCounter` without a TTL may drop it.
   */
  expireCounter(key: string, ttlSeconds: number): Promise<void>;

  // --- Capped lists (recent deliveries, size history) ----------------------------------------
  /** Prepends `value` and keeps the newest `max` entries. */
  pushCapped(key: string, value: unknown, max: number): Promise<void>;
  /** Newest first. */
  listCapped<T = unknown>(key: string, limit: number): Promise<T[]>;

  // --- Pacing ---------------------------------------------------------------------------------
  /**
   * Reserves the next send slot for `key`, at least `intervalMs` after the previous one.
   * Returns how many ms the caller must wait before sending (0 if it may send now). Atomic.
   */
  reserveSlot(key: string, intervalMs: number): Promise<number>;

  // --- Counting semaphore ----------------------------------------------------------------------
  /**
   * Takes one of `limit` places under `key` for `holder`, for `leaseMs` (a crashed holder's place
   * comes back then). False when all are taken. Atomic across processes.
   */
  acquireLease(key: string, holder: string, limit: number, leaseMs: number): Promise<boolean>;
  releaseLease(key: string, holder: string): Promise<void>;
}

export interface SubscriptionRepo {
  /** Inserts, or replaces the one with the same team, channel, source and target (keeping its id). */
  upsertSubscription(sub: Subscription): Promise<Subscription>;
  removeSubscription(teamId: string, channelId: string, source: string, target: string): Promise<boolean>;
  listSubscriptions(filter?: { teamId?: string; channelId?: string }): Promise<Subscription[]>;
  /** Every subscription (any team) on `source` whose target is one of `targets`. */
  findSubscriptions(source: string, targets: string[]): Promise<Subscription[]>;
  getSubscription(id: string): Promise<Subscription | null>;
  /** Marks disabled with a reason; `null` re-enables. */
  setSubscriptionDisabled(id: string, disabled: { reason: string; at: string } | null): Promise<void>;
}

export interface ThreadRepo {
  getThread(teamId: string, channelId: string, threadKey: string): Promise<ThreadRecord | null>;
  /**
   * Creates the thread record if absent, owned by `owner`. `won` is true for exactly one of any
   * number of concurrent callers with different owners, and again for a later call by the same owner.
   */
  claimThread(
    teamId: string,
    channelId: string,
    threadKey: string,
    owner: string,
    subjectKind?: string,
  ): Promise<{ won: boolean; record: ThreadRecord }>;
  /** Writes the parent ts and/or the merged state. */
  updateThread(
    teamId: string,
    channelId: string,
    threadKey: string,
    patch: Partial<Pick<ThreadRecord, 'ts' | 'state' | 'stateTimes'>>,
  ): Promise<void>;
  /**
   * Merges `patch` (the state one event knows, at event time `time`; see `mergeState`) into the
   * thread's state in one atomic step, so a button and a webhook merging at once both keep their
   * fields. Returns the record as merged, or null when there is no thread record.
   * `seen`: the record as the caller last read it (a claim's answer). A store may start from it
   * instead of reading again; it must still merge into the current state if that changed since.
   */
  mergeThreadState(
    teamId: string,
    channelId: string,
    threadKey: string,
    patch: Record<string, unknown>,
    time: string,
    seen?: ThreadRecord,
  ): Promise<ThreadRecord | null>;
  /**
   * Drops a claim whose parent was never posted (ts still null), if `owner` still holds it: the
   * claimer failed for good, so the next event of the thread may post the parent. True if dropped.
   */
  releaseThread(teamId: string, channelId: string, threadKey: string, owner: string): Promise<boolean>;
  /** Finds a thread by its parent message (for buttons). */
  findThreadByTs(teamId: string, channelId: string, ts: string): Promise<ThreadRecord | null>;
}

export interface SlackInstallationRepo {
  /** Slack installations as opaque JSON (Bolt's Installation, tokens possibly encrypted), by team or enterprise id. */
  putSlackInstallation(id: string, value: string): Promise<void>;
  getSlackInstallation(id: string): Promise<string | null>;
  deleteSlackInstallation(id: string): Promise<void>;
}

export interface DeadLetterRepo {
  /**
   * Keeps `dl`, unless one with the same body is kept already: that one's `count` goes up instead
   * (`added: false`, `id` names it). Re-adding an id replaces it and moves it to the front.
   * Drops the oldest of the pool over its cap.
   */
  addDeadLetter(dl: DeadLetter): Promise<{ id: string; added: boolean }>;
  /** Newest first. */
  listDeadLetters(limit: number, filter?: { teamId?: string }): Promise<DeadLetter[]>;
  getDeadLetter(id: string): Promise<DeadLetter | null>;
  removeDeadLetter(id: string): Promise<boolean>;
  /** How many dead letters each pool holds, and the caps. */
  deadLetterStats(): Promise<DeadLetterStats>;
}

export interface DeadLetterStats {
  rejected: { count: number; bytes: number };
  delivery: { count: number; bytes: number };
  limits: DeadLetterLimits;
}

export interface Store
  extends KeyValue, SubscriptionRepo, ThreadRepo, DeadLetterRepo, SlackInstallationRepo, SentryInstallationRepo, ConnectionRepo {
  readonly kind: 'redis' | 'sqlite';

  /** Resolves when the backing store answers; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
