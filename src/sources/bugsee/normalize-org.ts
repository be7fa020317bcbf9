/**
 * Bugsee organization events: `app.*` and `user.*`. Each is a standalone message (no thread).
 *
 * User events name no application: they carry `routing.appKey = '*'` and reach only the
 * subscriptions whose target is `*` (`/threadline subscribe bugsee * user`).
 */

import { type BugseeDraft, type BugseeAppState, type BugseeUserState, type ChangesDetail } from './subjects.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, links, opt } from '../kit/normalize.js';
import { eventTime, actorOf, changesOf } from './normalize-common.js';
import type { BugseeEnvelope, BugseePayloads } from './schema.js';

export type BugseeAppEventType = 'bugsee.app.created' | 'bugsee.app.updated' | 'bugsee.app.deleted';
export type BugseeUserEventType = 'bugsee.user.created' | 'bugsee.user.updated' | 'bugsee.user.deleted';

/** What a user without a name or an email is called. */
export const UNNAMED_USER = 'a user without a name or email';

function nonBlank(v: string | null | undefined): string | undefined {
  return typeof v === 'string' && v.trim() ? v : undefined;
}

/** The routing target of events that belong to no single app. */
export const ALL_APPS = '*';

export function normalizeApp<T extends BugseeAppEventType>(
  type: T,
  envelope: BugseeEnvelope,
  meta: NormalizeMeta,
  payload: BugseePayloads['bugsee.app.updated'],
): BugseeDraft<T, 'bugsee.app'> {
  const { app } = payload;
  const label = opt(app.name) ? `${app.name} (${app.key})` : app.key;
  const verb = { 'bugsee.app.created': 'created', 'bugsee.app.updated': 'updated', 'bugsee.app.deleted': 'deleted' }[type];
  const by = { 'bugsee.app.created': app.created_by, 'bugsee.app.updated': app.updated_by, 'bugsee.app.deleted': app.deleted_by }[type];

  const state: Partial<BugseeAppState> = compact({
    appKey: app.key,
    name: opt(app.name),
    url: opt(app.url),
    description: opt(app.description),
    platform: opt(app.type),
    subtype: opt(app.subtype),
  });
  return buildEvent(type, meta, {
    time: eventTime(envelope.created_on, meta),
    subjectId: app.key,
    threadKey: null,
    routing: { appKey: app.key },
    actor: actorOf(by),
    title: `App ${verb}: ${label}`,
    links: type === 'bugsee.app.deleted' ? [] : links([opt(app.name) ?? app.key, app.url]),
    filters: {},
    state,
    detail: updatedChanges(type === 'bugsee.app.updated', payload.changes),
  });
}

export function normalizeUser<T extends BugseeUserEventType>(
  type: T,
  envelope: BugseeEnvelope,
  meta: NormalizeMeta,
  { user, changes }: BugseePayloads['bugsee.user.updated'],
): BugseeDraft<T, 'bugsee.user'> {
  const name = nonBlank(user.name);
  const email = nonBlank(user.email);
  const label = name && email ? `${name} (${email})` : (name ?? email ?? UNNAMED_USER);
  const verb = { 'bugsee.user.created': 'added', 'bugsee.user.updated': 'updated', 'bugsee.user.deleted': 'removed' }[type];
  // `user.updated` examples carry only `created_by` (the inviter), who did not make this change.
  const by = { 'bugsee.user.created': user.created_by, 'bugsee.user.updated': user.updated_by, 'bugsee.user.deleted': user.deleted_by }[
    type
  ];

  const state: Partial<BugseeUserState> = compact({
    name,
    email,
    admin: opt(user.admin),
    disabled: opt(user.disabled),
    country: opt(user.country),
  });
  return buildEvent(type, meta, {
    time: eventTime(envelope.created_on, meta),
    // Without an email the user has no identity of its own; the delivery's id keeps it unique.
    subjectId: email ?? `unnamed:${String(envelope.id ?? meta.deliveryId)}`,
    threadKey: null,
    routing: { appKey: ALL_APPS },
    actor: actorOf(by),
    title: `User ${verb}: ${label}`,
    links: [],
    filters: {},
    state,
    detail: updatedChanges(type === 'bugsee.user.updated', changes),
  });
}

/** What an `*.updated` event changed (its reply lists it); the other actions change nothing to list. */
function updatedChanges(updated: boolean, changes: Parameters<typeof changesOf>[0]): ChangesDetail {
  return updated ? compact({ changes: changesOf(changes) }) : {};
}
