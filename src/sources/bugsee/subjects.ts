/** What Bugsee's threads show: each subject's card state and each event's reply detail. */

import type { Changes, Person } from '../../events.js';
import type { Draft } from '../kit/normalize.js';

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

/** Subject kind → its card state and its events' reply detail. */
export interface BugseeSubjects {
  'bugsee.issue': { state: BugseeIssueState; detail: BugseeIssueDetail };
  'bugsee.feedback': { state: BugseeFeedbackState; detail: BugseeFeedbackDetail };
  'bugsee.build': { state: BugseeBuildState; detail: BugseeBuildDetail };
  'bugsee.app': { state: BugseeAppState; detail: ChangesDetail };
  'bugsee.user': { state: BugseeUserState; detail: ChangesDetail };
}

/** Thread keys are namespaced by source and subject, so ids of different kinds never collide. */
export const bugseeThreadKeys = {
  issue: (appKey: string, issueKey: string) => `bugsee:issue:${appKey}:${issueKey}`,
  feedback: (appKey: string, deviceId: string) => `bugsee:feedback:${appKey}:${deviceId}`,
  build: (appKey: string, buildUuid: string) => `bugsee:build:${appKey}:${buildUuid}`,
};

/** What a Bugsee normalizer returns for an event of type `T` about subject `S`. */
export type BugseeDraft<T extends string, S extends keyof BugseeSubjects> = Draft<
  T,
  Partial<BugseeSubjects[S]['state']>,
  BugseeSubjects[S]['detail']
>;
