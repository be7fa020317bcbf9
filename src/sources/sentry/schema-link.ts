/**
 * Schemas of the link events our own worker derives (see src/delivery/thread-links.ts): never sent
 * by Sentry (the plugin refuses them from the webhook route), but shaped like its deliveries and
 * read through the same table, so they are validated, normalized, queued and routed like any event.
 * Each names both ends by Sentry's own ids: the issue, the Seer run, the pull request of the builds.
 */

import { z } from 'zod';
import { envelope, sentryId, str } from './schema-common.js';

const pullRequest = z.looseObject({ repo: z.string().min(1), number: sentryId });
const where = { org: str, project: str };

/** Into the issue's thread: a Seer run started for it. */
export const issueSeerLinkSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({ group_id: sentryId, run_id: sentryId, ...where }),
});

/** Into the Seer run's thread: builds of its pull request arrived. */
export const seerBuildsLinkSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({ group_id: sentryId, run_id: sentryId, pull_request: pullRequest, ...where }),
});

/** Into the pull request's build thread: Seer's run opened this pull request. */
export const preprodSeerLinkSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({ group_id: sentryId.nullish(), run_id: sentryId, pull_request: pullRequest, ...where }),
});

export type SentryIssueSeerLinkPayload = z.infer<typeof issueSeerLinkSchema>;
export type SentrySeerBuildsLinkPayload = z.infer<typeof seerBuildsLinkSchema>;
export type SentryPreprodSeerLinkPayload = z.infer<typeof preprodSeerLinkSchema>;
