/**
 * The end of a Sentry connection: the installation is bound to the Slack team, and Sentry is told
 * the installation is verified (`PUT /api/0/sentry-app-installations/{uuid}/` with
 * `{"status":"installed"}`, as Sentry's docs for public integrations ask after the redirect).
 */

import { randomBytes } from 'node:crypto';
import type { ConnectionContext } from '../kit/connection.js';
import { apiPath, joinUrl, sentryRequest } from './http.js';
import { sentryServices } from './connect-services.js';
import { codeHash } from './exchange-once.js';

/** The one-time code `/sentry/setup` shows when the browser carries no connect cookie. */
export const ONE_TIME_CODE_SECONDS = 600;
const pendingKey = (hash: string) => `sentry:connect-code:${hash}`;
const usedKey = (hash: string) => `sentry:connect-code-used:${hash}`;

export interface Bind {
  uuid: string;
  org: string;
  teamId: string;
  userId?: string;
}

export async function bindInstallation(ctx: ConnectionContext, b: Bind): Promise<void> {
  await ctx.store.putConnection({
    source: 'sentry',
    teamId: b.teamId,
    key: b.org,
    label: b.org,
    data: { installationUuid: b.uuid },
    createdBy: b.userId,
    createdAt: new Date(ctx.now()).toISOString(),
  });
  ctx.logger.info({ teamId: b.teamId, org: b.org, installationUuid: b.uuid }, 'sentry org connected to a workspace');
  await markInstalled(ctx, b.uuid);
}

/** Sentry keeps an unverified installation "pending"; a failure here does not undo the connection. */
async function markInstalled(ctx: ConnectionContext, uuid: string): Promise<void> {
  try {
    const token = await sentryServices(ctx).tokens.tokenForInstallation(uuid);
    await sentryRequest({
      fetch: (input, init) => fetch(input, init),
      url: joinUrl(ctx.config.sentry.url, apiPath('sentry-app-installations', uuid)),
      method: 'PUT',
      token,
      body: { status: 'installed' },
      timeoutMs: 5000,
    });
  } catch (err) {
    ctx.logger.warn({ installationUuid: uuid, err: (err as Error).message }, 'sentry installation could not be marked installed');
  }
}

/** A code (10 minutes, single use) that finishes the connection from Slack. */
export async function issueOneTimeCode(ctx: ConnectionContext, uuid: string, org: string): Promise<string> {
  // 10 characters from a 32-letter alphabet without look-alikes: 50 bits, typed by hand.
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const code = [...randomBytes(10)].map((b) => alphabet[b % 32]).join('');
  await ctx.store.setRecord(pendingKey(codeHash(code)), { uuid, org }, ONE_TIME_CODE_SECONDS);
  return code;
}

/** The installation a one-time code stands for, once: a second use, or an expired code, gives null. */
export async function redeemOneTimeCode(ctx: ConnectionContext, code: string): Promise<{ uuid: string; org: string } | null> {
  const hash = codeHash(code.trim().toUpperCase());
  const pending = await ctx.store.getRecord<{ uuid: string; org: string }>(pendingKey(hash));
  if (!pending) return null;
  if (!(await ctx.store.claim(usedKey(hash), ONE_TIME_CODE_SECONDS))) return null;
  await ctx.store.deleteRecord(pendingKey(hash));
  return pending;
}
