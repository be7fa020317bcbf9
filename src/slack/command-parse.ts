/**
 * `/threadline` text → a command, or an error that names the word at fault. Pure: no I/O, so the
 * whole grammar is unit-tested. Filter rules live in `filter-specs.ts`.
 */

import { SOURCES, sourceNamed, type SourceDefinition } from '../sources/index.js';
import { FILTER_NAMES, FILTER_SPECS, filterKinds, filterSources, isFilterName } from './filter-specs.js';
import { parseSettingsArgs, SETTING_NAMES, type ChannelSettings } from './settings.js';

export type Command =
  | { verb: 'subscribe'; source: string; target: string; kinds: string[]; filters: Record<string, string> }
  | { verb: 'unsubscribe'; source: string; target: string }
  | { verb: 'list'; page?: number }
  /** An empty `patch` shows the channel's settings. */
  | { verb: 'settings'; patch: ChannelSettings }
  | { verb: 'help' };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

/** The usage lines for `sources`: how to subscribe to each, its kinds, and the filters. */
export function usageFor(sources: readonly SourceDefinition[]): string {
  return [
    ...sources.map((s) => `\`/threadline subscribe ${s.name} ${s.subscription.placeholder}\` \`[kinds…] [--filter=value…]\``),
    sources.map((s) => `\`/threadline unsubscribe ${s.name} ${s.subscription.placeholder}\``).join(' · '),
    `\`/threadline list [page]\` · \`/threadline settings [${SETTING_NAMES.map((n) => `--${n}=…`).join(' ')}]\` · \`/threadline help\``,
    sources.map((s) => `${s.label} kinds: ${s.kinds.join(' ')}`).join(' · '),
    `Filters: ${FILTER_NAMES.map((n) => `--${n}`).join(' ')} (see \`/threadline help\`)`,
  ].join('\n');
}

export const USAGE = usageFor(SOURCES);

class ParseError extends Error {}
const fail = (message: string): never => {
  throw new ParseError(message);
};

/** Phones turn `--` into an em or en dash, and quotes into curly ones; read them as typed. */
function normalizeToken(t: string): string {
  return t.replace(/^[\u2014\u2013]-?/, '--').replace(/^(--[^=]+=)["“”'‘’](.*)["“”'‘’]$/, '$1$2');
}

function tokenize(text: string): string[] {
  return text.trim().split(/\s+/u).filter(Boolean).map(normalizeToken);
}

const names = (sources: readonly SourceDefinition[]) => sources.map((d) => d.name).join(' or ');

function parseSource(sources: readonly SourceDefinition[], word: string | undefined, verb: string): SourceDefinition {
  if (word === undefined) return fail(`\`${verb}\` needs a source: ${names(sources)}.`);
  return sourceNamed(sources, word.toLowerCase()) ?? fail(`"${word}" is not a source: use ${names(sources)}.`);
}

function parseTarget(source: SourceDefinition, word: string | undefined, verb: string): string {
  if (word === undefined || word.startsWith('--')) {
    return fail(`\`${verb} ${source.name}\` needs ${source.subscription.noun}: ${source.subscription.placeholder}.`);
  }
  const r = source.subscription.target.safeParse(word);
  if (!r.success) return fail(`"${word}" ${r.error.issues[0]?.message ?? 'is not valid'}.`);
  return r.data;
}

function parseFilter(sources: readonly SourceDefinition[], source: SourceDefinition, token: string, filters: Record<string, string>): void {
  const eq = token.indexOf('=');
  const name = (eq < 0 ? token.slice(2) : token.slice(2, eq)).toLowerCase();
  const raw = eq < 0 ? '' : token.slice(eq + 1);
  if (!isFilterName(name)) {
    return fail(`Unknown filter "--${name}". Filters: ${FILTER_NAMES.map((n) => `--${n}`).join(', ')}.`);
  }
  const spec = FILTER_SPECS[name];
  if (!filterSources(name).includes(source.name)) {
    const other = filterSources(name)
      .map((s) => sourceNamed(sources, s)?.label ?? s)
      .join(' and ');
    return fail(`"--${name}" is a ${other} filter; it does not apply to ${source.label} subscriptions.`);
  }
  if (raw.trim() === '') return fail(`"--${name}" needs a value, e.g. ${spec.example}.`);
  if (Object.hasOwn(filters, name)) return fail(`"--${name}" is given twice.`);
  const r = spec.value.safeParse(raw);
  if (!r.success) return fail(`"${token}": ${name} ${r.error.issues[0]?.message ?? 'is not valid'}.`);
  filters[name] = r.data;
}

function parseKind(sources: readonly SourceDefinition[], source: SourceDefinition, word: string): string {
  const k = word.toLowerCase();
  if (source.kinds.includes(k)) return k;
  const other = sources.find((s) => s !== source && s.kinds.includes(k));
  const hint = other ? ` (it is a ${other.label} kind)` : '';
  return fail(`"${word}" is not a ${source.label} kind${hint}. ${source.label} kinds: ${source.kinds.join(', ')}.`);
}

function parseSubscribe(sources: readonly SourceDefinition[], source: SourceDefinition, target: string, rest: string[]): Command {
  const kinds = new Set<string>();
  const filters: Record<string, string> = {};
  for (const token of rest) {
    if (token.startsWith('--')) parseFilter(sources, source, token, filters);
    else kinds.add(parseKind(sources, source, token));
  }
  if (kinds.size > 0) {
    for (const name of Object.keys(filters)) {
      const applies = filterKinds(name as keyof typeof FILTER_SPECS, source.name);
      if (![...kinds].some((k) => applies.includes(k))) {
        fail(`"--${name}" only filters ${applies.join(', ')}, and this subscription is for ${[...kinds].join(', ')}.`);
      }
    }
  }
  const ordered = source.kinds.filter((k) => kinds.has(k));
  return { verb: 'subscribe', source: source.name, target, kinds: ordered, filters };
}

export function parseCommand(text: string, sources: readonly SourceDefinition[] = SOURCES): ParseResult {
  try {
    return { ok: true, command: parseTokens(sources, tokenize(text)) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err.message, usage: sources === SOURCES ? USAGE : usageFor(sources) };
    throw err;
  }
}

function parseTokens(sources: readonly SourceDefinition[], tokens: string[]): Command {
  const [first, ...args] = tokens;
  const verb = first?.toLowerCase();
  switch (verb) {
    case undefined:
    case 'help':
      return { verb: 'help' };
    case 'list':
      if (args.length === 1 && /^[1-9]\d{0,3}$/.test(args[0])) return { verb: 'list', page: Number(args[0]) };
      if (args.length > 0) fail(`\`list\` takes only a page number after it, but got "${args[0]}".`);
      return { verb: 'list' };
    case 'subscribe': {
      const source = parseSource(sources, args[0], verb);
      const target = parseTarget(source, args[1], verb);
      return parseSubscribe(sources, source, target, args.slice(2));
    }
    case 'unsubscribe': {
      const source = parseSource(sources, args[0], verb);
      const target = parseTarget(source, args[1], verb);
      if (args.length > 2) fail(`\`unsubscribe\` takes no kinds or filters, but got "${args[2]}".`);
      return { verb: 'unsubscribe', source: source.name, target };
    }
    case 'settings':
      return { verb: 'settings', patch: parseSettingsArgs(args, fail) };
    default:
      return fail(`Unknown command "${first}". Use subscribe, unsubscribe, list, settings or help.`);
  }
}
