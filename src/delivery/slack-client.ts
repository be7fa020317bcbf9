/**
 * The Slack Web API as the delivery and the buttons use it. One `WebClient` per token, configured
 * with one retry of its own for 5xx and network errors; a 429 is not retried here but handed back
 * with its Retry-After (see slack-gate.ts). With no credentials the client is a
 * dry-run that logs each call as one JSON line and answers with a plausible fake response.
 */

import { WebClient, type RetryOptions, LogLevel } from '@slack/web-api';
import type { Logger } from '../log.js';
import { classifySlackError } from './slack-errors.js';
import { createHttpFetch } from './http-fetch.js';

export interface SlackApi {
  readonly dryRun: boolean;
  call<T = Record<string, unknown>>(method: string, args: Record<string, unknown>): Promise<T & { ok: boolean }>;
}

export interface SlackClientsDeps {
  apiUrl: string;
  logger: Logger;
  /** Single-workspace token. */
  botToken?: string;
  /** OAuth mode: the bot token stored for a team. */
  tokenForTeam?: (teamId: string) => Promise<string | undefined>;
  dryRun: boolean;
  retry?: RetryOptions;
  timeoutMs?: number;
  /** How many per-token clients to keep (least recently used go first). Default 1,000. */
  maxClients?: number;
  /** Dry-run only: sees every call (the preview page keeps them) and may add fields to the answer. */
  observeDryRun?: DryRunObserver;
  /**
   * Whether the client retries chat.postMessage itself. Off when reruns look for their own message
   * (own-post.ts): a retry after a timeout could post twice, a rerun from the queue looks first.
   */
  retryPosts?: boolean;
  /** The fetch the clients use (default: `createHttpFetch()`, one per `createSlackClients`). */
  fetch?: typeof fetch;
}

/** Fields it returns are merged into the fake answer (a pretend user's profile for `users.info`). */
export type DryRunObserver = (
  method: string,
  args: Record<string, unknown>,
  answer: Record<string, unknown>,
) => Record<string, unknown> | void;

export interface SlackClients {
  forTeam(teamId: string): Promise<SlackApi>;
}

export class NoSlackTokenError extends Error {
  constructor(readonly teamId: string) {
    super(`no Slack installation for team ${teamId}`);
    this.name = 'NoSlackTokenError';
  }
}

/**
 * One retry: a blip is ridden out here, anything longer goes back to the queue (the delivery waits
 * out an outage there, without holding a worker). More retries would hold a worker for minutes.
 */
export const DEFAULT_SLACK_RETRY: RetryOptions = { retries: 1, factor: 2, minTimeout: 500, maxTimeout: 2000, randomize: true };

function loggerAdapter(logger: Logger) {
  const child = logger.child({ component: 'slack-web-api' });
  return {
    debug: () => undefined,
    info: (...m: unknown[]) => child.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => child.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => child.error(m.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

export function createDryRunSlack(logger: Logger, observe?: DryRunObserver): SlackApi {
  let n = 0;
  return {
    dryRun: true,
    async call(method, args) {
      logger.info({ dryRun: true, method, args }, `dry-run ${method}`);
      n += 1;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(n % 1_000_000).padStart(6, '0')}`;
      const channel = typeof args.channel === 'string' ? args.channel : undefined;
      const fake: Record<string, unknown> = { ok: true, ts: args.ts ?? ts, channel };
      if (method === 'users.info') fake.user = { id: args.user, profile: {} };
      if (method === 'auth.test') fake.team_id = 'T_DRYRUN';
      return { ...fake, ...(observe?.(method, args, fake) ?? {}) } as never;
    },
  };
}

export function createSlackClients(deps: SlackClientsDeps): SlackClients {
  // Tokens come and go with installs and rotations: without a bound the map only grows.
  const maxClients = deps.maxClients ?? 1000;
  const byToken = new Map<string, SlackApi>();
  const dry = createDryRunSlack(deps.logger, deps.observeDryRun);
  const fetchFn = deps.fetch ?? createHttpFetch();
  const wrap = (token: string): SlackApi => {
    let api = byToken.get(token);
    if (api) {
      // A Map iterates in insertion order: re-inserting marks this one as the most recent.
      byToken.delete(token);
      byToken.set(token, api);
      return api;
    }
    const client = (retryConfig: RetryOptions) =>
      new WebClient(token, {
        slackApiUrl: deps.apiUrl,
        retryConfig,
        timeout: deps.timeoutMs ?? 10_000,
        // A 429 comes straight back with its Retry-After: the delivery holds the channel (or team) in
        // the store, for every job and process, instead of one client sleeping in a worker.
        rejectRateLimitedCalls: true,
        logger: loggerAdapter(deps.logger),
        fetch: fetchFn,
      });
    const web = client(deps.retry ?? DEFAULT_SLACK_RETRY);
    const posts = deps.retryPosts === false ? client({ retries: 0 }) : web;
    api = {
      dryRun: false,
      async call(method, args) {
        try {
          return (await (method === 'chat.postMessage' ? posts : web).apiCall(method, args)) as never;
        } catch (err) {
          throw classifySlackError(method, err);
        }
      },
    };
    byToken.set(token, api);
    if (byToken.size > maxClients) byToken.delete(byToken.keys().next().value as string);
    return api;
  };
  return {
    async forTeam(teamId) {
      if (deps.dryRun) return dry;
      if (deps.tokenForTeam) {
        const t = await deps.tokenForTeam(teamId);
        if (t) return wrap(t);
      }
      if (deps.botToken) return wrap(deps.botToken);
      throw new NoSlackTokenError(teamId);
    },
  };
}
