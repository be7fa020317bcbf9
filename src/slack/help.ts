/** The `/threadline help` text: every verb, kind and filter, from the same tables the parser uses. */

import { SOURCES, sourceNamed, type SourceDefinition } from '../sources/index.js';
import { FILTER_NAMES, FILTER_SPECS, filterKinds, filterSources, type FilterSpec } from './filter-specs.js';
import { SETTING_NAMES, SETTING_SPECS } from './settings.js';

function filterLine(sources: readonly SourceDefinition[], name: (typeof FILTER_NAMES)[number]): string {
  const spec: FilterSpec = FILTER_SPECS[name];
  const where = filterSources(name)
    .map((s) => `${sourceNamed(sources, s)?.label ?? s} ${filterKinds(name, s).join('/')}`)
    .join(', ');
  return `• \`${spec.example}\` (${where}): ${spec.help}`;
}

/** Only sources with a connection hook can be connected (multi-workspace installs). */
function connectLines(sources: readonly SourceDefinition[]): string[] {
  const names = sources.filter((s) => s.connection).map((s) => s.name);
  if (names.length === 0) return [];
  return [
    `• \`/threadline connect ${names.join('|')}\` · \`/threadline disconnect ${names.join('|')}\`: when Threadline serves several workspaces, connect this one to a Sentry org (a link to install in Sentry) or get its own Bugsee webhook URL (\`--rotate\` for a new one).`,
  ];
}

export function helpText(sources: readonly SourceDefinition[] = SOURCES): string {
  const labels = sources.map((s) => s.label);
  const listed = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}` : (labels[0] ?? '');
  return [
    `*Threadline* posts ${listed} events to this channel, one thread per issue, alert or build.`,
    '',
    '*Commands*',
    ...sources.flatMap((s) => s.subscription.help),
    `• ${sources.map((s) => `\`/threadline unsubscribe ${s.name} ${s.subscription.placeholder}\``).join(' · ')}`,
    '• `/threadline list [page]`: this channel’s subscriptions, 20 to a page, and its settings.',
    '• `/threadline settings [--name=value…]`: how this channel receives threads (no value: show them).',
    ...SETTING_NAMES.map((n) => `  ◦ ${SETTING_SPECS[n].help}`),
    ...connectLines(sources),
    '• `/threadline help`: this text.',
    'Subscribing again to the same project or app replaces its kinds and filters (and re-enables it).',
    '',
    '*Kinds* (default: all)',
    ...sources.map((s) => `• ${s.label}: ${s.kinds.map((k) => `\`${k}\``).join(' ')}`),
    '',
    '*Filters* go after the kinds. A filter only affects the kinds it names; other kinds always post.',
    ...FILTER_NAMES.map((n) => filterLine(sources, n)),
    '',
    '*Example*: `/threadline subscribe sentry acme/web issue error --level=error --env=production`',
    '',
    'Public channels work right away. In a private channel, invite the bot first: `/invite @Threadline`.',
  ].join('\n');
}
