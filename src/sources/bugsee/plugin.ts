/** The Bugsee source as the ingest pipeline sees it: authenticate → identify → parse → normalize. */

import { IngestError, type Identified, type RawDelivery, type SourcePlugin } from '../../ingest/types.js';
import { identifyIn, normalizeWith, parseWith } from '../kit/table.js';
import { BUGSEE_EVENTS } from './events.js';
import { checkBugseeToken, checkBugseeTokenForm } from './verify.js';

export interface BugseePluginOptions {
  /** `BUGSEE_WEBHOOK_SECRET`. */
  secret: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function createBugseePlugin(options: BugseePluginOptions): SourcePlugin {
  const { secret } = options;
  return {
    source: 'bugsee',

    precheck(head): void {
      const form = checkBugseeTokenForm(head);
      if (!form.ok) throw new IngestError('bad_token', 401, undefined, form.reason);
    },

    authenticate(delivery: RawDelivery): void {
      const check = checkBugseeToken(delivery, secret);
      if (!check.ok) throw new IngestError('bad_token', 401, undefined, check.reason);
    },

    identify(_delivery: RawDelivery, json: unknown): Identified {
      const type = isRecord(json) ? json.type : undefined;
      if (typeof type !== 'string' || type.trim() === '') throw new IngestError('missing_type', 400);
      return identifyIn(BUGSEE_EVENTS, `bugsee.${type}`);
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

    parse: (type, json) => parseWith(BUGSEE_EVENTS, type, json),
    normalize: (type, payload, meta) => normalizeWith(BUGSEE_EVENTS, type, payload, meta),
  };
}
