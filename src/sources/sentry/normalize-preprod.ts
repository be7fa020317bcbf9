/** Preprod artifacts (mobile builds): one thread per pull request, else per build. */

import { sentryThreadKeys, type SentryDraft, type AppInfo, type PreprodState, type SizeComponent } from './subjects.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, links, opt } from '../kit/normalize.js';
import { idString, mapActor, pickTime, toNumber, routingOf } from './normalize-common.js';
import type { SentryPreprodDistributionPayload, SentryPreprodSizePayload } from './schema.js';

export type PreprodType = 'sentry.preprod_artifact.size_analysis_completed' | 'sentry.preprod_artifact.build_distribution_completed';

type RawAppInfo = NonNullable<SentryPreprodSizePayload['data']['appInfo']>;
type SizeComparison = NonNullable<SentryPreprodSizePayload['data']['comparisons']>[number];

function appInfo(a: RawAppInfo | null | undefined): AppInfo | undefined {
  if (!a) return undefined;
  return compact({ appId: a.appId, name: a.name, version: a.version, buildNumber: a.buildNumber, artifactType: a.artifactType });
}

function component(c: SizeComparison): SizeComponent {
  const diff = c.sizeMetricDiff;
  return compact({
    type: c.metricsArtifactType || 'ARTIFACT',
    identifier: c.identifier,
    state: c.state,
    errorCode: c.errorCode,
    errorMessage: c.errorMessage,
    headDownloadSize: opt(diff?.headDownloadSize),
    baseDownloadSize: opt(diff?.baseDownloadSize),
    headInstallSize: opt(diff?.headInstallSize),
    baseInstallSize: opt(diff?.baseInstallSize),
  });
}

/** Largest download-size growth in percent across components (negative when all shrink). */
export function maxDownloadGrowthPct(components: SizeComponent[]): number | undefined {
  let max: number | undefined;
  for (const c of components) {
    if (c.headDownloadSize === undefined || !c.baseDownloadSize) continue;
    const pct = ((c.headDownloadSize - c.baseDownloadSize) / c.baseDownloadSize) * 100;
    if (max === undefined || pct > max) max = pct;
  }
  return max === undefined ? undefined : Math.round(max * 100) / 100;
}

export function normalizePreprod<T extends PreprodType>(
  type: T,
  p: SentryPreprodSizePayload | SentryPreprodDistributionPayload,
  meta: NormalizeMeta,
): SentryDraft<T, 'sentry.preprod'> {
  const d = p.data;
  const buildId = String(d.buildId).trim();
  const git = d.gitInfo ?? undefined;
  const repo = opt(git?.headRepoName);
  const prNumber = idString(git?.prNumber);
  const onPr = !!repo && prNumber !== undefined;
  const subjectId = onPr ? `${repo}#${prNumber}` : buildId;
  const failed = d.state.toUpperCase() === 'FAILED';
  const isSize = type === 'sentry.preprod_artifact.size_analysis_completed';
  const app = appInfo(d.appInfo);
  const name = [app?.name ?? app?.appId ?? 'Build', app?.version, app?.buildNumber != null ? `(${app.buildNumber})` : undefined]
    .filter(Boolean)
    .join(' ');
  const what = isSize
    ? failed
      ? 'size analysis failed'
      : 'size analysis completed'
    : failed
      ? 'build distribution failed'
      : 'build ready to install';

  const state: Partial<PreprodState> = {
    subjectId,
    org: opt(d.organizationSlug),
    project: opt(d.projectSlug),
    platform: d.platform,
    app,
    git: d.gitInfo === undefined ? undefined : git ? compact({ ...pickGit(git), prNumber: toNumber(git.prNumber) ?? null }) : null,
  };
  let sizeDeltaPct: number | undefined;
  let installUrl: string | undefined;
  if (isSize) {
    const s = d as SentryPreprodSizePayload['data'];
    const components = (s.comparisons ?? []).map(component);
    sizeDeltaPct = maxDownloadGrowthPct(components);
    state.size = compact({
      buildId,
      state: d.state,
      errorCode: d.errorCode,
      errorMessage: d.errorMessage,
      downloadSize: s.downloadSize,
      installSize: s.installSize,
      baseBuildId: s.baseBuildId === undefined || s.baseBuildId === null ? s.baseBuildId : (idString(s.baseBuildId) ?? null),
      baseApp: s.baseAppInfo === null ? null : appInfo(s.baseAppInfo),
      components,
      analysisDuration: s.analysisDuration,
    });
  } else {
    const s = d as SentryPreprodDistributionPayload['data'];
    installUrl = opt(s.installUrl);
    state.distribution = compact({
      buildId,
      state: d.state,
      errorCode: d.errorCode,
      errorMessage: d.errorMessage,
      isInstallable: opt(s.isInstallable),
      installUrl: s.installUrl,
      buildConfiguration: s.buildConfiguration,
      isCodeSignatureValid: s.isCodeSignatureValid,
      profileName: s.profileName,
      codesigningType: s.codesigningType,
    });
  }
  const prUrl = onPr && opt(git?.provider)?.toLowerCase() === 'github' ? `https://github.com/${repo}/pull/${prNumber}` : undefined;
  return buildEvent(type, meta, {
    subjectId,
    threadKey: onPr ? sentryThreadKeys.preprodPr(repo, prNumber) : sentryThreadKeys.preprodBuild(buildId),
    routing: routingOf(p, { org: opt(d.organizationSlug), project: opt(d.projectSlug) }),
    time: pickTime(meta),
    actor: mapActor(p.actor),
    title: `${name}: ${what}`,
    links: links([`PR #${prNumber}`, prUrl], ['Install', installUrl]),
    filters: { branch: opt(git?.headRef), sizeDeltaPct },
    state: compact(state),
    detail: { phase: isSize ? 'size_analysis' : 'build_distribution', buildId, state: d.state },
  });
}

function pickGit(g: NonNullable<SentryPreprodSizePayload['data']['gitInfo']>) {
  return {
    headSha: g.headSha,
    baseSha: g.baseSha,
    provider: g.provider,
    headRepoName: g.headRepoName,
    baseRepoName: g.baseRepoName,
    headRef: g.headRef,
    baseRef: g.baseRef,
  };
}
