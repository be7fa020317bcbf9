/**
 * The one ingest pipeline every source plugs into. `handle` reads as its story:
 * authenticate → read the JSON object → identify → validate or dead-letter → normalize or
 * dead-letter → claim and enqueue → answer. The answer never waits on Slack or the source's API:
 * delivery happens in the worker.
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
}

export interface Ingest {
  handle(delivery: RawDelivery, log?: Logger): Promise<IngestAnswer>;
}

/** A step that ends the story early with this answer. */
class Answered extends Error {
  constructor(readonly answer: IngestAnswer) {
    super('answered');
  }
}

export function createIngest(deps: IngestDeps): Ingest {
  const { store, queue, metrics } = deps;
  const sources = deps.sources ?? SOURCES;

  async function handle(delivery: RawDelivery, log: Logger = deps.logger): Promise<IngestAnswer> {
    const count = (outcome: string, type = 'unknown') => metrics.webhooks.inc({ source: delivery.source, outcome, type });
    try {
      const { plugin, source } = configured(delivery, count);
      const auth = await authenticate(plugin, source, delivery, log);
      const json = readJsonObject(delivery.body);
      const type = identify(plugin, delivery, json, count, log);
      const payload = await validateOrDeadLetter(plugin, delivery, type, json, count, log);
      const event = ownedBy(auth, await normalizeOrDeadLetter(plugin, delivery, type, json, payload, count, log));
      const outcome = await claimAndEnqueue({ store, queue, log }, delivery, event);
      count(outcome, type);
      return outcome === 'accepted' ? answers.accepted(type, event.id) : answers.duplicate(type, event.id);
    } catch (err) {
      return answerFor(err, log);
    }
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
      if (err instanceof IngestError) log.info({ reason: err.code, problem: err.problem }, `webhook refused: ${source.credential.hint}`);
      throw err;
    }
  }

  function identify(plugin: SourcePlugin, delivery: RawDelivery, json: object, count: (o: string, t?: string) => void, log: Logger): string {
    const id = plugin.identify(delivery, json);
    if (id.known) return id.type;
    count('unknown', id.name);
    log.info({ name: id.name }, 'unknown resource or action; ignored');
    throw new Answered(answers.ignored(id.name));
  }

  async function validateOrDeadLetter(plugin: SourcePlugin, delivery: RawDelivery, type: string, json: object, count: (o: string, t?: string) => void, log: Logger) {
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
        sourceTimestamp: plugin.sourceTimestamp(delivery),
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
    log.warn({ type, deadLetter: id, issues }, 'payload failed its schema; kept as a dead letter');
  }

  function credentialHeaders(name: string): readonly string[] {
    return sourceNamed(sources, name)?.credential.headers ?? [];
  }

  return { handle };
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

function readJsonObject(body: Buffer): object {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new IngestError('invalid_json', 400, 'body is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new IngestError('invalid_json', 400, 'body must be a JSON object');
  return json;
}

function answerFor(err: unknown, log: Logger): IngestAnswer {
  if (err instanceof Answered) return err.answer;
  if (err instanceof IngestError) {
    if (err.status >= 500) log.error({ reason: err.code, err: err.message }, 'webhook not stored');
    else if (err.status !== 401) log.info({ reason: err.code, status: err.status }, 'webhook refused');
    return answers.error(err);
  }
  log.error({ err }, 'webhook failed');
  return answers.failed();
}
