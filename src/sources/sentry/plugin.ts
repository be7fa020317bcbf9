/** The Sentry source as the ingest pipeline sees it: authenticate → identify → parse → normalize. */

import { IngestError, type Identified, type RawDelivery, type SourcePlugin } from '../../ingest/types.js';
import { identifyIn, normalizeWith, parseWith } from '../kit/table.js';
import { SENTRY_DERIVED_TYPES, SENTRY_EVENTS } from './events.js';
import { checkSentrySignature, checkSentrySignatureForm } from './verify.js';

export interface SentryPluginOptions {
  /** SENTRY_CLIENT_SECRET, split on commas: every one is accepted, for rotation. */
  secrets: string[];
}

/**
 * Sentry-Hook-Timestamp: unix seconds (possibly fractional), or milliseconds when too large to be
 * seconds. Anything else (ISO dates, words) is ignored: the header is unsigned, so it is read as
 * narrowly as the spec allows. The pipeline further ignores it when far from receipt.
 */
export function parseHookTimestamp(raw: string | undefined): Date | undefined {
  const v = raw?.trim();
  if (!v || !/^\d{1,16}(\.\d{1,9})?$/.test(v)) return undefined;
  const n = Number(v);
  const ms = n > 1e12 ? n : n * 1000;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

export function createSentryPlugin(opts: SentryPluginOptions): SourcePlugin {
  const secrets = opts.secrets.map((s) => s.trim()).filter(Boolean);
  return {
    source: 'sentry',

    precheck(head): void {
      const form = checkSentrySignatureForm(head.headers['sentry-hook-signature']);
      if (!form.ok) throw new IngestError('bad_signature', 401, undefined, form.reason);
    },

    authenticate(delivery: RawDelivery): void {
      const check = checkSentrySignature(delivery.body, delivery.headers['sentry-hook-signature'], secrets);
      if (!check.ok) throw new IngestError('bad_signature', 401, undefined, check.reason);
    },

    identify(delivery: RawDelivery, json: unknown): Identified {
      const resource = delivery.headers['sentry-hook-resource']?.trim();
      const action = json && typeof json === 'object' && !Array.isArray(json) ? (json as { action?: unknown }).action : undefined;
      if (!resource || typeof action !== 'string' || !action.trim()) {
        throw new IngestError('missing_action', 400, 'Sentry-Hook-Resource header and body action are required');
      }
      const name = `sentry.${resource}.${action.trim()}`;
      // Our own link events are made by the worker only: from outside they are no event of ours.
      if (SENTRY_DERIVED_TYPES.has(name)) return { known: false, name };
      return identifyIn(SENTRY_EVENTS, name);
    },

    deliveryId(delivery: RawDelivery): string | undefined {
      return delivery.headers['request-id']?.trim() || undefined;
    },

    sourceTimestamp(delivery: RawDelivery): Date | undefined {
      return parseHookTimestamp(delivery.headers['sentry-hook-timestamp']);
    },

    parse: (type, json) => parseWith(SENTRY_EVENTS, type, json),
    normalize: (type, payload, meta) => normalizeWith(SENTRY_EVENTS, type, payload, meta),
  };
}
