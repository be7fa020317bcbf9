/** Schemas of issue-threaded deliveries: issue lifecycle, error/event_alert events, comments. */

import { z } from 'zod';
import { envelope, numLike, optId, record, sentryId, settingList, str } from './schema-common.js';
import { parseSentryUrl } from './urls.js';

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
      project: z.looseObject({ id: optId, name: str, slug: str }).nullish(),
      firstSeen: str,
      lastSeen: str,
      count: numLike,
      userCount: numLike,
      assignedTo: z.looseObject({ type: str, id: optId, name: str, email: str }).nullish(),
      permalink: str,
      web_url: str,
      url: str,
      platform: str,
      metadata: record,
    }),
  }),
});

// --- error.created / event_alert.triggered: both carry an event ------------------------------
const frameSchema = z.looseObject({
  filename: str,
  abs_path: str,
  module: str,
  function: str,
  lineno: numLike,
  colno: numLike,
  in_app: z.boolean().nullish(),
});

/**
 * Sentry's exception interface: `values` oldest cause first, each stack's frames oldest first.
 * A stack trace is a nicety: one that does not read is dropped rather than costing the delivery.
 */
export const exceptionSchema = z
  .looseObject({
    values: z
      .array(
        z.looseObject({
          type: str,
          value: str,
          module: str,
          stacktrace: z.looseObject({ frames: z.array(frameSchema).nullish() }).nullish(),
        }),
      )
      .nullish(),
  })
  .nullish()
  .catch(undefined);

export type SentryException = z.infer<typeof exceptionSchema>;

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
    exception: exceptionSchema,
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
    issue_alert: z.looseObject({ title: str, settings: settingList }).nullish(),
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
