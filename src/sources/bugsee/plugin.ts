/** The Bugsee source as the ingest pipeline sees it: authenticate → identify → parse → normalize. */

import { BUGSEE_EVENT_TYPES, type BugseeEventType, type EventType } from '../../events.js';
import { IngestError, type Identified, type ParseResult, type RawDelivery, type SourcePlugin } from '../../ingest/types.js';
import { normalizeBugsee } from './normalize.js';
import { envelopeSchemaFor, type BugseeEnvelope } from './schema.js';
import { verifyBugseeToken } from './verify.js';

export interface BugseePluginOptions {
  /** `BUGSEE_WEBHOOK_SECRET`. */
  secret: string;
}

/** Unknown type names are logged and counted; a bound keeps a hostile name from bloating either. */
const MAX_NAME_LENGTH = 100;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBugseeType(value: string): value is BugseeEventType {
  return (BUGSEE_EVENT_TYPES as readonly string[]).includes(value);
}

export function createBugseePlugin(options: BugseePluginOptions): SourcePlugin<BugseeEnvelope> {
  const { secret } = options;
  return {
    source: 'bugsee',

    authenticate(delivery: RawDelivery): void {
      if (!verifyBugseeToken(delivery, secret)) throw new IngestError('bad_token', 401);
    },

    identify(_delivery: RawDelivery, json: unknown): Identified {
      const type = isRecord(json) ? json.type : undefined;
      if (typeof type !== 'string' || type.trim() === '') throw new IngestError('missing_type', 400);
      const name = `bugsee.${type}`;
      return isBugseeType(name) ? { known: true, type: name } : { known: false, name: name.slice(0, MAX_NAME_LENGTH) };
    },

    deliveryId(delivery: RawDelivery, json: unknown): string | undefined {
      // Bugsee repeats the envelope `id` as `X-Bugsee-Delivery`, stable across retries.
      const id = isRecord(json) ? json.id : undefined;
      if ((typeof id === 'string' && id !== '') || typeof id === 'number') return String(id);
      return delivery.headers['x-bugsee-delivery'] || undefined;
    },

    sourceTimestamp(): Date | undefined {
      return undefined;
    },

    parse(type: EventType, json: unknown): ParseResult<BugseeEnvelope> {
      if (!isBugseeType(type)) return { ok: false, issues: [{ message: `${type} is not a Bugsee event type` }] };
      const result = envelopeSchemaFor(type).safeParse(json);
      if (result.success) return { ok: true, payload: result.data };
      return {
        ok: false,
        issues: result.error.issues.map((i) => ({ code: i.code, path: i.path.map(String), message: i.message })),
      };
    },

    normalize: normalizeBugsee,
  };
}
