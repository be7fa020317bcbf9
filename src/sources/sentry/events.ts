/**
 * Every Sentry event type, and what each one is: the schema its body must pass, its normalizer,
 * the subject its thread is about, and the subscription kind it belongs to. A new event type is
 * a row here, a template row in `templates/index.ts` and a fixture; a row whose normalizer does
 * not take what its schema outputs does not compile.
 */

import { eventTable } from '../kit/table.js';
import { normalizeMetricAlert } from './normalize-alert.js';
import { normalizeInstallation } from './normalize-installation.js';
import { normalizeComment, normalizeIssue, normalizeSentryEvent } from './normalize-issue.js';
import { normalizePreprod } from './normalize-preprod.js';
import { normalizeSeer } from './normalize-seer.js';
import { commentSchema, errorSchema, eventAlertSchema, installationSchema, issueSchema, metricAlertSchema } from './schema.js';
import { preprodDistributionSchema, preprodSizeSchema, seerSchema } from './schema.js';
import type { SentrySubjects } from './subjects.js';
import { issueSeerLinkSchema, preprodSeerLinkSchema, seerBuildsLinkSchema } from './schema-link.js';
import { normalizeIssueSeerLink, normalizePreprodSeerLink, normalizeSeerBuildsLink } from './normalize-link.js';

const installation = {
  schema: installationSchema,
  normalize: normalizeInstallation,
  subject: 'sentry.installation',
  kind: 'installation',
} as const;
const issue = { schema: issueSchema, normalize: normalizeIssue, subject: 'sentry.issue', kind: 'issue' } as const;
const comment = { schema: commentSchema, normalize: normalizeComment, subject: 'sentry.issue', kind: 'comment' } as const;
const metricAlert = { schema: metricAlertSchema, normalize: normalizeMetricAlert, subject: 'sentry.metric_alert', kind: 'alert' } as const;
const seer = { schema: seerSchema, normalize: normalizeSeer, subject: 'sentry.seer', kind: 'seer' } as const;

export const SENTRY_EVENTS = eventTable<SentrySubjects>()({
  'sentry.installation.created': installation,
  'sentry.installation.deleted': installation,
  'sentry.issue.created': issue,
  'sentry.issue.resolved': issue,
  'sentry.issue.assigned': issue,
  'sentry.issue.archived': issue,
  'sentry.issue.unresolved': issue,
  'sentry.issue.ignored': issue,
  'sentry.event_alert.triggered': { schema: eventAlertSchema, normalize: normalizeSentryEvent, subject: 'sentry.issue', kind: 'error' },
  'sentry.error.created': { schema: errorSchema, normalize: normalizeSentryEvent, subject: 'sentry.issue', kind: 'error' },
  'sentry.comment.created': comment,
  'sentry.comment.updated': comment,
  'sentry.comment.deleted': comment,
  'sentry.metric_alert.critical': metricAlert,
  'sentry.metric_alert.warning': metricAlert,
  'sentry.metric_alert.resolved': metricAlert,
  'sentry.seer.root_cause_started': seer,
  'sentry.seer.root_cause_completed': seer,
  'sentry.seer.solution_started': seer,
  'sentry.seer.solution_completed': seer,
  'sentry.seer.coding_started': seer,
  'sentry.seer.coding_completed': seer,
  'sentry.seer.pr_created': seer,
  'sentry.seer.pr_ready_for_review': seer,
  // Link events our worker derives (src/delivery/thread-links.ts), never accepted from a webhook.
  'sentry.issue.seer_linked': { schema: issueSeerLinkSchema, normalize: normalizeIssueSeerLink, subject: 'sentry.issue', kind: 'seer' },
  'sentry.seer.builds_linked': { schema: seerBuildsLinkSchema, normalize: normalizeSeerBuildsLink, subject: 'sentry.seer', kind: 'seer' },
  'sentry.preprod_artifact.seer_linked': {
    schema: preprodSeerLinkSchema,
    normalize: normalizePreprodSeerLink,
    subject: 'sentry.preprod',
    kind: 'preprod',
  },
  'sentry.preprod_artifact.size_analysis_completed': {
    schema: preprodSizeSchema,
    normalize: normalizePreprod,
    subject: 'sentry.preprod',
    kind: 'preprod',
  },
  'sentry.preprod_artifact.build_distribution_completed': {
    schema: preprodDistributionSchema,
    normalize: normalizePreprod,
    subject: 'sentry.preprod',
    kind: 'preprod',
  },
});

export type SentryEventType = keyof typeof SENTRY_EVENTS;

/** The types our own worker makes (thread links): the webhook route answers them as unknown. */
export const SENTRY_DERIVED_TYPES: ReadonlySet<string> = new Set<SentryEventType>([
  'sentry.issue.seer_linked',
  'sentry.seer.builds_linked',
  'sentry.preprod_artifact.seer_linked',
]);

/** Subscription kinds, in the order help and errors list them (`installation` is internal). */
export const SENTRY_KINDS = ['issue', 'error', 'comment', 'alert', 'seer', 'preprod'] as const;
