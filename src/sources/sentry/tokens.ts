/**
 * Installation tokens for Sentry's API: the OAuth code exchange on install, and refreshes before
 * expiry. A refresh token is single-use, so exactly one refresh may run per installation: an
 * in-memory promise map covers callers in this process, a short store claim covers processes.
 */

import { randomUUID } from 'node:crypto';
import type { KeyValue } from '../../store/store.js';
import type { SentryInstallationRecord, SentryInstallationRepo } from './installations-repo.js';
import { apiPath, joinUrl, sentryRequest, SentryApiError, type FetchLike } from './http.js';
import { tokenRefreshLockKey } from '../../store/keys.js';

/**
 * Encrypts tokens at rest (src/crypto.ts provides AES-256-GCM); structural so any fits. `context`
 * binds a sealed value to its record and field, so it does not open anywhere else.
 */
export interface TokenCipher {
  encrypt(plain: string, context: string): string;
  decrypt(stored: string, context: string): string;
}

type TokenField = 'token' | 'refreshToken';
/** The associated data an installation's token or refresh token is sealed with. */
export const tokenContext = (uuid: string, field: TokenField) => `sentry:installation:${uuid}:${field}`;

export interface SentryTokens {
  /** Exchanges an installation's OAuth code and stores the tokens. */
  exchangeCode(uuid: string, code: string, org?: string): Promise<void>;
  /** A valid token for the org's installation, else the fallback token; throws `no_token`. */
  tokenForOrg(org: string): Promise<string>;
  tokenForInstallation(uuid: string): Promise<string>;
  /** Drops the installation's tokens (installation.deleted). */
  forget(uuid: string): Promise<void>;
}

export interface SentryTokensOptions {
  store: Pick<KeyValue, 'claimAs' | 'releaseIfOwner'> & SentryInstallationRepo;
  baseUrl: string;
  clientId?: string;
  clientSecret?: string;
  /** SENTRY_AUTH_TOKEN: an internal integration's token, used when no installation token exists. */
  fallbackToken?: string;
  cipher?: TokenCipher;
  now?: () => number;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** How long another process's refresh lock is honoured before it is presumed dead. */
  lockTtlSec?: number;
  /** Poll interval while another process refreshes. */
  lockPollMs?: number;
}

/** Refresh when the token expires within this margin, so a call never starts with a dying token. */
const REFRESH_MARGIN_MS = 60_000;

interface AuthorizationAnswer {
  token?: string;
  refreshToken?: string;
  expiresAt?: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createSentryTokens(opts: SentryTokensOptions): SentryTokens {
  const { store, cipher } = opts;
  const now = opts.now ?? Date.now;
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const lockTtlSec = opts.lockTtlSec ?? 15;
  const lockPollMs = opts.lockPollMs ?? 100;
  const inflight = new Map<string, Promise<string>>();

  const seal = (uuid: string, field: TokenField, s: string) => (cipher ? cipher.encrypt(s, tokenContext(uuid, field)) : s);
  const open = (uuid: string, field: TokenField, s: string | null | undefined): string | undefined => {
    if (!s) return undefined;
    try {
      return cipher ? cipher.decrypt(s, tokenContext(uuid, field)) : s;
    } catch {
      return undefined; // sealed under another key, or for another record: as good as absent
    }
  };
  const fresh = (rec: SentryInstallationRecord) => !rec.expiresAt || Date.parse(rec.expiresAt) - now() > REFRESH_MARGIN_MS;
  const unexpired = (rec: SentryInstallationRecord) => !rec.expiresAt || Date.parse(rec.expiresAt) > now();

  function fallback(what: string): string {
    if (opts.fallbackToken) return opts.fallbackToken;
    throw new SentryApiError('no_token', 0, `no Sentry token for ${what}: install the integration or set SENTRY_AUTH_TOKEN`);
  }

  async function authorize(uuid: string, grant: Record<string, string>): Promise<AuthorizationAnswer> {
    if (!opts.clientId || !opts.clientSecret) {
      throw new SentryApiError('not_configured', 0, 'SENTRY_CLIENT_ID and SENTRY_CLIENT_SECRET are needed for installation tokens');
    }
    const answer = await sentryRequest<AuthorizationAnswer>({
      fetch: doFetch,
      url: joinUrl(opts.baseUrl, apiPath('sentry-app-installations', uuid, 'authorizations')),
      method: 'POST',
      body: { ...grant, client_id: opts.clientId, client_secret: opts.clientSecret },
      timeoutMs,
    });
    if (!answer?.token) throw new SentryApiError('server', 200, 'Sentry answered the token request without a token');
    return answer;
  }

  async function save(uuid: string, answer: AuthorizationAnswer, org?: string): Promise<void> {
    const existing = await store.getSentryInstallation(uuid);
    const at = new Date(now()).toISOString();
    await store.putSentryInstallation({
      ...existing,
      uuid,
      org: existing?.org ?? org,
      token: seal(uuid, 'token', answer.token as string),
      refreshToken: answer.refreshToken ? seal(uuid, 'refreshToken', answer.refreshToken) : (existing?.refreshToken ?? null),
      expiresAt: answer.expiresAt ?? null,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    });
  }

  /** Refreshes under the cross-process lock; a process that loses waits and re-reads. */
  async function refreshAcrossProcesses(uuid: string): Promise<string> {
    const lock = tokenRefreshLockKey(uuid);
    const deadline = now() + (lockTtlSec + 2) * 1000;
    for (;;) {
      // A token of our own: a refresh slower than the lock must not free another process's lock.
      const owner = randomUUID();
      if (await store.claimAs(lock, owner, lockTtlSec)) {
        try {
          const rec = await store.getSentryInstallation(uuid);
          const token = open(uuid, 'token', rec?.token);
          if (!rec || !token) return fallback(`installation ${uuid}`);
          if (fresh(rec)) return token; // another process refreshed while we waited
          const refreshToken = open(uuid, 'refreshToken', rec.refreshToken);
          if (!refreshToken) {
            if (unexpired(rec)) return token;
            return fallback(`installation ${uuid} (token expired, no refresh token)`);
          }
          try {
            const answer = await authorize(uuid, { grant_type: 'refresh_token', refresh_token: refreshToken });
            await save(uuid, answer);
            return answer.token as string;
          } catch (err) {
            // A token that has not quite expired still works for this call.
            if (unexpired(rec)) return token;
            throw err;
          }
        } finally {
          await store.releaseIfOwner(lock, owner);
        }
      }
      await sleep(lockPollMs);
      const rec = await store.getSentryInstallation(uuid);
      const token = open(uuid, 'token', rec?.token);
      if (rec && token && fresh(rec)) return token;
      if (now() > deadline) {
        if (rec && token && unexpired(rec)) return token;
        throw new SentryApiError('timeout', 0, `timed out waiting for another process to refresh installation ${uuid}`);
      }
    }
  }

  async function tokenForInstallation(uuid: string): Promise<string> {
    const rec = await store.getSentryInstallation(uuid);
    const token = open(uuid, 'token', rec?.token);
    if (!rec || !token) return fallback(`installation ${uuid}`);
    if (fresh(rec)) return token;
    let pending = inflight.get(uuid);
    if (!pending) {
      pending = refreshAcrossProcesses(uuid).finally(() => inflight.delete(uuid));
      inflight.set(uuid, pending);
    }
    return pending;
  }

  return {
    async exchangeCode(uuid, code, org) {
      const answer = await authorize(uuid, { grant_type: 'authorization_code', code });
      await save(uuid, answer, org);
    },

    tokenForInstallation,

    async tokenForOrg(org) {
      const rec = await store.findSentryInstallationByOrg(org);
      if (!rec) return fallback(`org ${org}`);
      return tokenForInstallation(rec.uuid);
    },

    async forget(uuid) {
      inflight.delete(uuid);
      const rec = await store.getSentryInstallation(uuid);
      if (!rec) return;
      await store.putSentryInstallation({
        ...rec,
        token: null,
        refreshToken: null,
        expiresAt: null,
        updatedAt: new Date(now()).toISOString(),
      });
    },
  };
}
