/**
 * The options of the assignee picker (`sentry.issue.assign`, an external_select): the org's
 * members and teams from Sentry, in "People" and "Teams" groups, filtered by what was typed.
 *
 * Slack waits 3 seconds for options and cannot be acked first, so Sentry's lists are cached per
 * org for at most five minutes and a slow answer yields what the cache holds (or nothing) rather
 * than Slack's error. A full page means the org may have more than one page holds: the typed
 * text is then also sent to Sentry's own search.
 */

import type { SentryApi, SentryMember, SentryTeam } from '../sources/sentry/api.js';
import { SENTRY_PAGE } from '../sources/sentry/api.js';

/** The CONTRACT's limit: a member who left shows for at most this long. */
export const ASSIGNEE_CACHE_MS = 5 * 60_000;
/** Slack shows at most 100 options a group; fewer keeps the menu usable. */
const MAX_PER_GROUP = 50;
const OPTION_TEXT = 75;
/** Cached orgs (and searches) at most; the oldest go first. */
const MAX_CACHED = 500;

export const UNASSIGN_VALUE = 'unassign';

/** A picked value: `user:<id>`, `team:<id>` or `unassign`. */
export type AssigneeChoice = { kind: 'user' | 'team'; id: string } | { kind: 'unassign' };

export function parseAssigneeChoice(value: string | undefined): AssigneeChoice | null {
  if (value === UNASSIGN_VALUE) return { kind: 'unassign' };
  const m = /^(user|team):([A-Za-z0-9_-]{1,64})$/.exec(value ?? '');
  return m ? { kind: m[1] as 'user' | 'team', id: m[2] } : null;
}

interface Option {
  text: { type: 'plain_text'; text: string };
  value: string;
}
export interface OptionGroups {
  option_groups: { label: { type: 'plain_text'; text: string }; options: Option[] }[];
}

export interface Person {
  id: string;
  name: string;
  email?: string;
  /** Lower-cased text the typed query is matched against. */
  haystack: string;
}

interface Directory {
  people: Person[];
  teams: Person[];
  /** A list filled a whole page: Sentry may have more than it sent. */
  truncated: boolean;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function peopleOf(members: SentryMember[]): Person[] {
  // Pending invitations have no user yet, and only a user can be assigned.
  return members.flatMap((m) => {
    const id = m.user?.id;
    if (!id) return [];
    const email = m.user?.email || m.email || undefined;
    const name = m.user?.name || m.name || email || m.user?.username || `user ${id}`;
    return [{ id, name, email, haystack: [name, email, m.user?.username].filter(Boolean).join(' ').toLowerCase() }];
  });
}

function teamsOf(teams: SentryTeam[]): Person[] {
  return teams.map((t) => {
    const slug = t.slug || t.id;
    return { id: t.id, name: `#${slug}`, haystack: [slug, t.name].filter(Boolean).join(' ').toLowerCase() };
  });
}

export interface AssigneeDirectory {
  /** The option groups for `query` in `org`; never throws (Slack shows an empty list instead). */
  options(org: string, query: string): Promise<OptionGroups>;
  /** A cached member or team, for the name and email the card shows after a pick. */
  known(org: string, choice: AssigneeChoice): Person | undefined;
}

export function createAssigneeDirectory(deps: {
  sentryApi: Pick<SentryApi, 'listMembers' | 'listTeams'>;
  ttlMs?: number;
  /** How long an options request may wait for Sentry before answering from what it has. */
  deadlineMs?: number;
  now?: () => number;
  onError?: (org: string, err: unknown) => void;
}): AssigneeDirectory {
  const ttl = Math.min(deps.ttlMs ?? ASSIGNEE_CACHE_MS, ASSIGNEE_CACHE_MS);
  const deadline = deps.deadlineMs ?? 2000;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { at: number; dir: Promise<Directory>; value?: Directory }>();

  function load(org: string, query: string): Promise<Directory> {
    const key = `${org}\n${query}`;
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttl) return hit.dir;
    const dir = Promise.all([deps.sentryApi.listMembers(org, query || undefined), deps.sentryApi.listTeams(org, query || undefined)]).then(
      ([m, t]) => ({
        people: peopleOf(m),
        teams: teamsOf(t),
        truncated: m.length >= SENTRY_PAGE || t.length >= SENTRY_PAGE,
      }),
    );
    const entry: { at: number; dir: Promise<Directory>; value?: Directory } = { at: now(), dir };
    cache.delete(key);
    cache.set(key, entry);
    dir.then(
      (value) => {
        entry.value = value;
      },
      // A failed load is not kept: the next keystroke asks again.
      () => {
        if (cache.get(key) === entry) cache.delete(key);
      },
    );
    while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
    return dir;
  }

  async function within<T>(p: Promise<T>, fallback: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), deadline);
    });
    try {
      return await Promise.race([p, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  const empty: Directory = { people: [], teams: [], truncated: false };

  return {
    async options(org, rawQuery) {
      const query = rawQuery.trim().toLowerCase().slice(0, 100);
      let dir: Directory;
      try {
        dir = await within(load(org, ''), empty);
        if (query && dir.truncated) {
          const searched = await within(load(org, query), empty);
          dir = { people: mergeById(searched.people, dir.people), teams: mergeById(searched.teams, dir.teams), truncated: true };
        }
      } catch (err) {
        deps.onError?.(org, err);
        dir = empty;
      }
      const match = (p: Person) => !query || p.haystack.includes(query.replace(/^#/, ''));
      const option = (kind: 'user' | 'team', p: Person): Option => ({
        text: {
          type: 'plain_text',
          text: cut(kind === 'user' && p.email && p.email !== p.name ? `${p.name} (${p.email})` : p.name, OPTION_TEXT),
        },
        value: `${kind}:${p.id}`,
      });
      const groups: OptionGroups['option_groups'] = [];
      const people = dir.people.filter(match).slice(0, MAX_PER_GROUP);
      const teams = dir.teams.filter(match).slice(0, MAX_PER_GROUP);
      if (people.length) groups.push({ label: { type: 'plain_text', text: 'People' }, options: people.map((p) => option('user', p)) });
      if (teams.length) groups.push({ label: { type: 'plain_text', text: 'Teams' }, options: teams.map((t) => option('team', t)) });
      if (!query || 'unassign'.startsWith(query) || 'nobody'.startsWith(query)) {
        groups.push({
          label: { type: 'plain_text', text: 'Nobody' },
          options: [{ text: { type: 'plain_text', text: 'Unassign' }, value: UNASSIGN_VALUE }],
        });
      }
      return { option_groups: groups };
    },

    known(org, choice) {
      if (choice.kind === 'unassign') return undefined;
      for (const [key, entry] of cache) {
        if (!key.startsWith(`${org}\n`) || now() - entry.at >= ttl) continue;
        const found = entry.value?.[choice.kind === 'user' ? 'people' : 'teams'].find((p) => p.id === choice.id);
        if (found) return found;
      }
      return undefined;
    },
  };
}

function mergeById(first: Person[], second: Person[]): Person[] {
  const seen = new Set(first.map((p) => p.id));
  return [...first, ...second.filter((p) => !seen.has(p.id))];
}
