/** Sends fixtures through the real webhook routes of a test service. */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestService } from './service.js';
import { BUGSEE_SECRET, SENTRY_SECRET } from './service.js';
import { sentryHeaders } from './signing.js';

export function readFixture(rel: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.resolve('fixtures', rel), 'utf8')) as Record<string, unknown>;
}

/** Posts a Sentry payload (object or fixture path like `sentry/issue/created.json`). */
export async function sendSentry(
  svc: TestService,
  resource: string,
  payload: Record<string, unknown>,
  opts: { requestId?: string; timestamp?: number; sameBody?: boolean } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  // Each send is a new delivery unless it says otherwise: the same signed bytes again are a replay
  // (a duplicate) whatever their Request-ID. A redelivery passes the same `requestId` (and body).
  const body = JSON.stringify(opts.sameBody || opts.requestId ? payload : { ...payload, _replay: randomUUID() });
  const headers = sentryHeaders(body, resource, SENTRY_SECRET, opts.requestId ?? randomUUID());
  if (opts.timestamp !== undefined) headers['sentry-hook-timestamp'] = String(opts.timestamp);
  const res = await fetch(`${svc.url}/webhooks/sentry`, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function sendBugsee(
  svc: TestService,
  envelope: Record<string, unknown>,
  opts: { token?: string; header?: boolean } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = opts.token ?? BUGSEE_SECRET;
  const url = opts.header ? `${svc.url}/webhooks/bugsee` : `${svc.url}/webhooks/bugsee?token=${encodeURIComponent(token)}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.header) headers['x-bugsee-token'] = token;
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(envelope), headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function subscribe(
  svc: TestService,
  sub: {
    teamId?: string;
    channelId: string;
    source: 'sentry' | 'bugsee';
    target: string;
    kinds?: string[];
    filters?: Record<string, string>;
  },
) {
  return svc.t.store.upsertSubscription({
    id: randomUUID(),
    teamId: sub.teamId ?? 'T1',
    channelId: sub.channelId,
    source: sub.source,
    target: sub.target,
    kinds: sub.kinds ?? [],
    filters: sub.filters ?? {},
    createdAt: new Date().toISOString(),
    disabled: null,
  });
}

/** Records the fixtures' Sentry installation (uuid → org `acme`), as `installation.created` would. */
export async function installSentry(svc: TestService, org = 'acme', uuid = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de') {
  const now = new Date().toISOString();
  await svc.t.store.putSentryInstallation({ uuid, org, createdAt: now, updatedAt: now });
}
