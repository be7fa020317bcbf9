/** What Sentry's threads show: each subject's card state and each event's reply detail. */

import type { Draft } from '../kit/normalize.js';

export interface SentryIssueState {
  issueId: string;
  shortId?: string;
  title?: string;
  culprit?: string;
  level?: string;
  /** unresolved | resolved | ignored */
  status?: string;
  substatus?: string;
  org?: string;
  project?: string;
  platform?: string;
  firstSeen?: string;
  lastSeen?: string;
  count?: number;
  userCount?: number;
  /** null when explicitly unassigned. */
  assignee?: { type?: string; id?: string; name?: string; email?: string } | null;
  permalink?: string;
  /** Who made the last state change, as shown "by …" on the card. */
  lastChangeBy?: string;
  /** Event id → the state it moved the issue to (see issue-history.ts); bounded by the merge. */
  statusHistory?: Record<string, IssueTransition>;
}

/** One step of an issue's history. */
export interface IssueTransition {
  /** ISO event time. */
  at: string;
  status: 'new' | 'resolved' | 'unresolved' | 'regressed' | 'archived';
  /** The person who made it, when a person did. */
  by?: string;
}

export interface MetricAlertState {
  incidentId: string;
  /** critical | warning | resolved */
  status?: string;
  title?: string;
  alertRuleId?: string;
  alertRuleName?: string;
  description?: string;
  metricValue?: number;
  threshold?: number;
  /** e.g. ">" or "<" from the rule's threshold type. */
  comparison?: string;
  dateStarted?: string;
  dateClosed?: string | null;
  org?: string;
  projects?: string[];
  url?: string;
}

export const SEER_STAGES = [
  'root_cause_started',
  'root_cause_completed',
  'solution_started',
  'solution_completed',
  'coding_started',
  'coding_completed',
  'pr_created',
  // Agent-based Seer only: the draft PR was marked ready once its checks passed.
  'pr_ready_for_review',
] as const;
export type SeerStage = (typeof SEER_STAGES)[number];

export interface SeerPullRequest {
  number?: number;
  url?: string;
  id?: number | string;
  repo?: string;
  provider?: string;
}

/** One file of an agent-based Seer change: its path and size, never its diff. */
export interface SeerFileChange {
  path: string;
  /** A (added), M (modified), D (deleted)… as Seer names it. */
  type?: string;
  added?: number;
  removed?: number;
}

export interface SeerState {
  /** `run_id`, else (agent-based runs that send only their UUID) `sentry_run_id`. */
  runId: string;
  /** The agent-based run's UUID, when Sentry sends it. */
  sentryRunId?: string;
  groupId: string;
  org?: string;
  project?: string;
  /** Stage → ISO time it was reported. */
  stages?: Partial<Record<SeerStage, string>>;
  rootCause?: {
    description?: string;
    steps: { title: string; important?: boolean; file?: string; repo?: string }[];
    /** Agent-based: the chain of "why" lines leading to the cause. */
    whys?: string[];
    /** Agent-based: how to reproduce it. */
    reproduction?: string[];
    repo?: string;
  };
  solution?: { description?: string; steps: string[] };
  changes?: { repo?: string; title?: string; description?: string; branch?: string; files: string[]; fileChanges?: SeerFileChange[] }[];
  pullRequests?: SeerPullRequest[];
  issueUrl?: string;
}

export interface SizeComponent {
  /** MAIN_ARTIFACT | WATCH_ARTIFACT | APP_CLIP_ARTIFACT … */
  type: string;
  identifier?: string | null;
  state: string;
  errorCode?: string | null;
  errorMessage?: string | null;
  headDownloadSize?: number;
  baseDownloadSize?: number;
  headInstallSize?: number;
  baseInstallSize?: number;
}

export interface AppInfo {
  appId?: string | null;
  name?: string | null;
  version?: string | null;
  buildNumber?: number | string | null;
  artifactType?: string | null;
}

export interface PreprodState {
  /** Thread key subject: `repo#pr` or the build id. */
  subjectId: string;
  org?: string;
  project?: string;
  platform?: string | null;
  app?: AppInfo;
  git?: {
    headSha?: string | null;
    baseSha?: string | null;
    provider?: string | null;
    headRepoName?: string | null;
    baseRepoName?: string | null;
    headRef?: string | null;
    baseRef?: string | null;
    prNumber?: number | null;
  } | null;
  size?: {
    buildId: string;
    /** COMPLETED | FAILED */
    state: string;
    errorCode?: string | null;
    errorMessage?: string | null;
    downloadSize?: number | null;
    installSize?: number | null;
    baseBuildId?: string | null;
    baseApp?: AppInfo | null;
    components: SizeComponent[];
    analysisDuration?: number | null;
  };
  distribution?: {
    buildId: string;
    state: string;
    errorCode?: string | null;
    errorMessage?: string | null;
    isInstallable?: boolean;
    installUrl?: string | null;
    buildConfiguration?: string | null;
    isCodeSignatureValid?: boolean | null;
    profileName?: string | null;
    codesigningType?: string | null;
  };
}

export interface SentryInstallationState {
  uuid: string;
  org?: string;
  orgName?: string;
  status?: string;
}

/** The raised exception's top in-app frames, newest first (see normalize-stack.ts). */
export interface SentryStack {
  type?: string;
  value?: string;
  frames: { file: string; line?: number; fn?: string }[];
  /** In-app frames in the whole stack (more than `frames` when cut). */
  inAppCount: number;
  /** Every frame of the stack, in-app or not. */
  total: number;
}

/**
 * A link event's other end (see src/delivery/thread-links.ts): a thread of the same channel, by its
 * base thread key, and what it is. The delivery finds its permalink in the channel.
 */
export interface ThreadLinkDetail {
  threadKey: string;
  about: 'seer_run' | 'pull_request_builds';
  /** How the other end reads, e.g. `acme/mobile-app#482`. */
  label?: string;
}

/** Subject kind → the state its card renders. */
export interface SentryIssueDetail {
  /** Lifecycle: created | resolved | assigned | archived | unresolved | ignored */
  action?: string;
  statusDetails?: Record<string, unknown>;
  /** `error.created` and `event_alert.triggered`. */
  error?: {
    eventId?: string;
    message?: string;
    level?: string;
    environment?: string;
    release?: string;
    platform?: string;
    url?: string;
    triggeredRule?: string;
    stack?: SentryStack;
  };
  comment?: { id?: string; text?: string };
  /** `issue.seer_linked`: the Seer run's thread. */
  link?: ThreadLinkDetail;
}

/** A stage of the run, or (`seer.builds_linked`) the thread of its pull request's builds. */
export type SeerDetail = { stage: SeerStage; link?: undefined } | { stage?: undefined; link: ThreadLinkDetail };

/** A build's phase, or (`preprod_artifact.seer_linked`) the thread of the Seer run that opened the pull request. */
export type PreprodDetail =
  | { phase: 'size_analysis' | 'build_distribution'; buildId: string; state: string; link?: undefined }
  | { phase?: undefined; buildId?: undefined; state?: undefined; link: ThreadLinkDetail };

/** Subject kind → its card state and its events' reply detail. */
export interface SentrySubjects {
  'sentry.issue': { state: SentryIssueState; detail: SentryIssueDetail };
  'sentry.metric_alert': { state: MetricAlertState; detail: Record<string, never> };
  'sentry.seer': { state: SeerState; detail: SeerDetail };
  'sentry.preprod': { state: PreprodState; detail: PreprodDetail };
  'sentry.installation': { state: SentryInstallationState; detail: { code?: string } };
}

/** Thread keys are namespaced so a Sentry issue id can never collide with a Seer run id. */
export const sentryThreadKeys = {
  issue: (groupId: string | number) => `sentry:issue:${String(groupId)}`,
  seer: (runId: string | number) => `sentry:seer:${String(runId)}`,
  metricAlert: (incidentId: string | number) => `sentry:metric_alert:${String(incidentId)}`,
  preprodPr: (headRepoName: string, prNumber: number | string) => `sentry:preprod:${headRepoName}#${String(prNumber)}`,
  preprodBuild: (buildId: string | number) => `sentry:preprod:build:${String(buildId)}`,
};

/** What a Sentry normalizer returns for an event of type `T` about subject `S`. */
export type SentryDraft<T extends string, S extends keyof SentrySubjects> = Draft<
  T,
  Partial<SentrySubjects[S]['state']>,
  SentrySubjects[S]['detail']
>;
