/** Sentry as the core sees it: its events, credential, routing, echo rule and subscription targets. */

import { z } from 'zod';
import type { PipelineEvent } from '../../events.js';
import { sizeBuild, sizeHistoryKey } from '../../store/keys.js';
import type { SourceDefinition } from '../kit/definition.js';
import { escapeMrkdwn } from '../kit/text.js';
import { SENTRY_EVENTS, SENTRY_KINDS } from './events.js';
import { sentryConnection } from './connect.js';
import { sentryConnectRoutes } from './connect-routes.js';
import { sentryAlertRoutes } from './alert-routes.js';
import { createSentryPlugin } from './plugin.js';
import { sentryThreadKeys, type PreprodState } from './subjects.js';
import { sentryLinkedThreads, sentryThreadLinks } from './thread-links.js';

const slug = z
  .string()
  .min(1, 'is empty')
  .max(100, 'is too long')
  .regex(/^[a-z0-9_-]+$/, 'may only contain a-z, 0-9, - and _');

/** `org/project` or `org/*`, lower-cased. */
const target = z
  .string()
  .transform((v) => v.toLowerCase())
  .superRefine((v, ctx) => {
    const parts = v.split('/');
    if (parts.length !== 2) {
      ctx.addIssue({ code: 'custom', message: 'must be <org>/<project>, e.g. acme/web, or acme/* for every project' });
      return;
    }
    const [org, project] = parts as [string, string];
    if (org === '*') {
      ctx.addIssue({ code: 'custom', message: '`*` can only stand for the project, as in acme/*' });
      return;
    }
    const o = slug.safeParse(org);
    if (!o.success) ctx.addIssue({ code: 'custom', message: `org "${org}" ${o.error.issues[0]?.message}` });
    if (project === '*') return;
    const p = slug.safeParse(project);
    if (!p.success) ctx.addIssue({ code: 'custom', message: `project "${project}" ${p.error.issues[0]?.message}` });
  });

export const sentrySource: SourceDefinition = {
  name: 'sentry',
  label: 'Sentry',
  events: SENTRY_EVENTS,
  kinds: SENTRY_KINDS,
  credential: {
    variable: 'SENTRY_CLIENT_SECRET',
    hint: 'check SENTRY_CLIENT_SECRET (a comma-separated list for rotation)',
    headers: ['sentry-hook-signature'],
  },
  plugin: (config) => (config.sentry.clientSecrets.length ? createSentryPlugin({ secrets: config.sentry.clientSecrets }) : undefined),

  targets(event) {
    const r = event.routing;
    if (!r.org) return null;
    const projects = r.projects?.length ? r.projects : r.project ? [r.project] : [];
    return [...projects.map((p) => `${r.org}/${p}`), `${r.org}/*`];
  },

  connection: sentryConnection,
  routes(router, deps) {
    if (deps.connections) sentryConnectRoutes(router, deps.connections);
    if (deps.connections) sentryAlertRoutes(router, deps.connections);
  },

  broadcastKind: (event) =>
    event.type === 'sentry.issue.unresolved' ? 'regression' : event.type === 'sentry.metric_alert.critical' ? 'critical' : null,

  // Sentry names the integration that made a change as an `application` actor: maybe us.
  maybeEcho: (event) => event.actor?.type === 'application',

  // A Seer pull request names the person its issue is assigned to (the issue's thread knows).
  relatedThread: (event) =>
    (event.type === 'sentry.seer.pr_created' || event.type === 'sentry.seer.pr_ready_for_review') && event.routing.groupId
      ? sentryThreadKeys.issue(event.routing.groupId)
      : null,

  threadLinks: sentryThreadLinks,
  linkedThreads: sentryLinkedThreads,

  subscription: {
    noun: 'a project',
    placeholder: '<org>/<project>',
    target,
    describe(t) {
      const [org, project] = t.split('/');
      return project === '*' ? `*Sentry* \`${escapeMrkdwn(org ?? '')}/*\` (every project)` : `*Sentry* \`${escapeMrkdwn(t)}\``;
    },
    help: ['• `/threadline subscribe sentry <org>/<project> [kinds…] [--filter=value…]`: use `<org>/*` for every project of the org.'],
  },

  sizeSample(event: PipelineEvent) {
    if (event.type !== 'sentry.preprod_artifact.size_analysis_completed') return null;
    const s = event.state as Partial<PreprodState>;
    const size = s.size?.downloadSize;
    if (typeof size !== 'number') return null;
    return {
      key: sizeHistoryKey.sentry(s.org ?? '', s.project ?? '', s.app?.appId ?? ''),
      build: sizeBuild.sentry(s.org ?? '', String(s.size?.buildId ?? event.id)),
      size,
    };
  },
};
