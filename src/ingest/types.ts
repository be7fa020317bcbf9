/**
 * What a webhook source plugs into the one ingest pipeline (`src/ingest/pipeline.ts`):
 * authenticate → identify → parse → normalize. Only `src/sources/<source>/` implements these.
 */

import type { PipelineEvent } from '../events.js';

/** One webhook delivery exactly as received. Header names are lower-case. */
export interface RawDelivery {
  /** The source's name, as in `/webhooks/<source>`. */
  source: string;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  /** The raw body bytes; signatures are computed over these, never over re-serialised JSON. */
  body: Buffer;
  receivedAt: Date;
}

/** Why a credential was refused: absent, not of the expected form, or not ours. */
export type CredentialProblem = 'missing' | 'malformed' | 'mismatch';
export type VerifyResult = { ok: true } | { ok: false; reason: CredentialProblem };

/** Every way ingest refuses a delivery; `./answer.ts` turns each into its HTTP answer. */
export type IngestErrorCode =
  'bad_signature' | 'bad_token' | 'invalid_json' | 'invalid_utf8' | 'missing_action' | 'missing_type' | 'store_unavailable';

/** Errors carry a code and an HTTP status; `./answer.ts` turns them into answers. */
export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    readonly status: number,
    message?: string,
    /** For a refused credential: why. */
    readonly problem?: CredentialProblem,
  ) {
    super(message ?? code);
    this.name = 'IngestError';
  }
}

export type Identified =
  | { known: true; type: string }
  /** A verified delivery for a resource or action this version does not know (answered 202). */
  | { known: false; name: string };

export type ParseResult<P> =
  | { ok: true; payload: P }
  /** `issues` is a JSON-serialisable description of what failed (zod issues). */
  | { ok: false; issues: unknown };

export interface NormalizeMeta {
  /** The dedup identity: Request-ID / envelope id / body sha256. */
  deliveryId: string;
  receivedAt: Date;
  /** Sentry-Hook-Timestamp and the like, used as event time when the payload has none. */
  sourceTimestamp?: Date;
}

/** Whose credential a delivery carried, when it was a team's own (a Bugsee connection token). */
export interface Authenticated {
  /** The Slack team the delivery belongs to: it routes to that team only, and dedups apart from other teams'. */
  teamId?: string;
}

export interface SourcePlugin<P = unknown> {
  readonly source: string;
  /**
   * Before the body is read: throws the same 401 as `authenticate` when the credential is missing
   * or not of its form, so a delivery that cannot be authentic costs no body read or hash.
   */
  precheck?(head: Pick<RawDelivery, 'headers' | 'query'>): void;
  /**
   * Throws `IngestError('bad_signature' | 'bad_token', 401)` when the delivery is not authentic.
   * May look the credential up (async), and may say which team it belongs to.
   */
  authenticate(delivery: RawDelivery): void | Authenticated | Promise<void | Authenticated>;
  /** Throws `IngestError('missing_action', 400)` when the delivery does not say what it is. */
  identify(delivery: RawDelivery, json: unknown): Identified;
  /** The sender's delivery id (`Request-ID`, envelope `id`), if any; else the pipeline hashes the body. */
  deliveryId(delivery: RawDelivery, json: unknown): string | undefined;
  /** Sentry-Hook-Timestamp or similar. */
  sourceTimestamp(delivery: RawDelivery): Date | undefined;
  parse(type: string, json: unknown): ParseResult<P>;
  /** Pure: no I/O. Routing fields the payload lacks are resolved later by the source's resolver. */
  normalize(type: string, payload: P, meta: NormalizeMeta): PipelineEvent;
}

/**
 * Worker-side, with I/O: fills routing the payload lacks (Sentry org from the installation, Seer
 * project from the group), learns from events (group → project), and handles events that are not
 * posted (installation created/deleted).
 */
export interface SourceRuntime {
  readonly source: string;
  /** Returns `'consumed'` when the event was handled here and must not be routed to channels. */
  handle?(event: PipelineEvent): Promise<'consumed' | 'continue'>;
  /** Returns the event with `routing` completed as far as possible. */
  resolve(event: PipelineEvent): Promise<PipelineEvent>;
}
