/**
 * Typed sample events for every deliverable event type, with the merged thread state a card
 * would get. Written from the specs in /work/shared/specs; the fixture tests cover real payloads.
 */
import { type DeliverableEventType, type Event, type SubjectStates } from '../../src/events.js';
import { KIND_OF, SUBJECT_OF } from '../../src/sources/catalog.js';
import type { RenderExtras } from '../../templates/types.js';

export interface Sample {
  name: string;
  event: Event<DeliverableEventType>;
  state: object;
  extras: RenderExtras;
}

const EXTRAS: RenderExtras = { regressionThresholdPct: 5 };

type Init<T extends DeliverableEventType> = Partial<Omit<Event<T>, 'type' | 'detail' | 'state'>> & {
  state: Event<T>['state'];
  detail: Event<T>['detail'];
};

function ev<T extends DeliverableEventType>(type: T, subjectId: string, init: Init<T>): Event<T> {
  return {
    id: `sample-${type}`,
    type,
    source: type.startsWith('sentry.') ? 'sentry' : 'bugsee',
    kind: KIND_OF[type],
    subject: { kind: SUBJECT_OF[type] as Event<T>['subject']['kind'], id: subjectId },
    threadKey: `sample:${subjectId}`,
    routing: {},
    time: '2025-03-19T12:40:00.000Z',
    receivedAt: '2025-03-19T12:40:01.000Z',
    actor: null,
    title: '',
    links: [],
    filters: {},
    ...init,
  };
}

const JANE = { type: 'user' as const, id: '1', name: 'Jane Doe', email: 'jane@example.com' };
const SENTRY = { type: 'system' as const, id: 'sentry', name: 'Sentry' };
const JOHN = { type: 'user' as const, name: 'John Smith', email: 'john.smith@example.com' };

// ---------------------------------------------------------------------------------------------
// Sentry issue thread
// ---------------------------------------------------------------------------------------------

const ISSUE: SubjectStates['sentry.issue'] = {
  issueId: '1170820242',
  shortId: 'MOBILE-APP-3K',
  title: "TypeError: Cannot read properties of undefined (reading 'id')",
  culprit: 'app/components/UserCard in render',
  level: 'error',
  status: 'unresolved',
  substatus: 'ongoing',
  org: 'acme',
  project: 'mobile-app',
  platform: 'javascript',
  firstSeen: '2025-03-18T09:12:00.000Z',
  lastSeen: '2025-03-19T12:39:44.000Z',
  count: 1243,
  userCount: 87,
  assignee: { type: 'user', id: '7', name: 'Bob Lee', email: 'bob@example.com' },
  permalink: 'https://acme.sentry.io/issues/1170820242/',
};

const issueRouting = { org: 'acme', project: 'mobile-app', groupId: '1170820242' };

function issueEvent<
  T extends Extract<
    DeliverableEventType,
    `sentry.issue.${string}` | `sentry.error.${string}` | `sentry.event_alert.${string}` | `sentry.comment.${string}`
  >,
>(type: T, init: Partial<Init<T>> & { state?: Event<T>['state']; detail: Event<T>['detail'] }): Event<T> {
  return ev(type, ISSUE.issueId, { routing: issueRouting, title: ISSUE.title!, state: { issueId: ISSUE.issueId }, ...init } as Init<T>);
}

const sentryIssue: Sample[] = [
  {
    name: 'sentry.issue.created',
    event: issueEvent('sentry.issue.created', { actor: SENTRY, state: { ...ISSUE, substatus: 'new' }, detail: { action: 'created' } }),
    state: { ...ISSUE, substatus: 'new' },
    extras: EXTRAS,
  },
  {
    name: 'sentry.issue.resolved',
    event: issueEvent('sentry.issue.resolved', {
      actor: JANE,
      state: { issueId: ISSUE.issueId, status: 'resolved', lastChangeBy: 'Jane Doe' },
      detail: { action: 'resolved', statusDetails: { inNextRelease: true } },
    }),
    state: { ...ISSUE, status: 'resolved', lastChangeBy: 'Jane Doe' },
    extras: EXTRAS,
  },
  {
    name: 'sentry.issue.assigned',
    event: issueEvent('sentry.issue.assigned', {
      actor: JANE,
      state: { issueId: ISSUE.issueId, assignee: { name: 'Bob Lee' } },
      detail: { action: 'assigned' },
    }),
    state: { ...ISSUE, lastChangeBy: 'Jane Doe' },
    extras: EXTRAS,
  },
  {
    name: 'sentry.issue.assigned.unassigned',
    event: issueEvent('sentry.issue.assigned', {
      actor: JANE,
      state: { issueId: ISSUE.issueId, assignee: null },
      detail: { action: 'assigned' },
    }),
    state: { ...ISSUE, assignee: null },
    extras: EXTRAS,
  },
  {
    name: 'sentry.issue.archived',
    event: issueEvent('sentry.issue.archived', {
      actor: JANE,
      state: { issueId: ISSUE.issueId, status: 'ignored' },
      detail: { action: 'archived', statusDetails: { ignoreDuration: 60 } },
    }),
    state: { ...ISSUE, status: 'ignored', lastChangeBy: 'Jane Doe' },
    extras: { ...EXTRAS, lastAction: { by: 'Jane Doe (Slack)', text: 'Archived for 1 hour' } },
  },
  {
    name: 'sentry.issue.unresolved',
    event: issueEvent('sentry.issue.unresolved', {
      actor: SENTRY,
      state: { issueId: ISSUE.issueId, status: 'unresolved', substatus: 'regressed' },
      detail: { action: 'unresolved' },
    }),
    state: { ...ISSUE, substatus: 'regressed', lastChangeBy: 'Sentry' },
    extras: EXTRAS,
  },
  {
    name: 'sentry.issue.ignored',
    event: issueEvent('sentry.issue.ignored', {
      actor: JANE,
      state: { issueId: ISSUE.issueId, status: 'ignored' },
      detail: { action: 'ignored', statusDetails: { ignoreCount: 100 } },
    }),
    state: { ...ISSUE, status: 'ignored' },
    extras: EXTRAS,
  },
  {
    name: 'sentry.event_alert.triggered',
    event: issueEvent('sentry.event_alert.triggered', {
      detail: {
        error: {
          eventId: 'e1',
          message: "Cannot read properties of undefined (reading 'id')",
          level: 'error',
          environment: 'production',
          release: 'mobile@2.4.1',
          url: 'https://acme.sentry.io/issues/1170820242/events/e1/',
          triggeredRule: 'New errors in production',
        },
      },
    }),
    state: ISSUE,
    extras: EXTRAS,
  },
  {
    name: 'sentry.error.created',
    event: issueEvent('sentry.error.created', {
      detail: {
        error: {
          eventId: 'e2',
          message: 'Something broke\nin two lines',
          level: 'fatal',
          environment: 'staging',
          release: '1.0.0',
          url: 'https://acme.sentry.io/issues/1170820242/events/e2/',
        },
      },
    }),
    state: { ...ISSUE, level: 'fatal' },
    extras: EXTRAS,
  },
  {
    name: 'sentry.comment.created',
    event: issueEvent('sentry.comment.created', {
      actor: JANE,
      detail: { comment: { id: '5', text: 'Looking into it.\nSeems related to <@U123> & the *new* API' } },
    }),
    state: ISSUE,
    extras: EXTRAS,
  },
  {
    name: 'sentry.comment.updated',
    event: issueEvent('sentry.comment.updated', { actor: JANE, detail: { comment: { id: '5', text: 'Fixed in #42' } } }),
    state: ISSUE,
    extras: EXTRAS,
  },
  {
    name: 'sentry.comment.deleted',
    event: issueEvent('sentry.comment.deleted', { actor: JANE, detail: { comment: { id: '5' } } }),
    state: ISSUE,
    extras: EXTRAS,
  },
];

// ---------------------------------------------------------------------------------------------
// Metric alerts
// ---------------------------------------------------------------------------------------------

const ALERT: SubjectStates['sentry.metric_alert'] = {
  incidentId: '4021',
  status: 'critical',
  title: 'p95 latency above 2s',
  alertRuleId: '55',
  alertRuleName: 'API latency',
  description: 'transaction.duration p95 over the last 10 minutes',
  metricValue: 2456.5,
  threshold: 2000,
  comparison: '>',
  dateStarted: '2025-03-19T12:00:00.000Z',
  dateClosed: null,
  org: 'acme',
  projects: ['api', 'web'],
  url: 'https://acme.sentry.io/alerts/rules/details/55/?alert=4021',
};

function alertSample(
  type: 'sentry.metric_alert.critical' | 'sentry.metric_alert.warning' | 'sentry.metric_alert.resolved',
  status: string,
): Sample {
  const patch = {
    incidentId: ALERT.incidentId,
    status,
    ...(status === 'resolved' ? { dateClosed: '2025-03-19T12:30:00.000Z', metricValue: 1200 } : {}),
  };
  return {
    name: type,
    event: ev(type, ALERT.incidentId, { title: ALERT.title!, routing: { org: 'acme', project: 'api' }, state: patch, detail: {} }),
    state: { ...ALERT, ...patch },
    extras: EXTRAS,
  };
}

const metricAlerts: Sample[] = [
  alertSample('sentry.metric_alert.critical', 'critical'),
  alertSample('sentry.metric_alert.warning', 'warning'),
  alertSample('sentry.metric_alert.resolved', 'resolved'),
];

// ---------------------------------------------------------------------------------------------
// Seer
// ---------------------------------------------------------------------------------------------

const SEER_FULL: SubjectStates['sentry.seer'] = {
  runId: '12345',
  groupId: '1170820242',
  org: 'acme',
  project: 'mobile-app',
  stages: {
    root_cause_started: '2025-03-19T12:41:00.000Z',
    root_cause_completed: '2025-03-19T12:43:10.000Z',
    solution_started: '2025-03-19T12:44:00.000Z',
    solution_completed: '2025-03-19T12:45:30.000Z',
    coding_started: '2025-03-19T12:46:00.000Z',
    coding_completed: '2025-03-19T12:49:00.000Z',
    pr_created: '2025-03-19T12:50:00.000Z',
  },
  rootCause: {
    description: 'The user object is read before the profile request resolves.',
    steps: [
      { title: 'User navigates to the dashboard page, initiating page load.', file: 'N/A', repo: 'N/A' },
      { title: 'Next.js server renders the /dashboard route.', important: true, file: 'src/app/page.ts', repo: 'owner/repo' },
      { title: 'UserCard reads user.id while user is still undefined.', file: 'src/components/UserCard.tsx' },
    ],
  },
  solution: {
    description: 'Guard the render until the profile has loaded.',
    steps: ['Return a skeleton while user is undefined', 'Add a test for the loading state'],
  },
  changes: [
    {
      repo: 'owner/repo',
      title: 'fix: Guard UserCard against a missing user',
      branch: 'seer/fix-usercard',
      files: ['src/components/UserCard.tsx', 'src/components/UserCard.test.tsx'],
    },
  ],
  pullRequests: [{ number: 123, url: 'https://github.com/owner/repo/pull/123', id: 456789, repo: 'owner/repo', provider: 'github' }],
  issueUrl: 'https://acme.sentry.io/issues/1170820242/',
};

const SEER_ORDER = [
  'root_cause_started',
  'root_cause_completed',
  'solution_started',
  'solution_completed',
  'coding_started',
  'coding_completed',
  'pr_created',
] as const;

function seerSample(stage: (typeof SEER_ORDER)[number]): Sample {
  const upTo = SEER_ORDER.slice(0, SEER_ORDER.indexOf(stage) + 1);
  const stages = Object.fromEntries(upTo.map((s) => [s, SEER_FULL.stages![s]]));
  const state: Partial<SubjectStates['sentry.seer']> = {
    runId: SEER_FULL.runId,
    groupId: SEER_FULL.groupId,
    org: 'acme',
    project: 'mobile-app',
    issueUrl: SEER_FULL.issueUrl,
    stages,
    ...(upTo.includes('root_cause_completed') ? { rootCause: SEER_FULL.rootCause } : {}),
    ...(upTo.includes('solution_completed') ? { solution: SEER_FULL.solution } : {}),
    ...(upTo.includes('coding_completed') ? { changes: SEER_FULL.changes } : {}),
    ...(upTo.includes('pr_created') ? { pullRequests: SEER_FULL.pullRequests } : {}),
  };
  const patch: Partial<SubjectStates['sentry.seer']> = {
    runId: '12345',
    groupId: '1170820242',
    stages: { [stage]: SEER_FULL.stages![stage] },
  };
  if (stage === 'root_cause_completed') patch.rootCause = SEER_FULL.rootCause;
  if (stage === 'solution_completed') patch.solution = SEER_FULL.solution;
  if (stage === 'coding_completed') patch.changes = SEER_FULL.changes;
  if (stage === 'pr_created') patch.pullRequests = SEER_FULL.pullRequests;
  const type = `sentry.seer.${stage}` as const;
  return {
    name: type,
    event: ev(type, '12345', {
      actor: SENTRY,
      routing: { org: 'acme', groupId: '1170820242', project: 'mobile-app' },
      title: 'Seer',
      state: patch,
      detail: { stage },
    }),
    state,
    extras: EXTRAS,
  };
}

const seer: Sample[] = SEER_ORDER.map(seerSample);

// ---------------------------------------------------------------------------------------------
// Preprod
// ---------------------------------------------------------------------------------------------

const PREPROD_BASE: Partial<SubjectStates['sentry.preprod']> = {
  subjectId: 'my-org/my-app#3',
  org: 'my-org',
  project: 'my-project',
  platform: 'APPLE',
  app: { appId: 'com.example.myapp', name: 'MyApp', version: '1.0', buildNumber: 2, artifactType: 'XCARCHIVE' },
  git: {
    headSha: '16bee14a5a68d4bb89c48735264b384223754fae',
    baseSha: '88d7247b',
    provider: 'github',
    headRepoName: 'my-org/my-app',
    baseRepoName: 'my-org/my-app',
    headRef: 'feature-branch',
    baseRef: 'main',
    prNumber: 3,
  },
};

const SIZE: NonNullable<SubjectStates['sentry.preprod']['size']> = {
  buildId: '72',
  state: 'COMPLETED',
  downloadSize: 28864215,
  installSize: 30806016,
  baseBuildId: '57',
  analysisDuration: 21.64,
  components: [
    {
      type: 'MAIN_ARTIFACT',
      identifier: null,
      state: 'SUCCESS',
      headInstallSize: 17833984,
      headDownloadSize: 16255246,
      baseInstallSize: 17394432,
      baseDownloadSize: 15844031,
    },
    {
      type: 'WATCH_ARTIFACT',
      identifier: 'com.example.myapp.watchkitapp',
      state: 'SUCCESS',
      headInstallSize: 9023488,
      headDownloadSize: 8765015,
      baseInstallSize: 9290816,
      baseDownloadSize: 8851594,
    },
    {
      type: 'APP_CLIP_ARTIFACT',
      identifier: 'com.example.myapp.clip',
      state: 'FAILED',
      errorCode: 'NO_BASE_METRIC',
      errorMessage: 'No matching base artifact size metric found',
    },
  ],
};

const DIST: NonNullable<SubjectStates['sentry.preprod']['distribution']> = {
  buildId: '95',
  state: 'COMPLETED',
  isInstallable: true,
  installUrl: 'https://sentry.io/api/0/projects/my-org/my-project/files/installablepreprodartifact/abc123/?response_format=apk',
  buildConfiguration: 'release',
  isCodeSignatureValid: true,
  profileName: 'MyApp Ad Hoc',
  codesigningType: 'ad-hoc',
};

function preprodSample(
  name: string,
  phase: 'size_analysis' | 'build_distribution',
  patch: Partial<SubjectStates['sentry.preprod']>,
  state: Partial<SubjectStates['sentry.preprod']>,
  extras = EXTRAS,
): Sample {
  const type =
    phase === 'size_analysis' ? 'sentry.preprod_artifact.size_analysis_completed' : 'sentry.preprod_artifact.build_distribution_completed';
  const build = phase === 'size_analysis' ? patch.size! : patch.distribution!;
  return {
    name,
    event: ev(type, PREPROD_BASE.subjectId!, {
      actor: SENTRY,
      routing: { org: 'my-org', project: 'my-project' },
      title: 'MyApp',
      state: { ...PREPROD_BASE, ...patch },
      detail: { phase, buildId: build.buildId, state: build.state },
    }),
    state: { ...PREPROD_BASE, ...state },
    extras,
  };
}

const REGRESSED_SIZE = {
  ...SIZE,
  components: [
    {
      type: 'MAIN_ARTIFACT',
      identifier: null,
      state: 'SUCCESS',
      headInstallSize: 17833984,
      headDownloadSize: 16255246,
      baseInstallSize: 5394432,
      baseDownloadSize: 3844031,
    },
    SIZE.components[1],
  ],
};

const preprod: Sample[] = [
  preprodSample('sentry.preprod_artifact.size_analysis_completed', 'size_analysis', { size: SIZE }, { size: SIZE, distribution: DIST }),
  preprodSample(
    'sentry.preprod_artifact.size_analysis_completed.regression',
    'size_analysis',
    { size: REGRESSED_SIZE },
    { size: REGRESSED_SIZE },
    { ...EXTRAS, sizeTrend: [3844031, 4100000, 15000000, 28864215] },
  ),
  preprodSample(
    'sentry.preprod_artifact.size_analysis_completed.failed',
    'size_analysis',
    { size: { buildId: '73', state: 'FAILED', errorCode: 'PROCESSING_ERROR', errorMessage: 'Analysis processing failed', components: [] } },
    { size: { buildId: '73', state: 'FAILED', errorCode: 'PROCESSING_ERROR', errorMessage: 'Analysis processing failed', components: [] } },
  ),
  preprodSample(
    'sentry.preprod_artifact.build_distribution_completed',
    'build_distribution',
    { distribution: DIST },
    { distribution: DIST, size: SIZE },
  ),
  preprodSample(
    'sentry.preprod_artifact.build_distribution_completed.failed',
    'build_distribution',
    {
      distribution: {
        buildId: '96',
        state: 'FAILED',
        errorCode: 'NO_QUOTA',
        errorMessage: 'Organization has no remaining distribution quota',
        isInstallable: false,
      },
    },
    {
      distribution: {
        buildId: '96',
        state: 'FAILED',
        errorCode: 'NO_QUOTA',
        errorMessage: 'Organization has no remaining distribution quota',
        isInstallable: false,
      },
    },
  ),
];

// ---------------------------------------------------------------------------------------------
// Bugsee issue thread
// ---------------------------------------------------------------------------------------------

const BISSUE: SubjectStates['bugsee.issue'] = {
  appKey: 'IOS',
  appName: 'iOS application',
  appUrl: 'https://app.bugsee.com/#/apps/IOS',
  issueKey: 'IOS-123',
  summary: 'Something went wrong',
  description: "When app started and sign up screen appeared it missed the 'Sign Up' button",
  issueType: 'bug',
  state: 'open',
  severity: 'medium',
  labels: ['signup', 'ui'],
  url: 'https://app.bugsee.com/#/apps/IOS/issues/IOS-123',
  reporter: { name: 'John Smith', email: 'john.smith@example.com' },
  recordings: [{ key: 'vmd73hsr', url: 'https://app.bugsee.com/#/apps/IOS/issues/IOS-123/vmd73hsr' }],
};

function bIssue<T extends Extract<DeliverableEventType, `bugsee.issue.${string}` | 'bugsee.unsymbolicated.created'>>(
  type: T,
  name: string,
  patch: Partial<SubjectStates['bugsee.issue']>,
  detail: Event<T>['detail'],
  actor: Event['actor'] = JOHN,
): Sample {
  return {
    name,
    event: ev(type, 'IOS:IOS-123', {
      actor,
      routing: { appKey: 'IOS' },
      title: BISSUE.summary!,
      state: { appKey: 'IOS', issueKey: 'IOS-123', ...patch },
      detail,
    } as Init<T>),
    state: { ...BISSUE, ...patch },
    extras: EXTRAS,
  };
}

const bugseeIssue: Sample[] = [
  bIssue('bugsee.issue.created', 'bugsee.issue.created', BISSUE, {}),
  bIssue(
    'bugsee.issue.updated',
    'bugsee.issue.updated',
    { severity: 'high', labels: ['signup', 'ui', 'p1'] },
    { changes: { severity: { from: 'medium', to: 'high' }, labels: { from: ['signup', 'ui'], to: ['signup', 'ui', 'p1'] } } },
  ),
  bIssue('bugsee.issue.closed', 'bugsee.issue.closed', { state: 'closed', lastChangeBy: 'John Smith' }, {}),
  bIssue('bugsee.issue.reopened', 'bugsee.issue.reopened', { state: 'open', lastChangeBy: 'John Smith' }, {}),
  bIssue(
    'bugsee.issue.regressed',
    'bugsee.issue.regressed',
    { state: 'open', regressed: true, issueType: 'crash', severity: 'blocker' },
    {},
    null,
  ),
  bIssue('bugsee.issue.deleted', 'bugsee.issue.deleted', { deleted: true, lastChangeBy: 'John Smith' }, {}),
  bIssue(
    'bugsee.issue.comment',
    'bugsee.issue.comment',
    {},
    { comment: { text: 'I am on it! Will fix asap!', author: { name: 'John Smith', email: 'john.smith@example.com' } } },
  ),
  bIssue('bugsee.unsymbolicated.created', 'bugsee.unsymbolicated.created', { missingSymbols: true, issueType: 'crash' }, {}, null),
];

// ---------------------------------------------------------------------------------------------
// Bugsee feedback
// ---------------------------------------------------------------------------------------------

const FEEDBACK: SubjectStates['bugsee.feedback'] = {
  appKey: 'IOS',
  appName: 'iOS application',
  appUrl: 'https://app.bugsee.com/#/apps/IOS',
  deviceId: 'D11B5769-781B-44B0-9CB7-B2D8D9C7A831',
  threadState: 'open',
  user: { name: 'Amy Jameson', email: 'amy.jameson@example.com' },
};

const feedback: Sample[] = [
  {
    name: 'bugsee.feedback.message.in',
    event: ev('bugsee.feedback.message.in', 'IOS:D11B5769-781B-44B0-9CB7-B2D8D9C7A831', {
      actor: { type: 'user', name: 'Amy Jameson', email: 'amy.jameson@example.com' },
      routing: { appKey: 'IOS' },
      title: 'Feedback',
      state: {
        ...FEEDBACK,
        lastMessage: {
          text: "The sign up button is missing on my iPad. Can't register!",
          createdOn: '2025-03-19T12:30:00.000Z',
          direction: 'in',
        },
      },
      detail: {
        direction: 'in',
        messages: [
          { text: 'Hi!', createdOn: '2025-03-19T12:29:00.000Z' },
          { text: "The sign up button is missing on my iPad. Can't register!", createdOn: '2025-03-19T12:30:00.000Z' },
        ],
        author: { name: 'Amy Jameson' },
      },
    }),
    state: {
      ...FEEDBACK,
      lastMessage: {
        text: "The sign up button is missing on my iPad. Can't register!",
        createdOn: '2025-03-19T12:30:00.000Z',
        direction: 'in',
      },
    },
    extras: EXTRAS,
  },
  {
    name: 'bugsee.feedback.message.out',
    event: ev('bugsee.feedback.message.out', 'IOS:D11B5769-781B-44B0-9CB7-B2D8D9C7A831', {
      actor: JANE,
      routing: { appKey: 'IOS' },
      title: 'Feedback',
      state: {
        appKey: 'IOS',
        deviceId: FEEDBACK.deviceId,
        lastMessage: { text: 'Thanks Amy, a fix ships tomorrow.', createdOn: '2025-03-19T12:35:00.000Z', direction: 'out' },
      },
      detail: {
        direction: 'out',
        messages: [{ text: 'Thanks Amy, a fix ships tomorrow.', createdOn: '2025-03-19T12:35:00.000Z' }],
        author: { name: 'Jane Doe' },
      },
    }),
    state: {
      ...FEEDBACK,
      lastMessage: { text: 'Thanks Amy, a fix ships tomorrow.', createdOn: '2025-03-19T12:35:00.000Z', direction: 'out' },
    },
    extras: EXTRAS,
  },
];

// ---------------------------------------------------------------------------------------------
// Bugsee builds
// ---------------------------------------------------------------------------------------------

const CURRENT = {
  uuid: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
  packageId: 'com.example.app',
  version: '2.4.1',
  build: '153',
  configuration: 'release',
  format: 'aab',
  url: 'https://app.bugsee.com/#/apps/ANDROID/builds/5b7f2a1e9f1b2c0001a3d5b2',
  artifactSize: 35241984,
  vcs: {
    commitSha: 'a1b2c3d4e5f6789012345678901234567890abcd',
    branch: 'main',
    provider: 'github',
    repo: 'acme/example-app',
    prNumber: 42,
  },
  createdOn: '2026-04-18T12:34:56.000Z',
};

const BUILD_READY: SubjectStates['bugsee.build'] = {
  appKey: 'ANDROID',
  appName: 'Android application',
  appUrl: 'https://app.bugsee.com/#/apps/ANDROID',
  current: { ...CURRENT, downloadSize: 35241984, installSize: 58720256 },
  sizeAnalysisStatus: 'ready',
  sizeDiff: {
    trend: 'regression',
    downloadSizeDelta: 1048576,
    downloadSizePct: 3.0,
    installSizeDelta: 2097152,
    installSizePct: 3.7,
    anyVariantRegressed: true,
    regressedVariantsCount: 7,
  },
  previous: {
    uuid: '98765432-10fe-dcba-9876-543210fedcba',
    packageId: 'com.example.app',
    version: '2.4.0',
    build: '148',
    url: 'https://app.bugsee.com/#/apps/ANDROID/builds/5b7f1a0e9f1b2c0001a3d5a1',
    downloadSize: 34193408,
    installSize: 56623104,
  },
};

function buildSample(
  name: string,
  type: 'bugsee.build.created' | 'bugsee.build.deleted',
  phase: 'registered' | 'ready' | 'failed' | 'other' | 'deleted',
  state: Partial<SubjectStates['bugsee.build']>,
  extras = EXTRAS,
): Sample {
  return {
    name,
    event: ev(type, `ANDROID:${CURRENT.uuid}`, {
      actor: phase === 'deleted' ? JOHN : null,
      routing: { appKey: 'ANDROID' },
      title: 'Android application 2.4.1 (153)',
      state,
      detail: { phase },
    }),
    state,
    extras,
  };
}

const builds: Sample[] = [
  buildSample('bugsee.build.created', 'bugsee.build.created', 'registered', {
    appKey: 'ANDROID',
    appName: 'Android application',
    current: CURRENT,
    sizeAnalysisStatus: 'unavailable',
  }),
  buildSample('bugsee.build.created.ready', 'bugsee.build.created', 'ready', BUILD_READY, {
    regressionThresholdPct: 2,
    sizeTrend: [30100000, 30900000, 31000000, 32500000, 32400000, 33900000, 34193408],
  }),
  buildSample('bugsee.build.created.failed', 'bugsee.build.created', 'failed', {
    appKey: 'ANDROID',
    appName: 'Android application',
    current: CURRENT,
    sizeAnalysisStatus: 'failed',
  }),
  buildSample('bugsee.build.created.processing', 'bugsee.build.created', 'other', {
    appKey: 'ANDROID',
    appName: 'Android application',
    current: CURRENT,
    sizeAnalysisStatus: 'processing',
  }),
  buildSample('bugsee.build.deleted', 'bugsee.build.deleted', 'deleted', { ...BUILD_READY, deleted: true }),
];

// ---------------------------------------------------------------------------------------------
// Bugsee app and user (standalone)
// ---------------------------------------------------------------------------------------------

const APP = {
  appKey: 'IOS',
  name: 'iOS application',
  url: 'https://app.bugsee.com/#/apps/IOS',
  description: 'Our primary iOS application',
  platform: 'ios',
  subtype: '',
};
const USER = { name: 'Amy Jameson', email: 'amy.jameson@example.com', admin: false, disabled: false, country: 'us' };

const standalone: Sample[] = [
  {
    name: 'bugsee.app.created',
    event: ev('bugsee.app.created', 'IOS', {
      actor: JOHN,
      routing: { appKey: 'IOS' },
      threadKey: null,
      title: APP.name,
      state: APP,
      detail: {},
    }),
    state: APP,
    extras: EXTRAS,
  },
  {
    name: 'bugsee.app.updated',
    event: ev('bugsee.app.updated', 'IOS', {
      actor: JOHN,
      routing: { appKey: 'IOS' },
      threadKey: null,
      title: APP.name,
      state: APP,
      detail: { changes: { name: { from: 'iOS app', to: 'iOS application' } } },
    }),
    state: APP,
    extras: EXTRAS,
  },
  {
    name: 'bugsee.app.deleted',
    event: ev('bugsee.app.deleted', 'IOS', {
      actor: JOHN,
      routing: { appKey: 'IOS' },
      threadKey: null,
      title: APP.name,
      state: APP,
      detail: {},
    }),
    state: APP,
    extras: EXTRAS,
  },
  {
    name: 'bugsee.user.created',
    event: ev('bugsee.user.created', USER.email, { actor: JOHN, threadKey: null, title: USER.name, state: USER, detail: {} }),
    state: USER,
    extras: EXTRAS,
  },
  {
    name: 'bugsee.user.updated',
    event: ev('bugsee.user.updated', USER.email, {
      actor: JOHN,
      threadKey: null,
      title: USER.name,
      state: { ...USER, admin: true },
      detail: { changes: { admin: { from: false, to: true } } },
    }),
    state: { ...USER, admin: true },
    extras: EXTRAS,
  },
  {
    name: 'bugsee.user.deleted',
    event: ev('bugsee.user.deleted', USER.email, { actor: JOHN, threadKey: null, title: USER.name, state: USER, detail: {} }),
    state: USER,
    extras: EXTRAS,
  },
];

export const SAMPLES: Sample[] = [
  ...sentryIssue,
  ...metricAlerts,
  ...seer,
  ...preprod,
  ...bugseeIssue,
  ...feedback,
  ...builds,
  ...standalone,
];
