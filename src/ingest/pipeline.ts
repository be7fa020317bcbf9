/**
 * The one ingest pipeline every source plugs into:
 * authenticate → parse JSON → identify → validate → dedup claim → normalize → enqueue → answer.
 * The answer never waits on Slack or the source's API: delivery happens in the worker.
 */

import { createHash, randomUUID } from 'node:crypto';
import type { AnyEvent, Source } from '../events.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Queue } from '../queue/queue.js';
import type { ClaimResult, DeadLetterRepo, KeyValue } from '../store/store.js';
import { IngestError, type RawDelivery, type SourcePlugin } from './types.js';
import { safeHeaders } from './headers.js';
import { dedupKey as dedupKeyOf, seqKey, seqSkipKey } from '../store/keys.js';

export const DEDUP_TTL_SECONDS = 7 * 24 * 3600;
/**
 * The claim is short until the job is stored: if the process dies between the two, the sender's
 * retry is accepted after this instead of being answered "duplicate" for a week with nothing queued.
 */
export const PENDING_TTL_SECONDS = 120;

export interface IngestAnswer {
  status: number;
  body: { status: string; reason?: string; type?: string; id?: string };
}

export interface IngestDeps {
  plugins: Partial<Record<Source, SourcePlugin>>;
  store: KeyValue & Pick<DeadLetterRepo, 'addDeadLetter'>;
  queue: Queue;
  metrics: Metrics;
  logger: Logger;
  now?: () => Date;
}

export interface Ingest {
  handle(delivery: RawDelivery, log?: Logger): Promise<IngestAnswer>;
}

const ok = (type: string, id: string): IngestAnswer => ({ status: 200, body: { status: 'accepted', type, id } });

export function createIngest(deps: IngestDeps): Ingest {
  const { store, queue, metrics } = deps;

  async function deadLetter(delivery: RawDelivery, type: string, issues: unknown, log: Logger) {
    const id = randomUUID();
    await store.addDeadLetter({
      id,
      source: delivery.source,
      reason: 'schema',
      type,
      body: delivery.body.toString('utf8'),
      headers: safeHeaders(delivery.headers),
      error: issues,
      createdAt: delivery.receivedAt.toISOString(),
    });
    metrics.deadLetters.inc({ source: delivery.source, reason: 'schema' });
    log.warn({ type, deadLetter: id, issues }, 'payload failed its schema; kept as a dead letter');
  }

  async function handle(delivery: RawDelivery, log: Logger = deps.logger): Promise<IngestAnswer> {
    const plugin = deps.plugins[delivery.source];
    const count = (outcome: string, type = 'unknown') => metrics.webhooks.inc({ source: delivery.source, outcome, type });
    if (!plugin) {
      count('not_configured');
      const secret = delivery.source === 'sentry' ? 'SENTRY_CLIENT_SECRET' : 'BUGSEE_WEBHOOK_SECRET';
      return { status: 503, body: { status: 'error', reason: `${delivery.source} webhooks are not configured: set ${secret}` } };
    }
    plugin.authenticate(delivery);

    let json: unknown;
    try {
      json = JSON.parse(delivery.body.toString('utf8'));
    } catch {
      throw new IngestError('invalid_json', 400, 'body is not valid JSON');
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new IngestError('invalid_json', 400, 'body must be a JSON object');
    }

    const id = plugin.identify(delivery, json);
    if (!id.known) {
      count('unknown', id.name);
      log.info({ name: id.name }, 'unknown resource or action; ignored');
      return { status: 202, body: { status: 'ignored', reason: `unknown event ${id.name}` } };
    }
    const type = id.type;

    const parsed = plugin.parse(type, json);
    if (!parsed.ok) {
      await deadLetter(delivery, type, parsed.issues, log);
      count('invalid', type);
      return { status: 422, body: { status: 'invalid', reason: `payload does not match the ${type} schema`, type } };
    }

    const deliveryId = plugin.deliveryId(delivery, json) || createHash('sha256').update(delivery.body).digest('hex');
    let event: AnyEvent;
    try {
      event = plugin.normalize(type, parsed.payload, {
        deliveryId,
        receivedAt: delivery.receivedAt,
        sourceTimestamp: plugin.sourceTimestamp(delivery),
      });
    } catch (err) {
      await deadLetter(delivery, type, { normalize: (err as Error).message }, log);
      count('invalid', type);
      return { status: 422, body: { status: 'invalid', reason: `payload could not be normalized as ${type}`, type } };
    }

    // One round trip: the dedup claim, and the event's place in its thread when it wins.
    const dedupKey = dedupKeyOf(delivery.source, deliveryId);
    let claim: ClaimResult;
    try {
      claim = await store.claimAndCount(dedupKey, PENDING_TTL_SECONDS, event.threadKey ? seqKey(event.threadKey) : undefined);
    } catch (err) {
      throw new IngestError('store_unavailable', 503, (err as Error).message);
    }
    const jobId = `${delivery.source}-${deliveryId}`;
    if (!claim.claimed) {
      // Still pending: the first attempt may have died before storing the job. Store it now under
      // the same job id and number (a no-op if it was stored), so "duplicate" always means "we have it".
      if (claim.pending) {
        try {
          await queue.enqueue({ event, seq: claim.seq, acceptedAt: delivery.receivedAt.getTime() }, jobId);
        } catch (err) {
          throw new IngestError('store_unavailable', 503, (err as Error).message);
        }
        store.extendClaim(dedupKey, DEDUP_TTL_SECONDS).catch(() => undefined);
      }
      count('duplicate', type);
      return { status: 200, body: { status: 'duplicate', type, id: deliveryId } };
    }
    const { seq } = claim;
    try {
      await queue.enqueue({ event, seq, acceptedAt: delivery.receivedAt.getTime() }, jobId);
    } catch (err) {
      // Not stored durably: let the sender retry, and make sure the retry is not taken for a duplicate.
      // The job id is the delivery's, so a job that was stored after all is not queued twice.
      await store.release(dedupKey).catch(() => undefined);
      if (seq !== undefined) await store.setRecord(seqSkipKey(event.threadKey, seq), 1, DEDUP_TTL_SECONDS).catch(() => undefined);
      throw new IngestError('store_unavailable', 503, (err as Error).message);
    }
    // Not awaited: the job is stored, so the answer need not wait. If this fails, the claim lapses
    // after PENDING_TTL_SECONDS and a much later redelivery is queued under the same job id, whose
    // per-part post records keep it from posting again.
    store.extendClaim(dedupKey, DEDUP_TTL_SECONDS).catch((err) => log.warn({ err: (err as Error).message }, 'dedup claim not extended'));
    count('accepted', type);
    log.debug({ type, id: deliveryId, threadKey: event.threadKey, seq }, 'accepted');
    return ok(type, deliveryId);
  }

  return { handle };
}
