/**
 * What ingest answers: every outcome and every `IngestError` as an HTTP status and a JSON body
 * `{status, reason?, type?, id?}`, in one place (CONTRACT: routes and status codes).
 */

import type { IngestError } from './types.js';

export interface IngestAnswer {
  status: number;
  body: { status: string; reason?: string; type?: string; id?: string };
}

export const answers = {
  accepted: (type: string, id: string): IngestAnswer => ({ status: 200, body: { status: 'accepted', type, id } }),
  duplicate: (type: string, id: string): IngestAnswer => ({ status: 200, body: { status: 'duplicate', type, id } }),
  ignored: (name: string): IngestAnswer => ({ status: 202, body: { status: 'ignored', reason: `unknown event ${name}` } }),
  invalid: (type: string, what: 'match the schema' | 'normalize'): IngestAnswer => ({
    status: 422,
    body: {
      status: 'invalid',
      reason: what === 'normalize' ? `payload could not be normalized as ${type}` : `payload does not match the ${type} schema`,
      type,
    },
  }),
  notConfigured: (source: string, variable: string): IngestAnswer => ({
    status: 503,
    body: { status: 'error', reason: `${source} webhooks are not configured: set ${variable}` },
  }),
  unknownSource: (): IngestAnswer => ({ status: 404, body: { status: 'error', reason: 'no such webhook source' } }),
  /** A refusal: the reason says what was wrong, except for a store failure, which says to retry. */
  error: (err: IngestError): IngestAnswer => ({
    status: err.status,
    body: { status: 'error', reason: err.status === 503 ? 'could not store the delivery; retry later' : err.message },
  }),
  /** Anything unexpected: the sender should retry; nothing was stored. */
  failed: (): IngestAnswer => ({ status: 503, body: { status: 'error', reason: 'could not store the delivery; retry later' } }),
};
