/**
 * A Bugsee build: registered first, then (optionally) its size analysis. Both fill the same
 * card; the size history of the same app and package draws a sparkline.
 */
import type { BugseeBuildInfo, BugseeBuildState } from '../../src/sources/bugsee/subjects.js';
import { actions, bold, clip, code, context, fallbackLine, fields, firstText, formatBytes, header, joinMd, link } from '../blocks.js';
import { linkButton, md, Md, message, pctChange, section, shortSha, signedBytes, signedPct, slackDate, sparkline } from '../blocks.js';
import { strike } from '../blocks.js';
import { actorName, byWhom } from '../common.js';
import { trendBadge } from '../style.js';
import type { RenderInput, SlackMessage, Template } from '../types.js';

type Input = RenderInput<'bugsee.build'>;

function versionText(b: Partial<BugseeBuildInfo> | undefined): string {
  if (!b) return '';
  return [firstText(b.version), firstText(b.build) ? `(${b.build})` : undefined].filter(Boolean).join(' ');
}

function buildTitle(input: Input): string {
  const s = input.state;
  const name = firstText(s.appName, s.current?.packageId, s.appKey, input.event.routing.appKey) ?? 'Build';
  const version = versionText(s.current);
  return version ? `${name} ${version}` : name;
}

interface Diff {
  downloadDelta?: number;
  downloadPct?: number;
  installDelta?: number;
  installPct?: number;
}

/** Bugsee's own diff when it sent one, else computed from the previous build. */
export function buildDiff(s: Partial<BugseeBuildState>): Diff {
  const d = s.sizeDiff;
  const cur = s.current;
  const prev = s.previous;
  const delta = (a?: number, b?: number) => (typeof a === 'number' && typeof b === 'number' ? b - a : undefined);
  return {
    downloadDelta: d?.downloadSizeDelta ?? delta(prev?.downloadSize, cur?.downloadSize),
    downloadPct: d?.downloadSizePct ?? pctChange(prev?.downloadSize, cur?.downloadSize),
    installDelta: d?.installSizeDelta ?? delta(prev?.installSize, cur?.installSize),
    installPct: d?.installSizePct ?? pctChange(prev?.installSize, cur?.installSize),
  };
}

function sizeValue(size: number | undefined, delta: number | undefined, pct: number | undefined): Md | null {
  if (typeof size !== 'number') return null;
  const change =
    delta !== undefined || pct !== undefined
      ? md`\n${joinMd([delta !== undefined ? signedBytes(delta) : null, pct !== undefined ? `(${signedPct(pct)})` : null], ' ')}`
      : '';
  return md`${formatBytes(size)}${change}`;
}

/** The trend, ending with this build's size if the history does not have it yet. */
function trendSeries(input: Input): number[] {
  const series = [...(input.extras.sizeTrend ?? [])];
  const current = input.state.current?.downloadSize;
  if (typeof current === 'number' && series[series.length - 1] !== current) series.push(current);
  return series.slice(-10);
}

function sizePart(input: Input): { section: Md; fields: [string, Md | null][] } {
  const s = input.state;
  const status = (s.sizeAnalysisStatus ?? '').toLowerCase();
  if (status === 'failed') return { section: md`❌ ${bold('Size analysis failed')}`, fields: [] };
  if (status === 'unavailable' || status === '') return { section: md`ℹ️ Build info only, no size analysis`, fields: [] };
  if (status !== 'ready') return { section: md`⏳ Size analysis ${status}…`, fields: [] };

  const diff = buildDiff(s);
  const threshold = input.extras.regressionThresholdPct;
  const trend = trendBadge(s.sizeDiff?.trend);
  const series = trendSeries(input);
  const lines: Md[] = [];
  if (diff.downloadPct !== undefined && diff.downloadPct >= threshold) {
    lines.push(md`⚠️ ${bold(`Download size grew ${signedPct(diff.downloadPct)}`)} (threshold ${threshold}%)`);
  }
  if (series.length >= 2) {
    lines.push(
      md`Download size, last ${series.length} builds: ${code(sparkline(series))} ${formatBytes(series[0])} → ${formatBytes(series[series.length - 1])}`,
    );
  }
  const variants = s.sizeDiff?.regressedVariantsCount;
  return {
    section: joinMd(lines, '\n'),
    fields: [
      ['Download', sizeValue(s.current?.downloadSize, diff.downloadDelta, diff.downloadPct)],
      ['Install', sizeValue(s.current?.installSize, diff.installDelta, diff.installPct)],
      [
        'Trend',
        trend
          ? md`${trend.emoji} ${trend.label}${typeof variants === 'number' && variants > 0 ? md` · ${variants} variants regressed` : ''}`
          : null,
      ],
      ['Compared with', s.previous ? link(s.previous.url, versionText(s.previous) || shortSha(s.previous.uuid) || 'previous build') : null],
    ],
  };
}

function vcsLine(b: Partial<BugseeBuildInfo> | undefined): Md {
  const v = b?.vcs;
  if (!v) return Md.of('');
  const github = (v.provider ?? '').toLowerCase() === 'github' && /^[\w.-]+\/[\w.-]+$/.test(v.repo ?? '');
  const pr =
    typeof v.prNumber === 'number'
      ? github
        ? link(`https://github.com/${v.repo}/pull/${v.prNumber}`, `PR #${v.prNumber}`)
        : md`PR #${v.prNumber}`
      : null;
  return joinMd([
    v.branch ? md`🌿 ${code(v.branch, 100)}` : null,
    v.commitSha ? code(shortSha(v.commitSha)) : null,
    pr,
    v.repo ? clip(v.repo, 100) : null,
  ]);
}

function card(input: Input): SlackMessage {
  const s = input.state;
  const cur = s.current;
  const title = buildTitle(input);
  const facts = joinMd([
    cur?.packageId ? code(cur.packageId, 150) : null,
    cur?.configuration ? clip(cur.configuration, 60) : null,
    cur?.format ? clip(cur.format.toUpperCase(), 20) : null,
  ]);
  const size = s.deleted ? { section: Md.of(''), fields: [] } : sizePart(input);
  const diff = buildDiff(s);
  const status = (s.sizeAnalysisStatus ?? '').toLowerCase();
  let summary: Md;
  if (s.deleted) summary = md`deleted`;
  else if (status === 'ready' && typeof cur?.downloadSize === 'number')
    summary = md`download ${formatBytes(cur.downloadSize)}${diff.downloadPct !== undefined ? md` (${signedPct(diff.downloadPct)})` : ''}`;
  else if (status === 'failed') summary = md`size analysis failed`;
  else if (status === '' || status === 'unavailable' || status === 'ready') summary = md`registered`;
  else summary = md`size analysis ${clip(status, 40)}`;
  return message(md`🏗️ ${clip(title, 200)}: ${summary}`, [
    header(`${s.deleted ? '🗑️' : '🏗️'} ${title}${s.deleted ? ' (deleted)' : ''}`),
    section(
      s.deleted ? joinMd([md`🗑️ ${bold('Deleted')}`, facts.value ? strike(facts) : null], '\n') : joinMd([facts, vcsLine(cur)], '\n'),
    ),
    section(size.section),
    fields(size.fields),
    actions([s.deleted ? null : linkButton('Open in Bugsee', cur?.url, 'bugsee.build.open')]),
    context([
      md`Bugsee build${firstText(s.appName, s.appKey) ? md` · ${firstText(s.appName, s.appKey)}` : ''}${cur?.uuid ? md` · ${code(cur.uuid, 60)}` : ''}`,
      cur?.createdOn ? md`registered ${slackDate(cur.createdOn)}` : null,
    ]),
  ]);
}

function reply(input: Input): SlackMessage | null {
  const { event } = input;
  const s = input.state;
  const diff = buildDiff(event.state);
  let line: Md;
  switch (event.detail.phase) {
    case 'registered':
      line = joinMd([md`📝 Build registered`, vcsLine(event.state.current ?? s.current)]);
      break;
    case 'ready': {
      const dl = event.state.current?.downloadSize ?? s.current?.downloadSize;
      const grew = diff.downloadPct !== undefined && diff.downloadPct >= input.extras.regressionThresholdPct;
      line = joinMd([
        md`📏 Size analysis ready`,
        typeof dl === 'number'
          ? md`download ${bold(formatBytes(dl))}${diff.downloadPct !== undefined ? md` (${signedPct(diff.downloadPct)})` : ''}`
          : null,
        grew ? md`⚠️ over the ${input.extras.regressionThresholdPct}% threshold` : null,
      ]);
      break;
    }
    case 'failed':
      line = md`❌ Size analysis failed`;
      break;
    case 'deleted':
      line = md`🗑️ Build deleted${byWhom(actorName(event))}`;
      break;
    default:
      line = md`ℹ️ Size analysis ${firstText(event.state.sizeAnalysisStatus, s.sizeAnalysisStatus) ?? 'updated'}`;
  }
  return message(md`${fallbackLine(line)} — ${clip(buildTitle(input), 200)}`, [section(line)]);
}

export const buildTemplate: Template<'bugsee.build'> = { card, reply };
