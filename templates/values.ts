/**
 * Button values: the ids an action handler needs, never tokens or URLs. Compact JSON, because a
 * button value may hold 2000 characters and an overflow option's only 150.
 */
import { z } from 'zod';

/** Options of the Sentry issue overflow menu (`sentry.issue.more`). */
export const SENTRY_MORE_OPTIONS = ['resolve_next_release', 'archive_until_100_events', 'archive_1h', 'archive_24h'] as const;
export type SentryMoreOption = (typeof SENTRY_MORE_OPTIONS)[number];

const id = z.string().min(1).max(200);

const sentryIssueValue = z.strictObject({
  s: z.literal('sentry'),
  org: id,
  issueId: id,
  /** Set on overflow options: which one was chosen. */
  o: z.enum(SENTRY_MORE_OPTIONS).optional(),
});

const bugseeIssueValue = z.strictObject({ s: z.literal('bugsee'), appKey: id, issueKey: id });
const bugseeFeedbackValue = z.strictObject({ s: z.literal('bugsee'), appKey: id, deviceId: id });

const actionValue = z.union([sentryIssueValue, bugseeIssueValue, bugseeFeedbackValue]);

export type SentryIssueValue = z.infer<typeof sentryIssueValue>;
export type BugseeIssueValue = z.infer<typeof bugseeIssueValue>;
export type BugseeFeedbackValue = z.infer<typeof bugseeFeedbackValue>;
export type ActionValue = z.infer<typeof actionValue>;

export function encodeActionValue(value: ActionValue): string {
  // Key order is fixed by the literal, so equal ids give equal strings.
  return JSON.stringify(value);
}

/** The ids a button carries, or null for anything that is not one of our values. */
export function decodeActionValue(raw: string | null | undefined): ActionValue | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = actionValue.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function isSentryIssueValue(v: ActionValue | null): v is SentryIssueValue {
  return v?.s === 'sentry';
}

export function isBugseeIssueValue(v: ActionValue | null): v is BugseeIssueValue {
  return v?.s === 'bugsee' && 'issueKey' in v;
}

export function isBugseeFeedbackValue(v: ActionValue | null): v is BugseeFeedbackValue {
  return v?.s === 'bugsee' && 'deviceId' in v;
}
