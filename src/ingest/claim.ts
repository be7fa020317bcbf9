/**
 * The last step of ingest: claim the delivery (dedup) and its place in its thread, and store the
 * job. "accepted" and "duplicate" both mean "we have it"; anything else throws a 503 so the
 * sender retries.
 *
 * A delivery is claimed under two identities at once: its delivery id (Request-ID, envelope id)
 * and its raw body's SHA-256. The id is unsigned, so a captured body resent with a new id must
 * still be a duplicate; the sender's own retry (same id, same body) still finds its pending claim
 * and finishes it.
 */

import type { PipelineEvent } from '../events.js';
import type { Logger } from '../log.js';
import type { DeliveryJob, Queue } from '../queue/queue.js';
import type { ClaimResult, KeyValue } from '../store/store.js';
import { dedupBodyKey, dedupKey as dedupKeyOf, deliveryTag, seqKey, seqSkipKey } from '../store/keys.js';
import { IngestError, type RawDelivery } from './types.js';

export const DEDUP_TTL_SECONDS = 7 * 24 * 3600;
/**
 * The claim is short until the job is stored: if the process dies between the two, the sender's
 * retry is accepted after this instead of being answered "duplicate" for a week with nothing queued.
 */
export const PENDING_TTL_SECONDS = 120;

const unavailable = (err: unknown) => new IngestError('store_unavailable', 503, (err as Error).message);

export async function claimAndEnqueue(
  deps: { store: KeyValue; queue: Queue; log: Logger },
  delivery: Pick<RawDelivery, 'source' | 'receivedAt'>,
  event: PipelineEvent,
  /** SHA-256 (hex) of the raw body. */
  bodySha256: string,
  /** Set for an event our own worker derived for one channel (src/delivery/thread-links.ts). */
  only?: DeliveryJob['only'],
): Promise<'accepted' | 'duplicate'> {
  const { store, queue, log } = deps;
  // One round trip: both dedup claims, and the event's place in its thread when they win.
  const tag = deliveryTag(event.threadKey, bodySha256);
  const dedupKey = dedupKeyOf(delivery.source, event.id, tag);
  // Dedup is per connection: two workspaces that each connected the same sender both get its events.
  const owner = event.routing.teamId;
  const bodyKey = dedupBodyKey(delivery.source, typeof owner === 'string' ? `${owner}:${bodySha256}` : bodySha256, tag);
  const jobId = `${delivery.source}-${event.id}`;
  if (queue.admit) {
    // One atomic step (Redis inbox): claimed, numbered and stored, or a duplicate we already have.
    let admitted;
    try {
      admitted = await queue.admit(
        {
          tag,
          key: dedupKey,
          alias: bodyKey,
          counter: event.threadKey ? seqKey(event.threadKey) : undefined,
          ttlSeconds: DEDUP_TTL_SECONDS,
        },
        { event, acceptedAt: delivery.receivedAt.getTime(), ...(only ? { only } : {}) },
        jobId,
      );
    } catch (err) {
      throw unavailable(err);
    }
    if (!admitted.claimed) return 'duplicate';
    log.debug({ type: event.type, id: event.id, threadKey: event.threadKey, seq: admitted.seq }, 'accepted');
    return 'accepted';
  }
  const extend = () => Promise.all([store.extendClaim(dedupKey, DEDUP_TTL_SECONDS), store.extendClaim(bodyKey, DEDUP_TTL_SECONDS)]);
  let claim: ClaimResult;
  try {
    claim = await store.claimAndCount(dedupKey, PENDING_TTL_SECONDS, event.threadKey ? seqKey(event.threadKey) : undefined, bodyKey);
  } catch (err) {
    throw unavailable(err);
  }
  const job = { event, seq: claim.seq, acceptedAt: delivery.receivedAt.getTime(), ...(only ? { only } : {}) };
  if (!claim.claimed) {
    // Still pending: the first attempt may have died before storing the job. Store it now under
    // the same job id and number (a no-op if it was stored), so "duplicate" always means "we have it".
    if (claim.pending) {
      try {
        await queue.enqueue(job, jobId);
      } catch (err) {
        throw unavailable(err);
      }
      extend().catch(() => undefined);
    }
    return 'duplicate';
  }
  try {
    await queue.enqueue(job, jobId);
  } catch (err) {
    // Not stored durably: let the sender retry, and make sure the retry is not taken for a duplicate.
    // The job id is the delivery's, so a job that was stored after all is not queued twice.
    await Promise.all([store.release(dedupKey), store.release(bodyKey)]).catch(() => undefined);
    if (claim.seq !== undefined) await store.setRecord(seqSkipKey(event.threadKey, claim.seq), 1, DEDUP_TTL_SECONDS).catch(() => undefined);
    throw unavailable(err);
  }
  // Not awaited: the job is stored, so the answer need not wait. If this fails, the claim lapses
  // after PENDING_TTL_SECONDS and a much later redelivery is queued under the same job id, whose
  // per-part post records keep it from posting again.
  extend().catch((err) => log.warn({ err: (err as Error).message }, 'dedup claim not extended'));
  log.debug({ type: event.type, id: event.id, threadKey: event.threadKey, seq: claim.seq }, 'accepted');
  return 'accepted';
}
