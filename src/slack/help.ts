/** The `/threadline help` text: every verb, kind and filter, from the same tables the parser uses. */

import { BUGSEE_KINDS, SENTRY_KINDS } from '../events.js';
import { FILTER_NAMES, FILTER_SPECS, filterKinds, type FilterSpec } from './filter-specs.js';

function filterLine(name: (typeof FILTER_NAMES)[number]): string {
  const spec: FilterSpec = FILTER_SPECS[name];
  const where = (['sentry', 'bugsee'] as const)
    .filter((s) => spec.appliesTo[s])
    .map((s) => `${s === 'sentry' ? 'Sentry' : 'Bugsee'} ${filterKinds(name, s).join('/')}`)
    .join(', ');
  return `• \`${spec.example}\` (${where}): ${spec.help}`;
}

export function helpText(): string {
  return [
    '*Threadline* posts Sentry and Bugsee events to this channel, one thread per issue, alert or build.',
    '',
    '*Commands*',
    '• `/threadline subscribe sentry <org>/<project> [kinds…] [--filter=value…]`: use `<org>/*` for every project of the org.',
    '• `/threadline subscribe bugsee <app-key> [kinds…] [--filter=value…]`: the app key as Bugsee shows it, e.g. `IOS`; `*` for every app (user events carry no app, so they need `*`).',
    '• `/threadline unsubscribe sentry <org>/<project>` · `/threadline unsubscribe bugsee <app-key>`',
    '• `/threadline list [page]`: this channel’s subscriptions, 20 to a page.',
    '• `/threadline help`: this text.',
    'Subscribing again to the same project or app replaces its kinds and filters (and re-enables it).',
    '',
    '*Kinds* (default: all)',
    `• Sentry: ${SENTRY_KINDS.map((k) => `\`${k}\``).join(' ')}`,
    `• Bugsee: ${BUGSEE_KINDS.map((k) => `\`${k}\``).join(' ')}`,
    '',
    '*Filters* go after the kinds. A filter only affects the kinds it names; other kinds always post.',
    ...FILTER_NAMES.map(filterLine),
    '',
    '*Example*: `/threadline subscribe sentry acme/web issue error --level=error --env=production`',
    '',
    'Public channels work right away. In a private channel, invite the bot first: `/invite @Threadline`.',
  ].join('\n');
}
