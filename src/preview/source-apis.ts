/**
 * The Sentry and Bugsee API clients of the preview's buttons: the real clients (same paths, same
 * parsing) over a `fetch` that sends nothing. Each call is logged as one dry-run line, like the
 * dry-run Slack client's, and answered as a success.
 */

import type { Logger } from '../log.js';
import { createSentryApi, type SentryApi } from '../sources/sentry/api.js';
import { createBugseeApi, type BugseeApi } from '../sources/bugsee/api.js';
import { pretendSentryMembers } from './people.js';

/** A token nobody accepts: the clients insist on one, and it never leaves this process. */
const PRETEND_TOKEN = 'dry-run';
const PRETEND_BASE = 'http://dry-run.invalid';

type DryRunFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const urlOf = (input: string | URL | Request) => new URL(typeof input === 'string' || input instanceof URL ? input : input.url);

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json' } });
}

function bodyOf(init?: RequestInit): unknown {
  try {
    return typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
  } catch {
    return undefined;
  }
}

/** Sentry: members answers the pretend list; an issue read or write answers the issue as changed. */
export function dryRunSentryFetch(logger: Logger): DryRunFetch {
  return async (input, init) => {
    const url = urlOf(input);
    const method = init?.method ?? 'GET';
    const body = bodyOf(init);
    logger.info(
      { dryRun: true, api: 'sentry', method, path: url.pathname, query: url.search, body },
      `dry-run Sentry ${method} ${url.pathname}`,
    );
    if (/\/members\/$/.test(url.pathname)) return json(pretendSentryMembers());
    const issueId = /\/issues\/([^/]+)\/$/.exec(url.pathname)?.[1];
    // Sentry answers a change with the changed fields; status and substatus are the ones read back.
    const changed = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const pick = (k: string) => (typeof changed[k] === 'string' ? { [k]: changed[k] } : {});
    return json({ id: issueId ? decodeURIComponent(issueId) : '0', ...pick('status'), ...pick('substatus') });
  };
}

/** Bugsee's writes answer nothing worth reading: any 2xx is a success. */
export function dryRunBugseeFetch(logger: Logger): DryRunFetch {
  return async (input, init) => {
    const url = urlOf(input);
    const method = init?.method ?? 'GET';
    logger.info(
      { dryRun: true, api: 'bugsee', method, path: url.pathname, body: bodyOf(init) },
      `dry-run Bugsee ${method} ${url.pathname}`,
    );
    return json({});
  };
}

export function createDryRunSourceApis(logger: Logger): { sentryApi: SentryApi; bugseeApi: BugseeApi } {
  return {
    sentryApi: createSentryApi({
      baseUrl: PRETEND_BASE,
      tokens: { tokenForOrg: async () => PRETEND_TOKEN },
      fetch: dryRunSentryFetch(logger),
      timeoutMs: 5000,
    }),
    bugseeApi: createBugseeApi({ baseUrl: PRETEND_BASE, token: PRETEND_TOKEN, fetch: dryRunBugseeFetch(logger), timeoutMs: 5000 }),
  };
}
