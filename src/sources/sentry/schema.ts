/**
 * Zod schemas for Sentry webhook bodies, one per resource. They require only what normalize uses
 * and let unknown keys through: Sentry adds fields freely, and a new field must never cost a
 * delivery. Ids arrive as strings or integers; both are accepted here and normalised later.
 */

import { z } from 'zod';
import { envelope, names, numLike, optId, sentryId, settingList, str } from './schema-common.js';
import { commentSchema, errorSchema, eventAlertSchema, issueSchema } from './schema-issue.js';
import { preprodDistributionSchema, preprodSizeSchema } from './schema-preprod.js';
import { seerSchema } from './schema-seer.js';

export { actorSchema, sentryId } from './schema-common.js';
export {
  commentSchema,
  errorSchema,
  eventAlertSchema,
  eventGroupId,
  issueSchema,
  sentryEventSchema,
  type SentryEventBody,
} from './schema-issue.js';
export { preprodDistributionSchema, preprodSizeSchema } from './schema-preprod.js';
export { seerSchema } from './schema-seer.js';

// --- installation ---------------------------------------------------------------------------
export const installationSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    installation: z.looseObject({
      uuid: z.string().min(1),
      status: str,
      code: str,
      organization: z.looseObject({ slug: str, name: str }).nullish(),
    }),
  }),
});

// --- metric_alert ---------------------------------------------------------------------------
export const metricAlertSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    description_text: str,
    description_title: str,
    web_url: str,
    metric_alert: z.looseObject({
      id: sentryId,
      identifier: optId,
      title: str,
      status: numLike,
      date_started: str,
      date_detected: str,
      date_closed: str,
      projects: names,
      alert_rule: z
        .looseObject({
          id: optId,
          name: str,
          threshold_type: numLike,
          aggregate: str,
          query: str,
          projects: names,
          triggers: z
            .array(
              z.looseObject({
                label: str,
                alert_threshold: numLike,
                resolve_threshold: numLike,
                // Alert-rule actions (ours carry a channel); unreadable ones read as none.
                actions: z
                  .array(z.looseObject({ type: str, settings: settingList }))
                  .nullish()
                  .catch(undefined),
              }),
            )
            .nullish(),
        })
        .nullish(),
    }),
  }),
});

export type SentryInstallationPayload = z.infer<typeof installationSchema>;
export type SentryIssuePayload = z.infer<typeof issueSchema>;
export type SentryErrorPayload = z.infer<typeof errorSchema>;
export type SentryEventAlertPayload = z.infer<typeof eventAlertSchema>;
export type SentryCommentPayload = z.infer<typeof commentSchema>;
export type SentryMetricAlertPayload = z.infer<typeof metricAlertSchema>;
export type SentrySeerPayload = z.infer<typeof seerSchema>;
export type SentryPreprodSizePayload = z.infer<typeof preprodSizeSchema>;
export type SentryPreprodDistributionPayload = z.infer<typeof preprodDistributionSchema>;
