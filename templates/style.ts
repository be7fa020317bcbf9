/** Emoji per state and level (Block Kit has no colour bar, so the emoji carry the colour). See STYLEGUIDE.md. */
import { humanize, isBlank } from './blocks.js';

export interface Badge {
  emoji: string;
  label: string;
}

export const LEVEL_EMOJI: Record<string, string> = {
  fatal: '💥',
  error: '🔴',
  warning: '🟠',
  info: '🔵',
  debug: '⚪',
};

export function levelEmoji(level: string | null | undefined): string {
  return LEVEL_EMOJI[(level ?? '').toLowerCase()] ?? '⚪';
}

/** Sentry issue status, refined by its substatus. */
export function sentryStatus(status: string | null | undefined, substatus?: string | null): Badge {
  const s = (status ?? '').toLowerCase();
  const sub = (substatus ?? '').toLowerCase();
  if (s === 'resolved') return { emoji: '✅', label: 'Resolved' };
  if (s === 'ignored' || s === 'archived') return { emoji: '🔕', label: 'Archived' };
  if (s === 'unresolved') {
    if (sub === 'regressed') return { emoji: '🔁', label: 'Regressed' };
    if (sub === 'escalating') return { emoji: '📈', label: 'Escalating' };
    if (sub === 'new') return { emoji: '🆕', label: 'New' };
    return { emoji: '🔥', label: 'Unresolved' };
  }
  return { emoji: '❔', label: isBlank(status) ? 'Unknown' : humanize(status) };
}

export function metricAlertStatus(status: string | null | undefined): Badge {
  switch ((status ?? '').toLowerCase()) {
    case 'critical':
      return { emoji: '🔴', label: 'Critical' };
    case 'warning':
      return { emoji: '🟠', label: 'Warning' };
    case 'resolved':
      return { emoji: '✅', label: 'Resolved' };
    default:
      return { emoji: '❔', label: isBlank(status) ? 'Unknown' : humanize(status) };
  }
}

export const BUGSEE_TYPE_EMOJI: Record<string, string> = { bug: '🐞', crash: '💥', error: '❗' };

export const SEVERITY_EMOJI: Record<string, string> = {
  blocker: '⛔',
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  unknown: '⚪',
};

export function severityEmoji(severity: string | null | undefined): string {
  return SEVERITY_EMOJI[(severity ?? '').toLowerCase()] ?? '⚪';
}

export function bugseeIssueStatus(state: { state?: string; regressed?: boolean; deleted?: boolean }): Badge {
  if (state.deleted) return { emoji: '🗑️', label: 'Deleted' };
  const s = (state.state ?? '').toLowerCase();
  if (s === 'closed') return { emoji: '✅', label: 'Closed' };
  if (state.regressed) return { emoji: '🔁', label: 'Regressed' };
  if (s === 'open') return { emoji: '🔥', label: 'Open' };
  return { emoji: '❔', label: isBlank(state.state) ? 'Unknown' : humanize(state.state) };
}

export function trendBadge(trend: string | null | undefined): Badge | undefined {
  switch ((trend ?? '').toLowerCase()) {
    case 'regression':
      return { emoji: '📈', label: 'regression' };
    case 'improvement':
      return { emoji: '📉', label: 'improvement' };
    case 'unchanged':
      return { emoji: '➖', label: 'unchanged' };
    default:
      return isBlank(trend) ? undefined : { emoji: '❔', label: trend.toLowerCase() };
  }
}
