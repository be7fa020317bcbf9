/** A small Sentry REST client for what buttons and routing need: read, update, find a member. */

import { z } from 'zod';
import { apiPath, joinUrl, sentryRequest, SentryApiError, type FetchLike } from './http.js';

export { SentryApiError, type SentryApiErrorCode, type FetchLike } from './http.js';

/** Whatever hands out a token for an org (see `tokens.ts`). */
export interface SentryTokenSource {
  tokenForOrg(org: string): Promise<string>;
}

const idLike = z.union([z.string(), z.number()]).transform(String);

const issueSchema = z.looseObject({
  id: idLike,
  shortId: z.string().nullish(),
  title: z.string().nullish(),
  status: z.string().nullish(),
  substatus: z.string().nullish(),
  permalink: z.string().nullish(),
  project: z.looseObject({ id: idLike.nullish(), slug: z.string().nullish(), name: z.string().nullish() }).nullish(),
  assignedTo: z
    .looseObject({ type: z.string().nullish(), id: idLike.nullish(), name: z.string().nullish(), email: z.string().nullish() })
    .nullish(),
});

const memberSchema = z.looseObject({
  id: idLike,
  email: z.string().nullish(),
  name: z.string().nullish(),
  user: z
    .looseObject({ id: idLike.nullish(), name: z.string().nullish(), email: z.string().nullish(), username: z.string().nullish() })
    .nullish(),
});

const teamSchema = z.looseObject({ id: idLike, slug: z.string().nullish(), name: z.string().nullish() });

export type SentryIssue = z.infer<typeof issueSchema>;
export type SentryTeam = z.infer<typeof teamSchema>;
export type SentryMember = z.infer<typeof memberSchema>;

/** Body of PUT /organizations/{org}/issues/{id}/. */
export interface SentryIssueUpdate {
  status?: 'resolved' | 'unresolved' | 'ignored' | 'resolvedInNextRelease';
  substatus?: string;
  statusDetails?: Record<string, unknown>;
  /** `user:<id>`, `team:<id>`, a username or email; '' unassigns. */
  assignedTo?: string;
  [key: string]: unknown;
}

export interface SentryApi {
  getIssue(org: string, issueId: string): Promise<SentryIssue>;
  updateIssue(org: string, issueId: string, body: SentryIssueUpdate): Promise<SentryIssue>;
  /** The member whose email matches (case-insensitive), or null. */
  findMemberByEmail(org: string, email: string): Promise<SentryMember | null>;
  /** One page (≤ 100) of the org's members, optionally matching Sentry's `query` search. */
  listMembers(org: string, query?: string): Promise<SentryMember[]>;
  /** One page (≤ 100) of the org's teams, optionally matching `query`. */
  listTeams(org: string, query?: string): Promise<SentryTeam[]>;
}

/** Sentry's page size for list endpoints; a full page means there may be more. */
export const SENTRY_PAGE = 100;

function listPath(base: string, query: string | undefined): string {
  const q = new URLSearchParams({ per_page: String(SENTRY_PAGE) });
  if (query) q.set('query', query);
  return `${base}?${q.toString()}`;
}

export interface SentryApiOptions {
  baseUrl: string;
  tokens: SentryTokenSource;
  fetch?: FetchLike;
  timeoutMs?: number;
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new SentryApiError('server', 200, `${what}: unexpected answer from Sentry`);
  return r.data;
}

export function createSentryApi(opts: SentryApiOptions): SentryApi {
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function call<T>(org: string, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<T> {
    const token = await opts.tokens.tokenForOrg(org);
    return sentryRequest<T>({ fetch: doFetch, url: joinUrl(opts.baseUrl, path), method, token, body, timeoutMs });
  }

  return {
    async getIssue(org, issueId) {
      const res = await call<unknown>(org, 'GET', apiPath('organizations', org, 'issues', issueId));
      return parsed(issueSchema, res, 'getIssue');
    },

    async updateIssue(org, issueId, body) {
      const res = await call<unknown>(org, 'PUT', apiPath('organizations', org, 'issues', issueId), body);
      // Sentry answers the changed fields only; keep the id so callers always get one.
      return parsed(issueSchema, { id: issueId, ...(res && typeof res === 'object' ? res : {}) }, 'updateIssue');
    },

    async findMemberByEmail(org, email) {
      const path = `${apiPath('organizations', org, 'members')}?query=${encodeURIComponent(`email:${email}`)}`;
      const res = await call<unknown>(org, 'GET', path);
      const members = parsed(z.array(memberSchema), res, 'findMemberByEmail');
      const want = email.trim().toLowerCase();
      return members.find((m) => [m.email, m.user?.email].some((e) => e?.trim().toLowerCase() === want)) ?? null;
    },

    async listMembers(org, query) {
      const res = await call<unknown>(org, 'GET', listPath(apiPath('organizations', org, 'members'), query));
      return parsed(z.array(memberSchema), res, 'listMembers');
    },

    async listTeams(org, query) {
      const res = await call<unknown>(org, 'GET', listPath(apiPath('organizations', org, 'teams'), query));
      return parsed(z.array(teamSchema), res, 'listTeams');
    },
  };
}
