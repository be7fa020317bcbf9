/**
 * Zod schemas for Bugsee webhook deliveries (see shared/specs/bugsee-webhooks.txt).
 *
 * Only the fields normalize reads are required; everything else is optional and may be null,
 * because Bugsee's payloads drift (fields appear, vanish, or arrive as null) and a webhook we
 * reject is an event a channel never sees. Unknown keys pass through (`z.looseObject`).
 */

import { z } from 'zod';

const text = z.string().nullish();
const num = z.number().nullish();
const bool = z.boolean().nullish();
/** Ids and counters arrive as numbers in some payloads and as strings in others. */
const numberish = z.union([z.number(), z.string()]).nullish();

export const personSchema = z.looseObject({ name: text, email: text });

export const changesSchema = z.record(z.string(), z.looseObject({ from: z.unknown(), to: z.unknown() }));

export const appSchema = z.looseObject({
  key: z.string().min(1),
  name: text,
  url: text,
  description: text,
  type: text,
  subtype: text,
  created_on: text,
  updated_on: text,
  deleted_on: text,
  created_by: personSchema.nullish(),
  updated_by: personSchema.nullish(),
  deleted_by: personSchema.nullish(),
});

export const recordingSchema = z.looseObject({
  key: text,
  url: text,
  // Bugsee sends `attachments: null` when a recording has none.
  attachments: z.array(z.looseObject({ name: text, url: text })).nullish(),
  created_on: text,
  updated_on: text,
});

export const issueSchema = z.looseObject({
  key: z.string().min(1),
  summary: text,
  description: text,
  type: text,
  state: text,
  // A label list with holes (null or "") keeps its real labels.
  labels: z
    .array(z.string().nullish())
    .nullish()
    .transform((a) => (a == null ? a : a.filter((v): v is string => typeof v === 'string' && v.trim() !== ''))),
  url: text,
  severity: text,
  created_on: text,
  updated_on: text,
  closed_on: text,
  reopened_on: text,
  regressed_on: text,
  deleted_on: text,
  recordings: z.array(recordingSchema).nullish(),
  created_by: personSchema.nullish(),
  updated_by: personSchema.nullish(),
  closed_by: personSchema.nullish(),
  reopened_by: personSchema.nullish(),
  deleted_by: personSchema.nullish(),
});

export const userSchema = z.looseObject({
  name: text,
  // People without a name or an email exist (invited by link, SSO-only): they are still members.
  email: text,
  admin: bool,
  disabled: bool,
  country: text,
  created_by: personSchema.nullish(),
  updated_by: personSchema.nullish(),
  deleted_by: personSchema.nullish(),
});

export const vcsSchema = z.looseObject({
  commit_sha: text,
  base_sha: text,
  branch: text,
  base_branch: text,
  pr_number: numberish,
  provider: text,
  repo: text,
});

export const sizeSummarySchema = z.looseObject({ download_size: num, install_size: num });

export const sizeDiffSummarySchema = z.looseObject({
  trend: text,
  download_size_delta: num,
  download_size_pct: num,
  install_size_delta: num,
  install_size_pct: num,
  regressed_variants_count: num,
  any_variant_regressed: bool,
});

export const buildInfoSchema = z.looseObject({
  uuid: z.string().min(1),
  package_id: text,
  version: text,
  build: numberish,
  build_configuration: text,
  format: text,
  size_analysis_status: text,
  url: text,
  artifact_size: num,
  size_summary: sizeSummarySchema.nullish(),
  size_diff_summary: sizeDiffSummarySchema.nullish(),
  // Absent when the build came from a host without a git context.
  vcs: vcsSchema.nullish(),
  created_on: text,
  updated_on: text,
});

const appRef = z.looseObject({ key: z.string().min(1), name: text, url: text });

export const appEventSchema = z.looseObject({ app: appSchema });
export const appUpdatedSchema = z.looseObject({ app: appSchema, changes: changesSchema.nullish() });
export const issueEventSchema = z.looseObject({ app: appRef, issue: issueSchema });
export const issueUpdatedSchema = z.looseObject({ app: appRef, issue: issueSchema, changes: changesSchema.nullish() });
export const issueCommentSchema = z.looseObject({
  app: appRef,
  issue: issueSchema,
  comment: z.looseObject({ text: text, created_by: personSchema.nullish(), created_on: text }),
});
export const userEventSchema = z.looseObject({ user: userSchema });
export const userUpdatedSchema = z.looseObject({ user: userSchema, changes: changesSchema.nullish() });
export const feedbackSchema = z.looseObject({
  app: appRef,
  thread: z.looseObject({ state: text, user: personSchema.nullish(), device_id: z.string().min(1) }),
  message: z.looseObject({
    messages: z.array(z.looseObject({ text: text, created_on: text })).nullish(),
    user: personSchema.nullish(),
  }),
});
export const buildCreatedSchema = z.looseObject({
  app: appRef,
  build: z.looseObject({ current: buildInfoSchema, previous: buildInfoSchema.nullish() }),
});
/** `build.deleted` carries the build directly (no `current`) and `deleted_by` at the top level. */
export const buildDeletedSchema = z.looseObject({ app: appRef, build: buildInfoSchema, deleted_by: personSchema.nullish() });

/** Event type → schema of its `payload`. */
export const BUGSEE_PAYLOAD_SCHEMAS = {
  'bugsee.app.created': appEventSchema,
  'bugsee.app.updated': appUpdatedSchema,
  'bugsee.app.deleted': appEventSchema,
  'bugsee.issue.created': issueEventSchema,
  'bugsee.issue.updated': issueUpdatedSchema,
  'bugsee.issue.closed': issueEventSchema,
  'bugsee.issue.reopened': issueEventSchema,
  'bugsee.issue.regressed': issueEventSchema,
  'bugsee.issue.deleted': issueEventSchema,
  'bugsee.issue.comment': issueCommentSchema,
  'bugsee.user.created': userEventSchema,
  'bugsee.user.updated': userUpdatedSchema,
  'bugsee.user.deleted': userEventSchema,
  'bugsee.unsymbolicated.created': issueEventSchema,
  'bugsee.feedback.message.in': feedbackSchema,
  'bugsee.feedback.message.out': feedbackSchema,
  'bugsee.build.created': buildCreatedSchema,
  'bugsee.build.deleted': buildDeletedSchema,
} as const satisfies Record<`bugsee.${string}`, z.ZodType>;

type PayloadType = keyof typeof BUGSEE_PAYLOAD_SCHEMAS;
export type BugseePayloads = { [T in PayloadType]: z.output<(typeof BUGSEE_PAYLOAD_SCHEMAS)[T]> };

export const envelopeSchema = z.looseObject({
  // Optional: without it the pipeline dedups on the body's sha256.
  id: z.union([z.string(), z.number()]).nullish(),
  type: z.string().min(1),
  created_on: text,
  payload: z.looseObject({}),
});

/** A parsed delivery: the envelope with its payload validated for `T`. */
export interface BugseeEnvelope<T extends PayloadType = PayloadType> {
  id?: string | number | null;
  type: string;
  created_on?: string | null;
  payload: BugseePayloads[T];
  [key: string]: unknown;
}

/** Each type's envelope schema: the envelope with its payload validated for that type. */
export const BUGSEE_ENVELOPES = Object.fromEntries(
  Object.entries(BUGSEE_PAYLOAD_SCHEMAS).map(([type, payload]) => [type, envelopeSchema.extend({ payload })]),
) as unknown as { [T in PayloadType]: z.ZodType<BugseeEnvelope<T>> };

/** Any `{name, email}` pair: a payload person or an already normalized one. */
export type Person = { name?: string | null; email?: string | null };
export type BuildInfo = z.output<typeof buildInfoSchema>;
export type Changes = z.output<typeof changesSchema>;
