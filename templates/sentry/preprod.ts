/**
 * Sentry preprod artifacts (size analysis and build distribution). A PR's builds share one
 * thread, so the card shows the latest size analysis and the latest distribution side by side.
 */
import type { PreprodState, SizeComponent } from '../../src/sources/sentry/subjects.js';
import { actions, bold, clip, code, codeBlock, context, esc, fallbackLine, firstText, formatBytes, header } from '../blocks.js';
import { humanize, isBlank, joinMd, linkButton, md, Md, message, pctChange, section, shortSha, signedBytes, signedPct } from '../blocks.js';
import { sparkline } from '../blocks.js';
import type { RenderInput, SlackMessage, Template } from '../types.js';

import { threadLinkReply } from './thread-link.js';

type Input = RenderInput<'sentry.preprod'>;
type Size = NonNullable<PreprodState['size']>;

const COMPONENT_LABEL: Record<string, string> = {
  MAIN_ARTIFACT: 'Main app',
  WATCH_ARTIFACT: 'Watch app',
  APP_CLIP_ARTIFACT: 'App Clip',
};

function componentLabel(c: SizeComponent): string {
  return COMPONENT_LABEL[c.type] ?? (humanize((c.type ?? '').replace(/_ARTIFACT$/, '')) || 'Component');
}

function appTitle(s: Partial<PreprodState>, fallback: string): string {
  const app = s.app ?? {};
  const name = firstText(app.name, app.appId) ?? fallback;
  const version = firstText(app.version);
  const build = app.buildNumber !== null && app.buildNumber !== undefined ? String(app.buildNumber) : undefined;
  return [name, version, build ? `(${build})` : undefined].filter(Boolean).join(' ');
}

interface Growth {
  label: string;
  metric: 'download' | 'install';
  pct: number;
}

/** Components whose download or install size grew by at least the threshold. */
export function regressions(size: Size | undefined, thresholdPct: number): Growth[] {
  const out: Growth[] = [];
  for (const c of size?.components ?? []) {
    const dl = pctChange(c.baseDownloadSize, c.headDownloadSize);
    const inst = pctChange(c.baseInstallSize, c.headInstallSize);
    if (dl !== undefined && dl >= thresholdPct) out.push({ label: componentLabel(c), metric: 'download', pct: dl });
    if (inst !== undefined && inst >= thresholdPct) out.push({ label: componentLabel(c), metric: 'install', pct: inst });
  }
  return out;
}

const COL = [12, 10, 10, 10];

function row(cells: string[]): string {
  return cells
    .map((c, i) => (i < COL.length ? c.padEnd(COL[i]) : c))
    .join(' ')
    .trimEnd();
}

function metricRow(label: string, base?: number, head?: number): string {
  const hasBase = typeof base === 'number';
  const delta = hasBase && typeof head === 'number' ? signedBytes(head - base) : '';
  const pct = hasBase ? signedPct(pctChange(base, head)) : '';
  return row([`  ${label}`, hasBase ? formatBytes(base) : '—', formatBytes(head), delta, pct === '—' ? '' : pct]);
}

/** One fixed-width table: a heading line per component, then download and install rows. */
function sizeTable(components: SizeComponent[]): Md {
  const ok = components.filter((c) => c.headDownloadSize !== undefined || c.headInstallSize !== undefined);
  if (ok.length === 0) return Md.of('');
  const lines: Md[] = [esc(row(['Component', 'Base', 'Head', 'Change']))];
  for (const c of ok.slice(0, 8)) {
    lines.push(esc(c.identifier ? `${componentLabel(c)} · ${c.identifier.slice(0, 60)}` : componentLabel(c)));
    lines.push(esc(metricRow('Download', c.baseDownloadSize, c.headDownloadSize)));
    lines.push(esc(metricRow('Install', c.baseInstallSize, c.headInstallSize)));
  }
  return codeBlock(lines);
}

function componentFailures(components: SizeComponent[]): Md {
  const failed = components.filter((c) => (c.state ?? '').toUpperCase() === 'FAILED' || !isBlank(c.errorCode));
  const lines = failed
    .slice(0, 8)
    .map((c) =>
      joinMd(
        [
          md`⚠️ ${bold(componentLabel(c))}: comparison failed`,
          c.errorCode ? code(c.errorCode, 60) : null,
          c.errorMessage ? clip(c.errorMessage, 300) : null,
        ],
        ' ',
      ),
    );
  return joinMd(lines, '\n');
}

function sizeSection(s: Partial<PreprodState>, input: Input): Md {
  const size = s.size;
  if (!size) return Md.of('');
  const heading = md`📏 ${bold('Size analysis')} · build ${code(size.buildId, 40)}${size.baseBuildId ? md` vs ${code(size.baseBuildId, 40)}` : ''}`;
  if ((size.state ?? '').toUpperCase() === 'FAILED') {
    return joinMd(
      [
        heading,
        joinMd(
          [
            md`❌ ${bold('Failed')}`,
            size.errorCode ? code(size.errorCode, 60) : null,
            size.errorMessage ? clip(size.errorMessage, 800) : null,
          ],
          ' ',
        ),
      ],
      '\n',
    );
  }
  const totals = joinMd([
    typeof size.downloadSize === 'number' ? md`Download ${bold(formatBytes(size.downloadSize))}` : null,
    typeof size.installSize === 'number' ? md`Install ${bold(formatBytes(size.installSize))}` : null,
  ]);
  const trend = input.extras.sizeTrend && input.extras.sizeTrend.length >= 2 ? md`Trend ${code(sparkline(input.extras.sizeTrend))}` : null;
  return joinMd([heading, joinMd([totals, trend]), sizeTable(size.components ?? [])], '\n');
}

function distributionSection(s: Partial<PreprodState>): Md {
  const d = s.distribution;
  if (!d) return Md.of('');
  const heading = md`📲 ${bold('Build distribution')} · build ${code(d.buildId, 40)}`;
  if ((d.state ?? '').toUpperCase() === 'FAILED') {
    return joinMd(
      [
        heading,
        joinMd(
          [md`❌ ${bold('Failed')}`, d.errorCode ? code(d.errorCode, 60) : null, d.errorMessage ? clip(d.errorMessage, 800) : null],
          ' ',
        ),
      ],
      '\n',
    );
  }
  const signature = d.isCodeSignatureValid === true ? md`✅ valid` : d.isCodeSignatureValid === false ? md`❌ invalid` : null;
  const facts = joinMd([
    d.isInstallable ? md`✅ Installable` : md`🚫 Not installable`,
    d.buildConfiguration ? md`config ${code(d.buildConfiguration, 60)}` : null,
    signature ? md`signature ${signature}` : null,
    d.profileName ? md`profile ${clip(d.profileName, 100)}` : null,
    d.codesigningType ? md`signing ${clip(d.codesigningType, 60)}` : null,
  ]);
  return joinMd([heading, facts], '\n');
}

function gitLine(s: Partial<PreprodState>): Md {
  const g = s.git;
  if (!g) return Md.of('');
  const pr =
    g.prNumber !== null && g.prNumber !== undefined
      ? md`PR #${g.prNumber}${g.headRepoName ? md` ${bold(g.headRepoName)}` : ''}`
      : g.headRepoName
        ? bold(g.headRepoName)
        : null;
  const refs = g.headRef ? md`${code(g.headRef, 80)}${g.baseRef ? md` → ${code(g.baseRef, 80)}` : ''}` : null;
  return joinMd([pr, refs, g.headSha ? code(shortSha(g.headSha)) : null]);
}

/** A GitHub PR link built from the repo name; only the shape is trusted, nothing is fetched. */
function prUrl(s: Partial<PreprodState>): string | undefined {
  const g = s.git;
  if (!g || (g.provider ?? '').toLowerCase() !== 'github' || !g.headRepoName || g.prNumber === null || g.prNumber === undefined)
    return undefined;
  if (!/^[\w.-]+\/[\w.-]+$/.test(g.headRepoName)) return undefined;
  const repo = firstText(g.baseRepoName, g.headRepoName)!;
  return /^[\w.-]+\/[\w.-]+$/.test(repo) ? `https://github.com/${repo}/pull/${g.prNumber}` : undefined;
}

function summary(s: Partial<PreprodState>, threshold: number): Md {
  const size = s.size;
  const dist = s.distribution;
  const parts: Md[] = [];
  if (size) {
    if ((size.state ?? '').toUpperCase() === 'FAILED') parts.push(md`size analysis failed`);
    else if (typeof size.downloadSize === 'number') parts.push(md`download ${formatBytes(size.downloadSize)}`);
    if (regressions(size, threshold).length) parts.push(md`⚠️ size regression`);
  }
  if (dist)
    parts.push(
      (dist.state ?? '').toUpperCase() === 'FAILED'
        ? md`distribution failed`
        : dist.isInstallable
          ? md`ready to install`
          : md`not installable`,
    );
  return joinMd(parts, ', ');
}

function card(input: Input): SlackMessage {
  const s = input.state;
  const threshold = input.extras.regressionThresholdPct;
  const title = appTitle(s, input.event.title || 'Build');
  const growth = regressions(s.size, threshold);
  const warning = growth.length
    ? md`⚠️ ${bold('Size regression')}: ${joinMd(
        growth.slice(0, 6).map((g) => md`${g.label} ${g.metric} ${bold(signedPct(g.pct))}`),
        ', ',
      )} (threshold ${threshold}%)`
    : Md.of('');
  const appLine = joinMd([
    s.app?.appId ? code(s.app.appId, 120) : null,
    s.platform ? humanize(s.platform) : null,
    s.app?.artifactType ? s.app.artifactType : null,
  ]);
  const project = firstText(s.project, input.event.routing.project);
  return message(md`📦 ${project ? md`[${project}] ` : ''}${clip(title, 200)}: ${summary(s, threshold)}`, [
    header(`📦 ${title}`),
    section(warning),
    section(joinMd([gitLine(s), appLine], '\n')),
    section(sizeSection(s, input)),
    section(componentFailures(s.size?.components ?? [])),
    section(distributionSection(s)),
    actions([
      s.distribution?.isInstallable ? linkButton('📲 Install', s.distribution.installUrl, 'sentry.preprod.install', 'primary') : null,
      linkButton('View PR', prUrl(s), 'sentry.preprod.pr'),
    ]),
    context([
      md`Sentry build analysis${s.org ? md` · ${s.org}` : ''}${project ? md` / ${project}` : ''}`,
      s.size?.analysisDuration ? md`analysed in ${Math.round(s.size.analysisDuration)}s` : null,
    ]),
  ]);
}

/** "❌ <what> failed for build <id>", with the error's code and message when Sentry gave them. */
function failedLine(what: string, buildId: string, failure: { errorCode?: string | null; errorMessage?: string | null } | undefined): Md {
  const parts = [md`❌ ${what} failed for build ${code(buildId, 40)}`, failure?.errorCode ? code(failure.errorCode, 60) : null];
  return joinMd([...parts, failure?.errorMessage ? clip(failure.errorMessage, 500) : null], ' ');
}

function reply(input: Input): SlackMessage | null {
  const { event } = input;
  const d = event.detail;
  if (d.link) return threadLinkReply(md`🤖 Seer opened this pull request`, d.link, "the run's thread", input.extras);
  const failed = (d.state ?? '').toUpperCase() === 'FAILED';
  const st = event.state;
  let line: Md;
  if (d.phase === 'size_analysis') {
    const size = st.size;
    const growth = regressions(size, input.extras.regressionThresholdPct);
    line = failed
      ? failedLine('Size analysis', d.buildId, size)
      : joinMd([
          md`📏 Size analysis done for build ${code(d.buildId, 40)}`,
          typeof size?.downloadSize === 'number' ? md`download ${bold(formatBytes(size.downloadSize))}` : null,
          growth.length ? md`⚠️ ${growth[0].label} ${growth[0].metric} ${signedPct(growth[0].pct)}` : null,
        ]);
  } else {
    const dist = st.distribution;
    line = failed
      ? failedLine('Build distribution', d.buildId, dist)
      : dist?.isInstallable
        ? md`📲 Build ${code(d.buildId, 40)} is ready to install`
        : md`📲 Build ${code(d.buildId, 40)} processed (not installable)`;
  }
  const title = appTitle(input.state, event.title || 'Build');
  return message(md`${fallbackLine(line)} — ${clip(title, 200)}`, [section(line)]);
}

export const preprodTemplate: Template<'sentry.preprod'> = { card, reply };
