/**
 * The normalized event model. Only `src/sources/<source>/` knows payload shapes; everything after
 * `normalize` speaks `Event`. One name per event type: `source.resource.action`.
 */

export const SENTRY_EVENT_TYPES = [
  'sentry.installation.created',
  'sentry.installation.deleted',
  'sentry.issue.created',
  'sentry.issue.resolved',
  'sentry.issue.assigned',
  'sentry.issue.archived',
  'sentry.issue.unresolved',
  'sentry.issue.ignored',
  'sentry.event_alert.triggered',
  'sentry.error.created',
  'sentry.comment.created',
  'sentry.comment.updated',
  'sentry.comment.deleted',
  'sentry.metric_alert.critical',
  'sentry.metric_alert.warning',
  'sentry.metric_alert.resolved',
  'sentry.seer.root_cause_started',
  'sentry.seer.root_cause_completed',
  'sentry.seer.solution_started',
  'sentry.seer.solution_completed',
  'sentry.seer.coding_started',
  'sentry.seer.coding_completed',
  'sentry.seer.pr_created',
  'sentry.preprod_artifact.size_analysis_completed',
  'sentry.preprod_artifact.build_distribution_completed',
] as const;

export const BUGSEE_EVENT_TYPES = [
  'bugsee.app.created',
  'bugsee.app.updated',
  'bugsee.app.deleted',
  'bugsee.issue.created',
  'bugsee.issue.updated',
  'bugsee.issue.closed',
  'bugsee.issue.reopened',
  'bugsee.issue.regressed',
  'bugsee.issue.deleted',
  'bugsee.issue.comment',
  'bugsee.user.created',
  'bugsee.user.updated',
  'bugsee.user.deleted',
  'bugsee.unsymbolicated.created',
  'bugsee.feedback.message.in',
  'bugsee.feedback.message.out',
  'bugsee.build.created',
  'bugsee.build.deleted',
] as const;

export const EVENT_TYPES = [...SENTRY_EVENT_TYPES, ...BUGSEE_EVENT_TYPES] as const;
export type SentryEventType = (typeof SENTRY_EVENT_TYPES)[number];
export type BugseeEventType = (typeof BUGSEE_EVENT_TYPES)[number];
export type EventType = (typeof EVENT_TYPES)[number];

export type Source = 'sentry' | 'bugsee';
export const SOURCES: readonly Source[] = ['sentry', 'bugsee'];

/** Subscription kinds, as typed in `/threadline subscribe`. */
export const SENTRY_KINDS = ['issue', 'error', 'comment', 'alert', 'seer', 'preprod'] as const;
export const BUGSEE_KINDS = ['issue', 'feedback', 'build', 'app', 'user'] as const;
export type SentryKind = (typeof SENTRY_KINDS)[number];
export type BugseeKind = (typeof BUGSEE_KINDS)[number];
/** `installation` is internal: it is never routed to a channel. */
export type Kind = SentryKind | BugseeKind | 'installation';

export interface Actor {
  /** `user` is a person; `application` an integration (maybe us); `system` the source itself. */
  type: 'user' | 'application' | 'system';
  id?: string;
  name: string;
  email?: string;
}

export interface Link {
  label: string;
  url: string;
}

export interface Routing {
  /** Sentry org slug. */
  org?: string;
  /** Sentry project slug. */
  project?: string;
  /** Every project, when the event concerns several (a metric alert rule over many projects). */
  projects?: string[];
  /** Bugsee app key. */
  appKey?: string;
  /** Sentry installation uuid, for org lookup and API tokens. */
  installationUuid?: string;
  /** Sentry issue (group) id, always a decimal string. */
  groupId?: string;
}

/** Facts that subscription filters test. Absent means "unknown": a filter on it does not match. */
export interface FilterFacts {
  level?: string;
  environment?: string;
  severity?: string;
  branch?: string;
  /** Largest size growth in percent across components (builds only); negative for a shrink. */
  sizeDeltaPct?: number;
}

// ---------------------------------------------------------------------------------------------
// Subject states: what a thread's parent card shows. Each event carries the fields it knows as a
// partial patch; the thread record merges patches by event time (see `mergeState`).
// ---------------------------------------------------------------------------------------------

export interface Person {
  name?: string;
  email?: string;
}

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
] as const;
export type SeerStage = (typeof SEER_STAGES)[number];

export interface SeerPullRequest {
  number?: number;
  url?: string;
  id?: number | string;
  repo?: string;
  provider?: string;
}

export interface SeerState {
  runId: string;
  groupId: string;
  org?: string;
  project?: string;
  /** Stage → ISO time it was reported. */
  stages?: Partial<Record<SeerStage, string>>;
  rootCause?: { description?: string; steps: { title: string; important?: boolean; file?: string; repo?: string }[] };
  solution?: { description?: string; steps: string[] };
  changes?: { repo?: string; title?: string; description?: string; branch?: string; files: string[] }[];
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

export interface BugseeIssueState {
  appKey: string;
  appName?: string;
  appUrl?: string;
  issueKey: string;
  summary?: string;
  description?: string;
  /** bug | crash | error */
  issueType?: string;
  /** open | closed */
  state?: string;
  severity?: string;
  labels?: string[];
  url?: string;
  reporter?: Person;
  recordings?: { key: string; url?: string }[];
  regressed?: boolean;
  deleted?: boolean;
  missingSymbols?: boolean;
  lastChangeBy?: string;
}

export interface FeedbackMessage {
  text: string;
  createdOn?: string;
}

export interface BugseeFeedbackState {
  appKey: string;
  appName?: string;
  appUrl?: string;
  deviceId: string;
  /** open | closed */
  threadState?: string;
  user?: Person;
  lastMessage?: FeedbackMessage & { direction: 'in' | 'out' };
}

export interface BugseeBuildInfo {
  uuid: string;
  packageId?: string;
  version?: string;
  build?: string;
  configuration?: string;
  format?: string;
  url?: string;
  artifactSize?: number;
  downloadSize?: number;
  installSize?: number;
  vcs?: { commitSha?: string; baseSha?: string; branch?: string; baseBranch?: string; prNumber?: number; provider?: string; repo?: string };
  createdOn?: string;
}

export interface BugseeBuildState {
  appKey: string;
  appName?: string;
  appUrl?: string;
  current: BugseeBuildInfo;
  /** unavailable | pending | ready | failed … as Bugsee sends it. */
  sizeAnalysisStatus?: string;
  sizeDiff?: {
    trend?: string;
    downloadSizeDelta?: number;
    downloadSizePct?: number;
    installSizeDelta?: number;
    installSizePct?: number;
    anyVariantRegressed?: boolean;
    regressedVariantsCount?: number;
  };
  previous?: BugseeBuildInfo;
  deleted?: boolean;
}

export interface BugseeAppState {
  appKey: string;
  name?: string;
  url?: string;
  description?: string;
  platform?: string;
  subtype?: string;
}

export interface BugseeUserState {
  name?: string;
  email: string;
  admin?: boolean;
  disabled?: boolean;
  country?: string;
}

export interface SentryInstallationState {
  uuid: string;
  org?: string;
  orgName?: string;
  status?: string;
}

/** Subject kind → the state its card renders. */
export interface SubjectStates {
  'sentry.issue': SentryIssueState;
  'sentry.metric_alert': MetricAlertState;
  'sentry.seer': SeerState;
  'sentry.preprod': PreprodState;
  'sentry.installation': SentryInstallationState;
  'bugsee.issue': BugseeIssueState;
  'bugsee.feedback': BugseeFeedbackState;
  'bugsee.build': BugseeBuildState;
  'bugsee.app': BugseeAppState;
  'bugsee.user': BugseeUserState;
}
export type SubjectKind = keyof SubjectStates;

// ---------------------------------------------------------------------------------------------
// Per-event details that a thread reply renders (what happened in this one event).
// ---------------------------------------------------------------------------------------------

export type Changes = Record<string, { from: unknown; to: unknown }>;

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
  };
  comment?: { id?: string; text?: string };
}

export interface SeerDetail {
  stage: SeerStage;
}

export interface PreprodDetail {
  phase: 'size_analysis' | 'build_distribution';
  buildId: string;
  state: string;
}

export interface BugseeIssueDetail {
  changes?: Changes;
  comment?: { text: string; author?: Person };
}

export interface BugseeFeedbackDetail {
  direction: 'in' | 'out';
  messages: FeedbackMessage[];
  author?: Person;
}

export interface BugseeBuildDetail {
  phase: 'registered' | 'ready' | 'failed' | 'other' | 'deleted';
}

export interface ChangesDetail {
  changes?: Changes;
}

export interface SubjectDetails {
  'sentry.issue': SentryIssueDetail;
  'sentry.metric_alert': Record<string, never>;
  'sentry.seer': SeerDetail;
  'sentry.preprod': PreprodDetail;
  'sentry.installation': { code?: string };
  'bugsee.issue': BugseeIssueDetail;
  'bugsee.feedback': BugseeFeedbackDetail;
  'bugsee.build': BugseeBuildDetail;
  'bugsee.app': ChangesDetail;
  'bugsee.user': ChangesDetail;
}

/** Which subject each event type is about. The compiler checks every type is listed. */
export const SUBJECT_OF = {
  'sentry.installation.created': 'sentry.installation',
  'sentry.installation.deleted': 'sentry.installation',
  'sentry.issue.created': 'sentry.issue',
  'sentry.issue.resolved': 'sentry.issue',
  'sentry.issue.assigned': 'sentry.issue',
  'sentry.issue.archived': 'sentry.issue',
  'sentry.issue.unresolved': 'sentry.issue',
  'sentry.issue.ignored': 'sentry.issue',
  'sentry.event_alert.triggered': 'sentry.issue',
  'sentry.error.created': 'sentry.issue',
  'sentry.comment.created': 'sentry.issue',
  'sentry.comment.updated': 'sentry.issue',
  'sentry.comment.deleted': 'sentry.issue',
  'sentry.metric_alert.critical': 'sentry.metric_alert',
  'sentry.metric_alert.warning': 'sentry.metric_alert',
  'sentry.metric_alert.resolved': 'sentry.metric_alert',
  'sentry.seer.root_cause_started': 'sentry.seer',
  'sentry.seer.root_cause_completed': 'sentry.seer',
  'sentry.seer.solution_started': 'sentry.seer',
  'sentry.seer.solution_completed': 'sentry.seer',
  'sentry.seer.coding_started': 'sentry.seer',
  'sentry.seer.coding_completed': 'sentry.seer',
  'sentry.seer.pr_created': 'sentry.seer',
  'sentry.preprod_artifact.size_analysis_completed': 'sentry.preprod',
  'sentry.preprod_artifact.build_distribution_completed': 'sentry.preprod',
  'bugsee.app.created': 'bugsee.app',
  'bugsee.app.updated': 'bugsee.app',
  'bugsee.app.deleted': 'bugsee.app',
  'bugsee.issue.created': 'bugsee.issue',
  'bugsee.issue.updated': 'bugsee.issue',
  'bugsee.issue.closed': 'bugsee.issue',
  'bugsee.issue.reopened': 'bugsee.issue',
  'bugsee.issue.regressed': 'bugsee.issue',
  'bugsee.issue.deleted': 'bugsee.issue',
  'bugsee.issue.comment': 'bugsee.issue',
  'bugsee.user.created': 'bugsee.user',
  'bugsee.user.updated': 'bugsee.user',
  'bugsee.user.deleted': 'bugsee.user',
  'bugsee.unsymbolicated.created': 'bugsee.issue',
  'bugsee.feedback.message.in': 'bugsee.feedback',
  'bugsee.feedback.message.out': 'bugsee.feedback',
  'bugsee.build.created': 'bugsee.build',
  'bugsee.build.deleted': 'bugsee.build',
} as const satisfies Record<EventType, SubjectKind>;

export type SubjectOf<T extends EventType> = (typeof SUBJECT_OF)[T];

/** Which subscription kind an event type belongs to. */
export const KIND_OF = {
  'sentry.installation.created': 'installation',
  'sentry.installation.deleted': 'installation',
  'sentry.issue.created': 'issue',
  'sentry.issue.resolved': 'issue',
  'sentry.issue.assigned': 'issue',
  'sentry.issue.archived': 'issue',
  'sentry.issue.unresolved': 'issue',
  'sentry.issue.ignored': 'issue',
  'sentry.event_alert.triggered': 'error',
  'sentry.error.created': 'error',
  'sentry.comment.created': 'comment',
  'sentry.comment.updated': 'comment',
  'sentry.comment.deleted': 'comment',
  'sentry.metric_alert.critical': 'alert',
  'sentry.metric_alert.warning': 'alert',
  'sentry.metric_alert.resolved': 'alert',
  'sentry.seer.root_cause_started': 'seer',
  'sentry.seer.root_cause_completed': 'seer',
  'sentry.seer.solution_started': 'seer',
  'sentry.seer.solution_completed': 'seer',
  'sentry.seer.coding_started': 'seer',
  'sentry.seer.coding_completed': 'seer',
  'sentry.seer.pr_created': 'seer',
  'sentry.preprod_artifact.size_analysis_completed': 'preprod',
  'sentry.preprod_artifact.build_distribution_completed': 'preprod',
  'bugsee.app.created': 'app',
  'bugsee.app.updated': 'app',
  'bugsee.app.deleted': 'app',
  'bugsee.issue.created': 'issue',
  'bugsee.issue.updated': 'issue',
  'bugsee.issue.closed': 'issue',
  'bugsee.issue.reopened': 'issue',
  'bugsee.issue.regressed': 'issue',
  'bugsee.issue.deleted': 'issue',
  'bugsee.issue.comment': 'issue',
  'bugsee.user.created': 'user',
  'bugsee.user.updated': 'user',
  'bugsee.user.deleted': 'user',
  'bugsee.unsymbolicated.created': 'issue',
  'bugsee.feedback.message.in': 'feedback',
  'bugsee.feedback.message.out': 'feedback',
  'bugsee.build.created': 'build',
  'bugsee.build.deleted': 'build',
} as const satisfies Record<EventType, Kind>;

/**
 * One normalized event. `state` is the part of the subject's state this event knows (merged into
 * the thread's state by event time); `detail` is what only this event says (for the reply).
 */
export interface Event<T extends EventType = EventType> {
  /** Dedup identity of the delivery: Request-ID, envelope id, or body sha256. */
  id: string;
  type: T;
  source: Source;
  kind: Kind;
  subject: { kind: SubjectOf<T>; id: string };
  /** Namespaced thread key (see `threadKeys`), or null for a standalone message. */
  threadKey: string | null;
  routing: Routing;
  /** ISO time the event happened (payload time, else the delivery timestamp, else receipt). */
  time: string;
  /** ISO time we received it. */
  receivedAt: string;
  actor: Actor | null;
  title: string;
  links: Link[];
  filters: FilterFacts;
  state: Partial<SubjectStates[SubjectOf<T>]>;
  detail: SubjectDetails[SubjectOf<T>];
}

export type AnyEvent = { [T in EventType]: Event<T> }[EventType];

/** Event types that can reach a channel (installation events are handled at ingest). */
export type DeliverableEventType = Exclude<EventType, 'sentry.installation.created' | 'sentry.installation.deleted'>;

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** Thread keys are namespaced so a Sentry issue id can never collide with a Seer run id. */
export const threadKeys = {
  sentryIssue: (groupId: string | number) => `sentry:issue:${String(groupId)}`,
  sentrySeer: (runId: string | number) => `sentry:seer:${String(runId)}`,
  sentryMetricAlert: (incidentId: string | number) => `sentry:metric_alert:${String(incidentId)}`,
  sentryPreprodPr: (headRepoName: string, prNumber: number | string) => `sentry:preprod:${headRepoName}#${String(prNumber)}`,
  sentryPreprodBuild: (buildId: string | number) => `sentry:preprod:build:${String(buildId)}`,
  bugseeIssue: (appKey: string, issueKey: string) => `bugsee:issue:${appKey}:${issueKey}`,
  bugseeFeedback: (appKey: string, deviceId: string) => `bugsee:feedback:${appKey}:${deviceId}`,
  bugseeBuild: (appKey: string, buildUuid: string) => `bugsee:build:${appKey}:${buildUuid}`,
};
