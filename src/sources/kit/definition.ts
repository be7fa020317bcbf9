/**
 * What a source is, as the core sees it. Ingest, routing, threads, rendering and the slash command
 * read these definitions (listed once, in `../index.ts`) and never name a source; a new source is a
 * folder with a definition, added to that list.
 */

import type { Router } from 'express';
import type { z } from 'zod';
import type { Config } from '../../config.js';
import type { PipelineEvent } from '../../events.js';
import type { SourcePlugin, SourceRuntime } from '../../ingest/types.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { ConnectionContext, SourceConnection } from './connection.js';
import type { AnyTable } from './table.js';

/** A build's download size, kept per app to draw the size trend on its card. */
export interface SizeSample {
  /** History key: one list per app (and package). */
  key: string;
  /** The build's identity: a build is counted once however often it is delivered. */
  build: string;
  size: number;
}

/**
 * One link between two threads of a channel (see src/delivery/thread-links.ts): a link event that
 * goes into thread `into` and points at thread `from`. It is made only where both threads have a
 * parent in the channel, once per channel.
 */
export interface ThreadLinkSpec {
  /** The link event's type: a row of the source's event table. */
  type: string;
  /** Base key of the thread the link reply goes into. */
  into: string;
  /** Base key of the thread it points at. */
  from: string;
  /** The link event's payload, read through the source's table like a delivery's body. */
  payload: Record<string, unknown>;
}

export interface SourceDefinition {
  /** The `source` of its events and the first part of their types, e.g. `sentry`. */
  readonly name: string;
  /** As people read it, e.g. `Sentry`. */
  readonly label: string;
  /** Event type → schema, normalizer, subject, kind. */
  readonly events: AnyTable;
  /** Subscription kinds, in the order help lists them. */
  readonly kinds: readonly string[];
  readonly credential: {
    /** The variable an operator checks when deliveries are refused. */
    variable: string;
    /** Why a delivery may be refused, in a sentence that names `variable`. */
    hint: string;
    /** Request headers that carry the credential: never logged, never kept with a dead letter. */
    headers: readonly string[];
  };
  /** Verifies and identifies deliveries; undefined when the configuration leaves the source off. */
  plugin(config: Config, deps?: { store?: Store; logger?: Logger }): SourcePlugin | undefined;
  /** Worker-side I/O (routing the payload lacks); the composition root may supply its own. */
  runtime?(deps: { store: Store; logger: Logger }): SourceRuntime;
  /** Subscription targets the event reaches; null when it names none (unroutable). */
  targets(event: PipelineEvent): string[] | null;
  /** Whether the event may be the source's echo of a change our own button made. */
  maybeEcho(event: PipelineEvent): boolean;
  readonly subscription: {
    /** What a target is, e.g. `a project`. */
    noun: string;
    /** How it is typed, e.g. `<org>/<project>`. */
    placeholder: string;
    /** Validates a typed target and returns its stored form. */
    target: z.ZodType<string, string>;
    /** How a stored target reads in replies, `list` and App Home (mrkdwn, escaped). */
    describe(target: string): string;
    /** `/threadline help` lines for this source's subscribe and unsubscribe. */
    help: readonly string[];
  };
  /**
   * Whether the source's buttons can act (its write API is configured). False leaves its cards
   * with link buttons only, so nobody clicks a button that can only fail. Absent: always.
   */
  actionable?(config: Config): boolean;
  /**
   * Another thread of the same channel whose people this event should name: a Seer run's pull
   * request mentions the assignee of its issue's thread. Null or absent: none.
   */
  relatedThread?(event: PipelineEvent): string | null;
  /**
   * The links between threads this event makes once it is delivered into a channel (a Seer run
   * and its issue; a Seer pull request's builds and the run). Empty or absent: none.
   */
  threadLinks?(event: PipelineEvent): ThreadLinkSpec[];
  /**
   * Threads of the same channel whose parents this event's messages link to (their permalinks
   * reach the templates as `extras.threadLinks`). Empty or absent: none.
   */
  linkedThreads?(event: PipelineEvent): string[];
  /**
   * What a reply of this event is, for a channel's `--broadcast` setting: a regression (an issue
   * back after it was resolved) or a critical alert. Null or absent: neither (only `all` broadcasts it).
   */
  broadcastKind?(event: PipelineEvent): 'regression' | 'critical' | null;
  /** A build event's size, for the trend sparkline; absent for sources without builds. */
  sizeSample?(event: PipelineEvent): SizeSample | null;
  /** Templates for event types that `templates/index.ts` does not list (a source kept outside it). */
  readonly templates?: Readonly<Record<string, unknown>>;
  /** Extra HTTP routes (setup, options, connection callbacks), mounted beside the webhook route. */
  routes?(router: Router, deps: { store: Store; logger: Logger; config: Config; connections?: ConnectionContext }): void;
  /** How a Slack team connects this source's account, and what that allows (multi-workspace mode). */
  readonly connection?: SourceConnection;
}
