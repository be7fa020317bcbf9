/**
 * Zod schemas for Sentry webhook bodies, one per resource. They require only what normalize uses
 * and let unknown keys through: Sentry adds fields freely, and a new field must never cost a
 * delivery. Ids arrive as strings or integers; both are accepted here and normalised later.
 */

import { z } from 'zod';
import type { SentryEventType } from '../../events.js';
import { parseSentryUrl } from './urls.js';

export const sentryId = z.union([z.string().min(1), z.number().int().nonnegative()]);
const str = z.string().nullish();
const numLike = z.union([z.number(), z.string()]).nullish();
const record = z.record(z.string(), z.unknown()).nullish();

export const actorSchema = z
  .looseObject({ type: str, id: z.union([z.string(), z.number()]).nullish(), name: str, email: str })
  .nullish();

const envelope = {
  action: z.string().min(1),
  installation: z.looseObject({ uuid: z.string().min(1) }).nullish(),
  actor: actorSchema,
};

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

// --- issue ----------------------------------------------------------------------------------
export const issueSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    issue: z.looseObject({
      id: sentryId,
      shortId: str,
      title: str,
      culprit: str,
      level: str,
      status: str,
      substatus: str,
      statusDetails: record,
      project: z.looseObject({ id: sentryId.nullish(), name: str, slug: str }).nullish(),
      firstSeen: str,
      lastSeen: str,
      count: numLike,
      userCount: numLike,
      assignedTo: z.looseObject({ type: str, id: sentryId.nullish(), name: str, email: str }).nullish(),
      permalink: str,
      web_url: str,
      url: str,
      platform: str,
      metadata: record,
    }),
  }),
});

// --- error.created / event_alert.triggered: both carry an event ------------------------------
export const sentryEventSchema = z
  .looseObject({
    event_id: str,
    id: sentryId.nullish(),
    issue_id: sentryId.nullish(),
    group_id: sentryId.nullish(),
    groupID: sentryId.nullish(),
    /** A numeric project id in real payloads; a slug in some. */
    project: sentryId.nullish(),
    title: str,
    message: str,
    level: str,
    environment: str,
    release: str,
    platform: str,
    culprit: str,
    datetime: str,
    timestamp: numLike,
    url: str,
    web_url: str,
    issue_url: str,
    /** `[[key, value], …]` in real payloads, `{key, value}` objects in some; read leniently. */
    tags: z.array(z.unknown()).nullish(),
  })
  .refine((e) => eventGroupId(e) !== undefined, { message: 'event names no issue (issue_id, group_id or issue_url)', path: ['issue_id'] });

export type SentryEventBody = z.infer<typeof sentryEventSchema>;

/** The issue (group) id of an event, wherever the payload says it. */
export function eventGroupId(e: {
  issue_id?: string | number | null;
  group_id?: string | number | null;
  groupID?: string | number | null;
  issue_url?: string | null;
  web_url?: string | null;
}): string | undefined {
  const id = e.issue_id ?? e.group_id ?? e.groupID;
  if (id !== null && id !== undefined) return String(id).trim();
  return parseSentryUrl(e.issue_url).groupId ?? parseSentryUrl(e.web_url).groupId;
}

export const errorSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({ error: sentryEventSchema }),
});

export const eventAlertSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    event: sentryEventSchema,
    triggered_rule: str,
    issue_alert: z.looseObject({ title: str }).nullish(),
  }),
});

// --- comment: Sentry sends flat fields; the AsyncAPI nests them under data.comment ----------
const nestedComment = z.looseObject({ id: sentryId.nullish(), text: str, issue_id: sentryId.nullish(), timestamp: str });

export const commentSchema = z.looseObject({
  ...envelope,
  data: z
    .looseObject({
      comment_id: sentryId.nullish(),
      issue_id: sentryId.nullish(),
      project_slug: str,
      timestamp: str,
      comment: z.union([z.string(), nestedComment]).nullish(),
    })
    .refine((d) => d.issue_id != null || (typeof d.comment === 'object' && d.comment?.issue_id != null), {
      message: 'comment names no issue_id',
      path: ['issue_id'],
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
      identifier: sentryId.nullish(),
      title: str,
      status: numLike,
      date_started: str,
      date_detected: str,
      date_closed: str,
      projects: z.array(z.string()).nullish(),
      alert_rule: z
        .looseObject({
          id: sentryId.nullish(),
          name: str,
          threshold_type: numLike,
          aggregate: str,
          query: str,
          projects: z.array(z.string()).nullish(),
          triggers: z.array(z.looseObject({ label: str, alert_threshold: numLike, resolve_threshold: numLike })).nullish(),
        })
        .nullish(),
    }),
  }),
});

// --- seer -----------------------------------------------------------------------------------
export const seerSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    run_id: sentryId,
    group_id: sentryId,
    root_cause: z
      .looseObject({
        description: str,
        steps: z
          .array(
            z.looseObject({
              title: str,
              is_most_important_event: z.boolean().nullish(),
              relevant_code_file: z.looseObject({ file_path: str, repo_name: str }).nullish(),
            }),
          )
          .nullish(),
      })
      .nullish(),
    solution: z.looseObject({ description: str, steps: z.array(z.looseObject({ title: str })).nullish() }).nullish(),
    changes: z
      .array(z.looseObject({ repo_name: str, title: str, description: str, diff: str, branch_name: str }))
      .nullish(),
    pull_requests: z
      .array(
        z.looseObject({
          pull_request: z.looseObject({ pr_number: numLike, pr_url: str, pr_id: sentryId.nullish() }).nullish(),
          repo_name: str,
          provider: str,
        }),
      )
      .nullish(),
  }),
});

// --- preprod_artifact -----------------------------------------------------------------------
const appInfo = z.looseObject({ appId: str, name: str, version: str, buildNumber: numLike, artifactType: str, dateAdded: str, dateBuilt: str });

const preprodCommon = {
  buildId: sentryId,
  organizationSlug: str,
  projectSlug: str,
  platform: str,
  state: z.string().min(1),
  appInfo: appInfo.nullish(),
  gitInfo: z
    .looseObject({
      headSha: str,
      baseSha: str,
      provider: str,
      headRepoName: str,
      baseRepoName: str,
      headRef: str,
      baseRef: str,
      prNumber: z.union([z.number().int(), z.string()]).nullish(),
    })
    .nullish(),
  errorCode: str,
  errorMessage: str,
};

const sizeMetricDiff = z.looseObject({
  headInstallSize: z.number().nullish(),
  headDownloadSize: z.number().nullish(),
  baseInstallSize: z.number().nullish(),
  baseDownloadSize: z.number().nullish(),
});

export const preprodSizeSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    ...preprodCommon,
    downloadSize: z.number().nullish(),
    installSize: z.number().nullish(),
    analysisDuration: z.number().nullish(),
    baseBuildId: sentryId.nullish(),
    baseAppInfo: appInfo.nullish(),
    comparisons: z
      .array(
        z.looseObject({
          metricsArtifactType: z.string(),
          identifier: str,
          state: z.string(),
          errorCode: str,
          errorMessage: str,
          sizeMetricDiff: sizeMetricDiff.nullish(),
        }),
      )
      .nullish(),
  }),
});

export const preprodDistributionSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    ...preprodCommon,
    buildConfiguration: str,
    isInstallable: z.boolean().nullish(),
    installUrl: str,
    isCodeSignatureValid: z.boolean().nullish(),
    profileName: str,
    codesigningType: str,
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
export type SentryPayload =
  | SentryInstallationPayload
  | SentryIssuePayload
  | SentryErrorPayload
  | SentryEventAlertPayload
  | SentryCommentPayload
  | SentryMetricAlertPayload
  | SentrySeerPayload
  | SentryPreprodSizePayload
  | SentryPreprodDistributionPayload;

/** `sentry.<resource>.<action>` → its resource. */
export function resourceOf(type: SentryEventType): string {
  return type.split('.')[1];
}

/** The schema a payload of `type` must satisfy. */
export function schemaFor(type: SentryEventType): z.ZodType<SentryPayload> {
  switch (resourceOf(type)) {
    case 'installation':
      return installationSchema;
    case 'issue':
      return issueSchema;
    case 'error':
      return errorSchema;
    case 'event_alert':
      return eventAlertSchema;
    case 'comment':
      return commentSchema;
    case 'metric_alert':
      return metricAlertSchema;
    case 'seer':
      return seerSchema;
    default:
      return type === 'sentry.preprod_artifact.size_analysis_completed' ? preprodSizeSchema : preprodDistributionSchema;
  }
}
