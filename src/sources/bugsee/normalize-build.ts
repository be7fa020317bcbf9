/**
 * Bugsee `build.*` → one thread per (app key, build uuid). `build.created` fires twice for one
 * build (registered, then size analysis ready); both land in the same thread.
 */

import { bugseeThreadKeys, type BugseeDraft, type BugseeBuildDetail, type BugseeBuildInfo, type BugseeBuildState } from './subjects.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, links, opt } from '../kit/normalize.js';
import { appFields, eventTime, actorOf } from './normalize-common.js';
import type { BugseeEnvelope, BugseePayloads, BuildInfo, Person } from './schema.js';

export type BugseeBuildEventType = 'bugsee.build.created' | 'bugsee.build.deleted';
type Phase = BugseeBuildDetail['phase'];

function toNumber(value: number | string | null | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

export function buildInfoOf(info: BuildInfo): BugseeBuildInfo {
  const vcs = info.vcs;
  return compact({
    uuid: info.uuid,
    packageId: opt(info.package_id),
    version: opt(info.version),
    build: info.build === null || info.build === undefined ? undefined : String(info.build),
    configuration: opt(info.build_configuration),
    format: opt(info.format),
    url: opt(info.url),
    artifactSize: opt(info.artifact_size),
    downloadSize: opt(info.size_summary?.download_size),
    installSize: opt(info.size_summary?.install_size),
    vcs: vcs
      ? compact({
          commitSha: opt(vcs.commit_sha),
          baseSha: opt(vcs.base_sha),
          branch: opt(vcs.branch),
          baseBranch: opt(vcs.base_branch),
          prNumber: toNumber(vcs.pr_number),
          provider: opt(vcs.provider),
          repo: opt(vcs.repo),
        })
      : undefined,
    createdOn: opt(info.created_on),
  });
}

function sizeDiffOf(info: BuildInfo): BugseeBuildState['sizeDiff'] {
  const diff = info.size_diff_summary;
  if (!diff) return undefined;
  return compact({
    trend: opt(diff.trend),
    downloadSizeDelta: opt(diff.download_size_delta),
    downloadSizePct: opt(diff.download_size_pct),
    installSizeDelta: opt(diff.install_size_delta),
    installSizePct: opt(diff.install_size_pct),
    anyVariantRegressed: opt(diff.any_variant_regressed),
    regressedVariantsCount: opt(diff.regressed_variants_count),
  });
}

function phaseOf(type: BugseeBuildEventType, status: string | undefined): Phase {
  if (type === 'bugsee.build.deleted') return 'deleted';
  if (status === 'unavailable') return 'registered';
  if (status === 'ready') return 'ready';
  if (status === 'failed') return 'failed';
  return 'other';
}

const PR_URL: Record<string, (repo: string, pr: number) => string> = {
  github: (repo, pr) => `https://github.com/${repo}/pull/${pr}`,
  gitlab: (repo, pr) => `https://gitlab.com/${repo}/-/merge_requests/${pr}`,
  bitbucket: (repo, pr) => `https://bitbucket.org/${repo}/pull-requests/${pr}`,
};

/** A PR link for the hosted providers we can name; self-hosted ones have no knowable host. */
function pullRequestUrl(vcs: BugseeBuildInfo['vcs']): string | undefined {
  if (!vcs?.repo || vcs.prNumber === undefined || !vcs.provider) return undefined;
  if (!/^[\w.-]+(\/[\w.-]+)+$/.test(vcs.repo)) return undefined;
  return PR_URL[vcs.provider.toLowerCase()]?.(vcs.repo, vcs.prNumber);
}

function titleFor(phase: Phase, current: BugseeBuildInfo, status: string | undefined, appName: string): string {
  const name = [current.version ?? current.uuid, current.build ? `(${current.build})` : undefined].filter(Boolean).join(' ');
  const what: Record<Phase, string> = {
    registered: 'registered',
    ready: 'size analysis ready',
    failed: 'size analysis failed',
    other: `size analysis ${status ?? 'pending'}`,
    deleted: 'deleted',
  };
  return `Build ${name} ${what[phase]} (${appName})`;
}

/** What both build payload shapes carry, once `build.current` / `build` is told apart. */
export interface BuildInput {
  app: BugseePayloads['bugsee.build.created']['app'];
  current: BuildInfo;
  previous?: BuildInfo | null;
  deletedBy?: Person | null;
}

export function normalizeBuild<T extends BugseeBuildEventType>(
  type: T,
  envelope: BugseeEnvelope,
  meta: NormalizeMeta,
  input: BuildInput,
): BugseeDraft<T, 'bugsee.build'> {
  const { app, current: raw } = input;
  const isDeleted = type === 'bugsee.build.deleted';
  const current = buildInfoOf(raw);
  const status = opt(raw.size_analysis_status);
  const phase = phaseOf(type, status);
  const appName = opt(app.name) ?? app.key;

  const state: Partial<BugseeBuildState> = compact({
    ...appFields(app),
    current,
    sizeAnalysisStatus: status,
    sizeDiff: sizeDiffOf(raw),
    previous: input.previous ? buildInfoOf(input.previous) : undefined,
    deleted: isDeleted ? true : undefined,
  });

  return buildEvent(type, meta, {
    time: eventTime(envelope.created_on, meta),
    subjectId: `${app.key}:${raw.uuid}`,
    threadKey: bugseeThreadKeys.build(app.key, raw.uuid),
    routing: { appKey: app.key },
    // Builds are registered by CI, not a person; a deletion may name who did it.
    actor: isDeleted ? actorOf(input.deletedBy) : null,
    title: titleFor(phase, current, status, appName),
    // A deleted build's page is gone; only the app link still leads somewhere.
    links: isDeleted
      ? links([appName, app.url])
      : links(['Open build', current.url], ['Pull request', pullRequestUrl(current.vcs)], [appName, app.url]),
    filters: { branch: current.vcs?.branch, sizeDeltaPct: opt(raw.size_diff_summary?.download_size_pct) },
    state,
    detail: { phase },
  });
}
