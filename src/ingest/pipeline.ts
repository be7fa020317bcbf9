/**
 * The one ingest pipeline every source plugs into. `handle` reads as its story:
 * authenticate → read the JSON object → identify → validate or dead-letter → normalize or
 * dead-letter → claim and enqueue → answer. The answer never waits on Slack or the source's API:
 * delivery happens in the worker. `precheck` runs before the body is read.
 *
 * Whatever arrives, metrics and logs stay bounded: metric labels come from the source list and
 * the event tables (or a fixed `unknown`), and refusals are logged once a minute per reason and
 * source, with a count of those folded in.
 */

import { createHash, randomUUID } from 'node:crypto';
import type { PipelineEvent } from '../events.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Queue } from '../queue/queue.js';
import { SOURCES, sourceNamed, type SourceDefinition } from '../sources/index.js';
import type { DeadLetterRepo, KeyValue } from '../store/store.js';
import { answers, type IngestAnswer } from './answer.js';
import { claimAndEnqueue } from './claim.js';
import { safeHeaders } from './headers.js';
import { createRateLimitedLog, type RateLimitedLog } from './rate-limited-log.js';
import { IngestError, type Authenticated, type RawDelivery, type SourcePlugin } from './types.js';

export { DEDUP_TTL_SECONDS, PENDING_TTL_SECONDS } from './claim.js';
export type { IngestAnswer } from './answer.js';

export interface IngestDeps {
  /** The configured sources' plugins, by source name; a source without one answers 503. */
  plugins: Partial<Record<string, SourcePlugin>>;
  /** The source definitions (default: the built-in list). */
  sources?: readonly SourceDefinition[];
  store: KeyValue & Pick<DeadLetterRepo, 'addDeadLetter'>;
  queue: Queue;
  metrics: Metrics;
  logger: Logger;
  /** Refusal log limiter (default: once a minute per reason and source). */
  refusalLog?: RateLimitedLog;
}

/** A delivery as known before its body is read. */
export type DeliveryHead = Omit<RawDelivery, 'body' | 'receivedAt'>;

export interface Ingest {
  handle(delivery: RawDelivery, log?: Logger): Promise<IngestAnswer>;
  /** Before the body is read: the 401 for a missing or malformed credential, else undefined. */
  precheck(head: DeliveryHead, log?: Logger): IngestAnswer | undefined;
  /** Logs (bounded) a refusal the route answered itself, e.g. 413 or 415. */
  refused(source: string, reason: string, answer: IngestAnswer, log?: Logger): void;
  /**
   * The same story without the signature step, for deliveries our own code made (the dry-run
   * preview's scenarios): never reachable from a webhook route.
   */
  handleAuthenticated(delivery: RawDelivery, log?: Logger): Promise<IngestAnswer>;
}

/** How far an unsigned sender timestamp may be from receipt and still order events. */
export const TRUSTED_TIMESTAMP_SKEW_MS = 5 * 60 * 1000;
/** How much of an unknown event name is logged. */
export const LOGGED_NAME_LENGTH = 100;

/** A step that ends the story early with this answer. */
class Answered extends Error {
  constructor(readonly answer: IngestAnswer) {
    super('answered');
  }
}

export function createIngest(deps: IngestDeps): Ingest {
  const { store, queue, metrics } = deps;
  const sources = deps.sources ?? SOURCES;
  const limited = deps.refusalLog ?? createRateLimitedLog();
  /** A refusal, logged at most once a minute per reason and source. */
  const refusal = (
    log: Logger,
    source: string,
    reason: string,
    obj: Record<string, unknown>,
    msg: string,
    level: 'info' | 'warn' = 'info',
  ) => limited.write(log, level, `${reason}\u0000${source}`, { reason, source, ...obj }, msg);

  async function handle(delivery: RawDelivery, log: Logger = deps.logger): Promise<IngestAnswer> {
    return story(delivery, log, true);
  }

  async function handleAuthenticated(delivery: RawDelivery, log: Logger = deps.logger): Promise<IngestAnswer> {
    return story(delivery, log, false);
  }

  async function story(delivery: RawDelivery, log: Logger, verify: boolean): Promise<IngestAnswer> {
    // Labels from closed sets only: the source list, the event tables, or these fixed words.
    const sourceLabel = sourceNamed(sources, delivery.source) ? delivery.source : 'other';
    const count = (outcome: string, type = 'unknown') => metrics.webhooks.inc({ source: sourceLabel, outcome, type });
    try {
      const { plugin, source } = configured(delivery, count);
      const auth = verify ? await authenticate(plugin, source, delivery, log) : undefined;
      const json = readJsonObject(delivery.body);
      const type = identify(plugin, delivery, json, count, log);
      const payload = await validateOrDeadLetter(plugin, delivery, type, json, count, log);
      const event = ownedBy(auth, await normalizeOrDeadLetter(plugin, delivery, type, json, payload, count, log));
      const outcome = await claimAndEnqueue({ store, queue, log }, delivery, event, bodyHash(delivery.body));
      count(outcome, type);
      return outcome === 'accepted' ? answers.accepted(type, event.id) : answers.duplicate(type, event.id);
    } catch (err) {
      return answerFor(err, sourceLabel, log);
    }
  }

  function precheck(head: DeliveryHead, log: Logger = deps.logger): IngestAnswer | undefined {
    const source = sourceNamed(sources, head.source);
    const plugin = deps.plugins[head.source];
    if (!source || !plugin?.precheck) return undefined;
    try {
      plugin.precheck(head);
      return undefined;
    } catch (err) {
      if (!(err instanceof IngestError)) throw err;
      refusal(log, source.name, err.code, { problem: err.problem, status: err.status }, `webhook refused: ${source.credential.hint}`);
      return answers.error(err);
    }
  }

  function refused(source: string, reason: string, answer: IngestAnswer, log: Logger = deps.logger) {
    const name = sourceNamed(sources, source)?.name ?? 'other';
    refusal(log, name, reason, { status: answer.status }, 'webhook refused');
  }

  function configured(delivery: RawDelivery, count: (outcome: string) => void) {
    const source = sourceNamed(sources, delivery.source);
    const plugin = deps.plugins[delivery.source];
    if (source && plugin) return { source, plugin };
    count('not_configured');
    throw new Answered(source ? answers.notConfigured(source.name, source.credential.variable) : answers.unknownSource());
  }

  async function authenticate(plugin: SourcePlugin, source: SourceDefinition, delivery: RawDelivery, log: Logger) {
    try {
      return (await plugin.authenticate(delivery)) ?? undefined;
    } catch (err) {
      // The operator's question is which setting to fix: name it, with why the credential failed.
      if (err instanceof IngestError) {
        refusal(log, source.name, err.code, { problem: err.problem, status: err.status }, `webhook refused: ${source.credential.hint}`);
        throw new Answered(answers.error(err));
      }
      throw err;
    }
  }

  function identify(
    plugin: SourcePlugin,
    delivery: RawDelivery,
    json: object,
    count: (o: string, t?: string) => void,
    log: Logger,
  ): string {
    const id = plugin.identify(delivery, json);
    if (id.known) return id.type;
    // The name is the sender's (an unsigned header for Sentry): one fixed label, a short log line.
    count('unknown');
    const name = id.name.slice(0, LOGGED_NAME_LENGTH);
    refusal(log, delivery.source, 'unknown_event', { name, status: 202 }, 'unknown resource or action; ignored');
    throw new Answered(answers.ignored(name));
  }

  async function validateOrDeadLetter(
    plugin: SourcePlugin,
    delivery: RawDelivery,
    type: string,
    json: object,
    count: (o: string, t?: string) => void,
    log: Logger,
  ) {
    const parsed = plugin.parse(type, json);
    if (parsed.ok) return parsed.payload;
    await deadLetter(delivery, type, parsed.issues, log);
    count('invalid', type);
    throw new Answered(answers.invalid(type, 'match the schema'));
  }

  async function normalizeOrDeadLetter(
    plugin: SourcePlugin,
    delivery: RawDelivery,
    type: string,
    json: object,
    payload: unknown,
    count: (o: string, t?: string) => void,
    log: Logger,
  ): Promise<PipelineEvent> {
    try {
      return plugin.normalize(type, payload, {
        deliveryId: plugin.deliveryId(delivery, json) || bodyHash(delivery.body),
        receivedAt: delivery.receivedAt,
        sourceTimestamp: trusted(plugin.sourceTimestamp(delivery), delivery.receivedAt),
      });
    } catch (err) {
      await deadLetter(delivery, type, { normalize: (err as Error).message }, log);
      count('invalid', type);
      throw new Answered(answers.invalid(type, 'normalize'));
    }
  }

  async function deadLetter(delivery: RawDelivery, type: string, issues: unknown, log: Logger) {
    const id = randomUUID();
    await store.addDeadLetter({
      id,
      source: delivery.source,
      reason: 'schema',
      type,
      body: delivery.body.toString('utf8'),
      headers: safeHeaders(delivery.headers, credentialHeaders(delivery.source)),
      error: issues,
      createdAt: delivery.receivedAt.toISOString(),
    });
    metrics.deadLetters.inc({ source: delivery.source, reason: 'schema' });
    refusal(
      log,
      delivery.source,
      'invalid',
      { type, deadLetter: id, issues, status: 422 },
      'payload failed its schema; kept as a dead letter',
      'warn',
    );
  }

  function credentialHeaders(name: string): readonly string[] {
    return sourceNamed(sources, name)?.credential.headers ?? [];
  }

  function answerFor(err: unknown, source: string, log: Logger): IngestAnswer {
    if (err instanceof Answered) return err.answer;
    if (err instanceof IngestError) {
      if (err.status >= 500) log.error({ reason: err.code, err: err.message }, 'webhook not stored');
      else refusal(log, source, err.code, { status: err.status }, 'webhook refused');
      return answers.error(err);
    }
    log.error({ err }, 'webhook failed');
    return answers.failed();
  }

  return { handle, handleAuthenticated, precheck, refused };
}

/**
 * An unsigned sender timestamp orders events only when it is near receipt: a replay can carry any
 * value, and one far ahead would pin the card's state (merge is by event time).
 */
function trusted(timestamp: Date | undefined, receivedAt: Date): Date | undefined {
  if (!timestamp || Number.isNaN(timestamp.getTime())) return undefined;
  return Math.abs(timestamp.getTime() - receivedAt.getTime()) <= TRUSTED_TIMESTAMP_SKEW_MS ? timestamp : undefined;
}

/**
 * A delivery on a team's own credential belongs to that team: routing reads `routing.teamId`, and
 * the dedup identity includes it, so two teams whose webhooks carry the same event both get it.
 */
function ownedBy(auth: Authenticated | undefined, event: PipelineEvent): PipelineEvent {
  if (!auth?.teamId) return event;
  return { ...event, id: `${auth.teamId}:${event.id}`, routing: { ...event.routing, teamId: auth.teamId } };
}

function bodyHash(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readJsonObject(body: Buffer): object {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new IngestError('invalid_utf8', 400, 'body is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IngestError('invalid_json', 400, 'body is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new IngestError('invalid_json', 400, 'body must be a JSON object');
  return json;
}
