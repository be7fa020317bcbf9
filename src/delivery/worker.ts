/**
 * The delivery job: keep each thread in order, let the source resolve routing (and consume
 * installation events), route to channels, and deliver to each. Slack's own failures end in the
 * channel's dead letter or a disabled subscription; anything else (the store down) fails the job
 * so the queue retries it, and the per-part post records make that retry safe.
 */

import type { PipelineEvent } from '../events.js';
import { lazyChild, type Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { THREAD_TTL_SECONDS, type DeadLetterRepo, type KeyValue, type Subscription, type SubscriptionRepo } from '../store/store.js';
import { type ThreadRepo } from '../store/store.js';
import { DeferError, type JobContext, type JobHandler, type Queue } from '../queue/queue.js';
import type { SlackGate } from './slack-gate.js';
import type { OwnPostFinder } from './own-post.js';
import type { SourceRuntime } from '../ingest/types.js';
import { routeEvent, type MayReceive } from './route.js';
import type { OneTeam, Target } from './route-chosen.js';
import type { ThreadControlOf } from './thread-control.js';
import type { ThreadLinks } from './thread-links.js';
import { isDerivedFor } from './derived.js';
import type { SourceDefinition } from '../sources/index.js';
import { createChannelDelivery } from './threads.js';
import { nextRunToken } from './channel-support.js';
import { createOutageWait } from './outage-wait.js';
import type { Renderer } from './render.js';
import type { RenderExtras } from '../../templates/types.js';
import { NoSlackTokenError, type SlackClients } from './slack-client.js';
import { SlackCallError } from './slack-errors.js';
import { deliveredKey, deliveriesKey, seqBlockedKey, seqDoneKey, seqKey, seqProgressKey, seqSkipKey } from '../store/keys.js';

/** How long per-thread ordering records live (a thread quiet for longer starts afresh). */
const PROGRESS_TTL = 7 * 24 * 3600;
/** As long as the post records: a rerun within it skips the channels already delivered. */
const DELIVERED_TTL = 7 * 24 * 3600;

/** Errors that mean the team's token is dead, not just this channel. */
const TEAM_WIDE = new Set([
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_authed',
  'team_access_not_granted',
  'no_installation',
]);

export interface DeliveryDeps {
  store: KeyValue & ThreadRepo & SubscriptionRepo & Pick<DeadLetterRepo, 'addDeadLetter' | 'removeDeadLetter'>;
  metrics: Metrics;
  logger: Logger;
  slack: SlackClients;
  runtimes: Partial<Record<string, SourceRuntime>>;
  /** Source definitions (default: the built-in list). */
  sources?: readonly SourceDefinition[];
  render: Renderer;
  channelIntervalMs: number;
  /** How long a later event waits in-process for a parent being posted. Default 5 s. */
  parentWaitMs?: number;
  /**
   * After this long without progress, an event stops waiting for an earlier one of its thread that
   * is not in the queue (never stored). One that is in the queue is waited for however long. Default 30 s.
   */
  gapTimeoutMs?: number;
  /** Whether a subscribing team may receive an event (multi-workspace connections); unset: every team may. */
  mayReceive?: MayReceive;
  /** The one workspace's team, for an alert's bare channel id (see `route-chosen.ts`). */
  oneTeam?: OneTeam;
  /** The channel's `--threads` and `--broadcast` settings (see `thread-control.ts`). */
  threadControl?: ThreadControlOf;
  /** Where the job of an earlier event of a thread is (the queue). Without it, only `gapTimeoutMs` applies. */
  queue?: Pick<Queue, 'seqJobState'>;
  /** Holds, rate limits and the per-team cap around every Slack call (unset: calls go straight out). */
  gate?: SlackGate;
  /** How long a delivery waits out transient Slack failures before it is dead-lettered. Default 24 h. */
  outageMaxMs?: number;
  /** How long a post attempt may be in flight (see `ChannelDeliveryDeps`). */
  attemptLiveMs?: number;
  /** Looks for a message an earlier run may have posted before posting again (exactly once). */
  ownPosts?: OwnPostFinder;
  /** Links between threads (a Seer run and its issue…): queued after an event reaches a channel. */
  links?: Pick<ThreadLinks, 'afterDelivery'>;
  /** Where events with no subscriber go (dry-run's pretend channel); unset: they are dropped and counted. */
  fallbackTarget?: Subscription;
}

export function createDeliveryHandler(deps: DeliveryDeps): JobHandler & { onExhausted: (job: JobContext, err: Error) => Promise<void> } {
  const { store, metrics } = deps;
  const channels = createChannelDelivery({
    store,
    metrics,
    logger: deps.logger,
    render: deps.render,
    sources: deps.sources,
    channelIntervalMs: deps.channelIntervalMs,
    parentWaitMs: deps.parentWaitMs ?? 2000,
    ownPosts: deps.ownPosts,
    threadControl: deps.threadControl,
    attemptLiveMs: deps.attemptLiveMs,
  });
  const gapTimeoutMs = deps.gapTimeoutMs ?? 30_000;
  const deferWithinOutage = createOutageWait({ store, metrics, outageMaxMs: deps.outageMaxMs ?? 24 * 3600_000 });

  async function disable(sub: Subscription, code: string, log: Logger) {
    const at = new Date().toISOString();
    const scope = TEAM_WIDE.has(code) ? { teamId: sub.teamId } : { teamId: sub.teamId, channelId: sub.channelId };
    const subs = await store.listSubscriptions(scope);
    for (const s of subs) if (!s.disabled) await store.setSubscriptionDisabled(s.id, { reason: code, at });
    log.warn(
      { teamId: sub.teamId, channelId: sub.channelId, error: code, disabled: subs.length },
      'permanent Slack error; subscriptions disabled',
    );
  }

  /**
   * Keeps a delivery that could not be made, with its job (minus the thread sequence, and with
   * the first job's id so a retry finds the parts already posted), and counts it.
   */
  async function deadLetter(
    id: string,
    job: JobContext,
    reason: string,
    extra: { teamId?: string; channelId?: string; error?: unknown } = {},
  ) {
    const only = extra.teamId && extra.channelId ? { teamId: extra.teamId, channelId: extra.channelId } : job.data.only;
    await store.addDeadLetter({
      id,
      source: 'delivery',
      reason,
      type: job.data.event.type,
      ...extra,
      job: { ...job.data, only, seq: only ? undefined : job.data.seq, origin: job.data.origin ?? job.id },
      createdAt: new Date().toISOString(),
    });
    metrics.deadLetters.inc({ source: 'delivery', reason });
  }

  async function deliverOne(
    job: JobContext,
    tokenTaken: Promise<number>,
    event: PipelineEvent,
    sub: Target,
    extras: RenderExtras,
    log: Logger,
  ) {
    const origin = job.data.origin ?? job.id;
    const record = (status: string, error?: string) =>
      store.pushCapped(
        deliveriesKey(sub.teamId),
        { at: new Date().toISOString(), type: event.type, channelId: sub.channelId, threadKey: event.threadKey, status, error },
        50,
      );
    const doneKey = deliveredKey(origin, sub.teamId, sub.channelId);
    // A rerun after another channel of this event was deferred: this one is complete. (Read
    // beside the run's token, which is being taken meanwhile.)
    const [done, token] = await Promise.all([store.getRecord(doneKey), tokenTaken]);
    if (done) return;
    try {
      const raw = await deps.slack.forTeam(sub.teamId);
      const slack = deps.gate ? deps.gate.wrap(raw, sub.teamId, sub.channelId) : raw;
      const result = await channels.deliver(
        slack,
        { id: origin, acceptedAt: job.data.acceptedAt, token },
        event,
        sub.teamId,
        sub.channelId,
        extras,
        sub.chosen,
      );
      metrics.deliveries.inc({ type: event.type, result });
      // Before the done mark: a rerun after a failure here queues the links (once) instead of skipping them.
      await deps.links?.afterDelivery(event, sub.teamId, sub.channelId);
      await Promise.all([store.setRecord(doneKey, 1, DELIVERED_TTL), record(result)]);
      // A retry that got through makes an earlier dead letter of this channel stale. (A stale one
      // left by a deferred rerun is harmless: retrying it finds every part already posted.)
      if (job.attempt > 1) await store.removeDeadLetter(`dl-${origin}-${sub.channelId}`);
    } catch (err) {
      if (err instanceof DeferError) throw err;
      const slackErr =
        err instanceof SlackCallError
          ? err
          : err instanceof NoSlackTokenError
            ? new SlackCallError('auth', 'no_installation', 'permanent')
            : null;
      if (!slackErr) throw err;
      metrics.slackErrors.inc({ method: slackErr.method, error: slackErr.code });
      if (slackErr.kind === 'transient') await deferWithinOutage(origin, sub.channelId, slackErr, log);
      if (slackErr.kind === 'permanent') await disable(sub, slackErr.code, log);
      await deadLetter(`dl-${origin}-${sub.channelId}`, job, `slack_${slackErr.code}`, {
        teamId: sub.teamId,
        channelId: sub.channelId,
        error: { code: slackErr.code, kind: slackErr.kind },
      });
      await record('dead', slackErr.code);
      log.warn({ channelId: sub.channelId, error: slackErr.code }, 'delivery dead-lettered');
    }
  }

  async function markDone(event: PipelineEvent, seq: number | undefined) {
    if (!seq || !event.threadKey) return;
    // The sequence and its done mark live as long as the thread record (90 days after its last
    // event), and expire together: a done mark outliving its counter would hold new events back.
    // Independent of each other: sent together (one round trip on Redis).
    await Promise.all([
      store.raiseCounter(seqDoneKey(event.threadKey), seq, THREAD_TTL_SECONDS),
      store.expireCounter(seqKey(event.threadKey), THREAD_TTL_SECONDS),
      store.setRecord(seqProgressKey(event.threadKey), Date.now(), PROGRESS_TTL),
    ]);
  }

  /**
   * Events of one thread run in ingest order: a job waits (deferred, not holding a worker) until
   * every earlier sequence number of its thread is done. Numbers that ingest gave out but could not
   * store are marked skipped; a number lost in a crash is waited for only while the thread makes no
   * progress for `gapTimeoutMs`, so a long but moving backlog never reorders.
   */
  async function waitForTurn(job: JobContext, threadKey: string, seq: number, log: Logger) {
    const done = await store.getCounter(seqDoneKey(threadKey));
    if (seq <= done + 1) return;
    let next = done + 1;
    while (next < seq && next - done <= 50 && (await store.getRecord(seqSkipKey(threadKey, next))) !== null) next += 1;
    if (next === seq) {
      await store.raiseCounter(seqDoneKey(threadKey), seq - 1, THREAD_TTL_SECONDS);
      return;
    }
    const blockedKey = seqBlockedKey(job.id);
    let since = await store.getRecord<number>(blockedKey);
    if (since === null) {
      since = Date.now();
      await store.setRecord(blockedKey, since, PROGRESS_TTL);
    }
    const progress = (await store.getRecord<number>(seqProgressKey(threadKey))) ?? 0;
    const stalledFor = Date.now() - Math.max(since, progress);
    const delay = Math.min(1000, 50 + Math.floor(stalledFor / 20));
    const earlier = deps.queue ? await deps.queue.seqJobState(threadKey, next) : 'absent';
    // Still in the queue (deferred through a Slack outage, or its worker died and the lease has
    // not run out yet): it will run, so wait for it however long that takes.
    if (earlier === 'pending') throw new DeferError(delay);
    // Its job ended (done, or dead-lettered) without its mark: nothing more will come for it.
    if (earlier === 'finished') {
      await store.raiseCounter(seqDoneKey(threadKey), next, THREAD_TTL_SECONDS);
      throw new DeferError(10);
    }
    // Not in the queue: its webhook may still be being stored, or it was lost for good.
    if (stalledFor < gapTimeoutMs) throw new DeferError(delay);
    log.warn({ seq, done, stalledForMs: stalledFor }, 'an earlier event of this thread never arrived; delivering out of order');
  }

  const handler = async (job: JobContext) => {
    const { event: received, seq, only } = job.data;
    const log = lazyChild(deps.logger, { jobId: job.id, type: received.type, threadKey: received.threadKey });
    // The first event of a thread has nobody to wait for. A dead letter's retry (`only`) has no place
    // in its thread any more; a link event derived for one channel has its own.
    if (seq && seq > 1 && received.threadKey && (!only || isDerivedFor(only, received)))
      await waitForTurn(job, received.threadKey, seq, log);
    const runtime = deps.runtimes[received.source];
    if (runtime?.handle && (await runtime.handle(received)) === 'consumed') {
      await markDone(received, seq);
      return;
    }
    const event = runtime ? await runtime.resolve(received) : received;
    await deps.render.recordSize(event);
    let route = await routeEvent(store, event, only, deps.sources, deps.mayReceive, deps.oneTeam);
    if (!route.ok && route.reason === 'no_subscriber' && deps.fallbackTarget) route = { ok: true, targets: [deps.fallbackTarget] };
    if (!route.ok) {
      metrics.drops.inc({ type: event.type, reason: route.reason });
      if (route.reason === 'unroutable') {
        await deadLetter(`unroutable-${job.id}`, job, 'unroutable');
        log.warn({ routing: event.routing }, 'event could not be routed (no org or app key); kept as a dead letter');
      } else {
        log.debug({ reason: route.reason }, 'event not delivered');
      }
      await markDone(event, seq);
      return;
    }
    // This run's fencing token: a run that lost its lock while a newer one took the job over cannot
    // post a part the newer one holds (`store/attempt-marker.ts`). Taken while the extras and each
    // channel's first read are asked for; every channel awaits it before anything else.
    const token = nextRunToken(store, job.data.origin ?? job.id);
    token.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    const extras = await deps.render.extras(event);
    const results = await Promise.allSettled(route.targets.map((sub) => deliverOne(job, token, event, sub, extras, log)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await markDone(event, seq);
  };

  async function onExhausted(job: JobContext, err: Error) {
    const { event } = job.data;
    await deadLetter(`exhausted-${job.id}`, job, 'exhausted', { error: err.message });
    await markDone(event, job.data.seq);
    deps.logger.error({ jobId: job.id, type: event.type, err: err.message }, 'delivery failed after every attempt; dead-lettered');
  }

  return Object.assign(handler, { onExhausted });
}
