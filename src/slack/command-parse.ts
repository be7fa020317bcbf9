/**
 * `/threadline` text → a command, or an error that names the word at fault. Pure: no I/O, so the
 * whole grammar is unit-tested. Filter rules live in `filter-specs.ts`.
 */

import { z } from 'zod';
import { BUGSEE_KINDS, SENTRY_KINDS, type Source } from '../events.js';
import { FILTER_NAMES, FILTER_SPECS, filterKinds, filterSources, isFilterName } from './filter-specs.js';

export type Command =
  | { verb: 'subscribe'; source: Source; target: string; kinds: string[]; filters: Record<string, string> }
  | { verb: 'unsubscribe'; source: Source; target: string }
  | { verb: 'list'; page?: number }
  | { verb: 'help' };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

export const USAGE = [
  '`/threadline subscribe sentry <org>/<project>` (or `<org>/*`) `[kinds…] [--filter=value…]`',
  '`/threadline subscribe bugsee <app-key>` (or `*` for every app, and user events) `[kinds…] [--filter=value…]`',
  '`/threadline unsubscribe sentry <org>/<project>` · `/threadline unsubscribe bugsee <app-key>`',
  '`/threadline list [page]` · `/threadline help`',
  `Sentry kinds: ${SENTRY_KINDS.join(' ')} · Bugsee kinds: ${BUGSEE_KINDS.join(' ')}`,
  `Filters: ${FILTER_NAMES.map((n) => `--${n}`).join(' ')} (see \`/threadline help\`)`,
].join('\n');

const KINDS: Record<Source, readonly string[]> = { sentry: SENTRY_KINDS, bugsee: BUGSEE_KINDS };
const LABEL: Record<Source, string> = { sentry: 'Sentry', bugsee: 'Bugsee' };

const slug = z
  .string()
  .min(1, 'is empty')
  .max(100, 'is too long')
  .regex(/^[a-z0-9_-]+$/, 'may only contain a-z, 0-9, - and _');

const sentryTarget = z
  .string()
  .transform((v) => v.toLowerCase())
  .superRefine((v, ctx) => {
    const parts = v.split('/');
    if (parts.length !== 2) {
      ctx.addIssue({ code: 'custom', message: 'must be <org>/<project>, e.g. acme/web, or acme/* for every project' });
      return;
    }
    const [org, project] = parts as [string, string];
    if (org === '*') {
      ctx.addIssue({ code: 'custom', message: '`*` can only stand for the project, as in acme/*' });
      return;
    }
    const o = slug.safeParse(org);
    if (!o.success) ctx.addIssue({ code: 'custom', message: `org "${org}" ${o.error.issues[0]?.message}` });
    if (project === '*') return;
    const p = slug.safeParse(project);
    if (!p.success) ctx.addIssue({ code: 'custom', message: `project "${project}" ${p.error.issues[0]?.message}` });
  });

/** Bugsee app keys are shown in upper case (IOS, ANDROID) but matched as given: keep the case. */
const bugseeTarget = z
  .string()
  .max(100, 'is too long')
  .regex(/^(\*|[A-Za-z0-9_-]+)$/, 'must be a Bugsee app key: letters, digits, - and _ (e.g. IOS), or * for every app');

const TARGET: Record<Source, z.ZodType<string, string>> = { sentry: sentryTarget, bugsee: bugseeTarget };
const TARGET_HINT: Record<Source, string> = { sentry: '<org>/<project>', bugsee: '<app-key>' };

class ParseError extends Error {}
const fail = (message: string): never => {
  throw new ParseError(message);
};

/** Phones turn `--` into an em or en dash, and quotes into curly ones; read them as typed. */
function normalizeToken(t: string): string {
  return t.replace(/^[\u2014\u2013]-?/, '--').replace(/^(--[^=]+=)["“”'‘’](.*)["“”'‘’]$/, '$1$2');
}

function tokenize(text: string): string[] {
  return text
    .trim()
    .split(/\s+/u)
    .filter(Boolean)
    .map(normalizeToken);
}

function parseSource(word: string | undefined, verb: string): Source {
  if (word === undefined) return fail(`\`${verb}\` needs a source: sentry or bugsee.`);
  const s = word.toLowerCase();
  if (s === 'sentry' || s === 'bugsee') return s;
  return fail(`"${word}" is not a source: use sentry or bugsee.`);
}

function parseTarget(source: Source, word: string | undefined, verb: string): string {
  if (word === undefined || word.startsWith('--')) {
    return fail(`\`${verb} ${source}\` needs ${source === 'sentry' ? 'a project' : 'an app key'}: ${TARGET_HINT[source]}.`);
  }
  const r = TARGET[source].safeParse(word);
  if (!r.success) return fail(`"${word}" ${r.error.issues[0]?.message ?? 'is not valid'}.`);
  return r.data;
}

function parseFilter(source: Source, token: string, filters: Record<string, string>): void {
  const eq = token.indexOf('=');
  const name = (eq < 0 ? token.slice(2) : token.slice(2, eq)).toLowerCase();
  const raw = eq < 0 ? '' : token.slice(eq + 1);
  if (!isFilterName(name)) {
    return fail(`Unknown filter "--${name}". Filters: ${FILTER_NAMES.map((n) => `--${n}`).join(', ')}.`);
  }
  const spec = FILTER_SPECS[name];
  if (!filterSources(name).includes(source)) {
    const other = filterSources(name).map((s) => LABEL[s]).join(' and ');
    return fail(`"--${name}" is a ${other} filter; it does not apply to ${LABEL[source]} subscriptions.`);
  }
  if (raw.trim() === '') return fail(`"--${name}" needs a value, e.g. ${spec.example}.`);
  if (Object.hasOwn(filters, name)) return fail(`"--${name}" is given twice.`);
  const r = spec.value.safeParse(raw);
  if (!r.success) return fail(`"${token}": ${name} ${r.error.issues[0]?.message ?? 'is not valid'}.`);
  filters[name] = r.data;
}

function parseKind(source: Source, word: string): string {
  const k = word.toLowerCase();
  if (KINDS[source].includes(k)) return k;
  const other: Source = source === 'sentry' ? 'bugsee' : 'sentry';
  const hint = KINDS[other].includes(k) ? ` (it is a ${LABEL[other]} kind)` : '';
  return fail(`"${word}" is not a ${LABEL[source]} kind${hint}. ${LABEL[source]} kinds: ${KINDS[source].join(', ')}.`);
}

function parseSubscribe(source: Source, target: string, rest: string[]): Command {
  const kinds = new Set<string>();
  const filters: Record<string, string> = {};
  for (const token of rest) {
    if (token.startsWith('--')) parseFilter(source, token, filters);
    else kinds.add(parseKind(source, token));
  }
  if (kinds.size > 0) {
    for (const name of Object.keys(filters)) {
      const applies = filterKinds(name as keyof typeof FILTER_SPECS, source);
      if (![...kinds].some((k) => applies.includes(k))) {
        fail(`"--${name}" only filters ${applies.join(', ')}, and this subscription is for ${[...kinds].join(', ')}.`);
      }
    }
  }
  const ordered = KINDS[source].filter((k) => kinds.has(k));
  return { verb: 'subscribe', source, target, kinds: ordered, filters };
}

export function parseCommand(text: string): ParseResult {
  try {
    return { ok: true, command: parseTokens(tokenize(text)) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err.message, usage: USAGE };
    throw err;
  }
}

function parseTokens(tokens: string[]): Command {
  const [first, ...args] = tokens;
  const verb = first?.toLowerCase();
  switch (verb) {
    case undefined:
    case 'help':
      return { verb: 'help' };
    case 'list':
      if (args.length === 1 && /^[1-9]\d{0,3}$/.test(args[0] as string)) return { verb: 'list', page: Number(args[0]) };
      if (args.length > 0) fail(`\`list\` takes only a page number after it, but got "${args[0]}".`);
      return { verb: 'list' };
    case 'subscribe': {
      const source = parseSource(args[0], verb);
      const target = parseTarget(source, args[1], verb);
      return parseSubscribe(source, target, args.slice(2));
    }
    case 'unsubscribe': {
      const source = parseSource(args[0], verb);
      const target = parseTarget(source, args[1], verb);
      if (args.length > 2) fail(`\`unsubscribe\` takes no kinds or filters, but got "${args[2]}".`);
      return { verb: 'unsubscribe', source, target };
    }
    default:
      return fail(`Unknown command "${first}". Use subscribe, unsubscribe, list or help.`);
  }
}
