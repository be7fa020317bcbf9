/** The Sentry source as the ingest pipeline sees it: authenticate → identify → parse → normalize. */

import { SENTRY_EVENT_TYPES, type SentryEventType } from '../../events.js';
import { IngestError, type Identified, type ParseResult, type RawDelivery, type SourcePlugin } from '../../ingest/types.js';
import { normalizeSentry } from './normalize.js';
import { schemaFor, type SentryPayload } from './schema.js';
import { verifySentrySignature } from './verify.js';

export interface SentryPluginOptions {
  /** SENTRY_CLIENT_SECRET, split on commas: every one is accepted, for rotation. */
  secrets: string[];
}

function isSentryEventType(name: string): name is SentryEventType {
  return (SENTRY_EVENT_TYPES as readonly string[]).includes(name);
}

/** Sentry-Hook-Timestamp: unix seconds (possibly fractional), or an ISO date. */
export function parseHookTimestamp(raw: string | undefined): Date | undefined {
  const v = raw?.trim();
  if (!v) return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    ms = n > 1e12 ? n : n * 1000;
  } else {
    ms = Date.parse(v);
  }
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

export function createSentryPlugin(opts: SentryPluginOptions): SourcePlugin<SentryPayload> {
  const secrets = opts.secrets.map((s) => s.trim()).filter(Boolean);
  return {
    source: 'sentry',

    authenticate(delivery: RawDelivery): void {
      if (!verifySentrySignature(delivery.body, delivery.headers['sentry-hook-signature'], secrets)) {
        throw new IngestError('bad_signature', 401);
      }
    },

    identify(delivery: RawDelivery, json: unknown): Identified {
      const resource = delivery.headers['sentry-hook-resource']?.trim();
      const action = json && typeof json === 'object' && !Array.isArray(json) ? (json as { action?: unknown }).action : undefined;
      if (!resource || typeof action !== 'string' || !action.trim()) {
        throw new IngestError('missing_action', 400, 'Sentry-Hook-Resource header and body action are required');
      }
      const name = `sentry.${resource}.${action.trim()}`;
      return isSentryEventType(name) ? { known: true, type: name } : { known: false, name };
    },

    deliveryId(delivery: RawDelivery): string | undefined {
      return delivery.headers['request-id']?.trim() || undefined;
    },

    sourceTimestamp(delivery: RawDelivery): Date | undefined {
      return parseHookTimestamp(delivery.headers['sentry-hook-timestamp']);
    },

    parse(type, json): ParseResult<SentryPayload> {
      if (!isSentryEventType(type)) return { ok: false, issues: [{ message: `not a Sentry event type: ${type}` }] };
      const result = schemaFor(type).safeParse(json);
      if (result.success) return { ok: true, payload: result.data };
      return {
        ok: false,
        issues: result.error.issues.map((i) => ({ code: i.code, path: i.path.map(String), message: i.message })),
      };
    },

    normalize(type, payload, meta) {
      if (!isSentryEventType(type)) throw new Error(`not a Sentry event type: ${type}`);
      return normalizeSentry(type, payload, meta);
    },
  };
}
