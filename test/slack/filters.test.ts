import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/command-parse.js';
import { matchesFilters } from '../../src/slack/filters.js';

/** Filters exactly as the parser stores them, so the two halves are tested together. */
function filtersOf(text: string): Record<string, string> {
  const r = parseCommand(text);
  if (!r.ok || r.command.verb !== 'subscribe') throw new Error(`bad test command: ${text}`);
  return r.command.filters;
}

describe('matchesFilters', () => {
  it('no filters pass everything', () => {
    expect(matchesFilters({}, {}, 'issue')).toBe(true);
    expect(matchesFilters({}, { level: 'debug' }, 'error')).toBe(true);
  });

  describe('--level (minimum, issue/error only)', () => {
    const f = filtersOf('subscribe sentry acme/web --level=error');
    it('passes the level and worse, hides milder ones', () => {
      expect(matchesFilters(f, { level: 'error' }, 'issue')).toBe(true);
      expect(matchesFilters(f, { level: 'fatal' }, 'error')).toBe(true);
      expect(matchesFilters(f, { level: 'warning' }, 'issue')).toBe(false);
      expect(matchesFilters(f, { level: 'info' }, 'error')).toBe(false);
      expect(matchesFilters(f, { level: 'debug' }, 'issue')).toBe(false);
    });
    it('reads levels in any case and warn as warning', () => {
      const w = filtersOf('subscribe sentry acme/web --level=warning');
      expect(matchesFilters(w, { level: 'WARN' }, 'issue')).toBe(true);
      expect(matchesFilters(w, { level: 'Info' }, 'issue')).toBe(false);
    });
    it('hides events without a level, or with one it cannot read', () => {
      expect(matchesFilters(f, {}, 'issue')).toBe(false);
      expect(matchesFilters(f, { level: 'sample' }, 'issue')).toBe(false);
    });
    it('does not constrain other kinds', () => {
      for (const kind of ['comment', 'alert', 'seer', 'preprod']) {
        expect(matchesFilters(f, { level: 'debug' }, kind)).toBe(true);
        expect(matchesFilters(f, {}, kind)).toBe(true);
      }
    });
  });

  describe('--env (issue/error/alert)', () => {
    const f = filtersOf('subscribe sentry acme/web --env=production,staging');
    it('passes listed environments, case-insensitively', () => {
      expect(matchesFilters(f, { environment: 'production' }, 'error')).toBe(true);
      expect(matchesFilters(f, { environment: 'Staging' }, 'alert')).toBe(true);
      expect(matchesFilters(f, { environment: 'development' }, 'error')).toBe(false);
      expect(matchesFilters(f, { environment: 'prod' }, 'issue')).toBe(false);
    });
    it('lets events that name no environment through', () => {
      expect(matchesFilters(f, {}, 'issue')).toBe(true);
    });
    it('does not constrain comments, seer or preprod', () => {
      expect(matchesFilters(f, { environment: 'development' }, 'comment')).toBe(true);
      expect(matchesFilters(f, { environment: 'development' }, 'preprod')).toBe(true);
    });
  });

  describe('--size-threshold (preprod/build)', () => {
    const f = filtersOf('subscribe bugsee IOS --size-threshold=5');
    it('passes growth at or above the threshold only', () => {
      expect(matchesFilters(f, { sizeDeltaPct: 5 }, 'build')).toBe(true);
      expect(matchesFilters(f, { sizeDeltaPct: 12.5 }, 'preprod')).toBe(true);
      expect(matchesFilters(f, { sizeDeltaPct: 4.99 }, 'build')).toBe(false);
      expect(matchesFilters(f, { sizeDeltaPct: -3 }, 'build')).toBe(false);
    });
    it('lets builds without a size comparison through', () => {
      expect(matchesFilters(f, {}, 'build')).toBe(true);
      expect(matchesFilters(f, { branch: 'main' }, 'preprod')).toBe(true);
    });
    it('a zero threshold hides shrinks only', () => {
      const z = filtersOf('subscribe bugsee IOS --size-threshold=0');
      expect(matchesFilters(z, { sizeDeltaPct: 0 }, 'build')).toBe(true);
      expect(matchesFilters(z, { sizeDeltaPct: -0.1 }, 'build')).toBe(false);
    });
    it('does not constrain issues', () => {
      expect(matchesFilters(f, { sizeDeltaPct: 1 }, 'issue')).toBe(true);
    });
  });

  describe('--severity (Bugsee issue)', () => {
    const f = filtersOf('subscribe bugsee IOS --severity=high');
    it('passes the severity and above', () => {
      expect(matchesFilters(f, { severity: 'high' }, 'issue')).toBe(true);
      expect(matchesFilters(f, { severity: 'critical' }, 'issue')).toBe(true);
      expect(matchesFilters(f, { severity: 'blocker' }, 'issue')).toBe(true);
      expect(matchesFilters(f, { severity: 'medium' }, 'issue')).toBe(false);
      expect(matchesFilters(f, { severity: 'low' }, 'issue')).toBe(false);
    });
    it('hides unknown or missing severity', () => {
      expect(matchesFilters(f, { severity: 'unknown' }, 'issue')).toBe(false);
      expect(matchesFilters(f, {}, 'issue')).toBe(false);
    });
    it('does not constrain feedback or builds', () => {
      expect(matchesFilters(f, {}, 'feedback')).toBe(true);
      expect(matchesFilters(f, { severity: 'low' }, 'build')).toBe(true);
    });
  });

  describe('--branch (preprod/build)', () => {
    const f = filtersOf('subscribe bugsee IOS --branch=main,release/*');
    it('passes listed branches and globs, exactly', () => {
      expect(matchesFilters(f, { branch: 'main' }, 'build')).toBe(true);
      expect(matchesFilters(f, { branch: 'release/2.4' }, 'preprod')).toBe(true);
      expect(matchesFilters(f, { branch: 'feature/x' }, 'build')).toBe(false);
      expect(matchesFilters(f, { branch: 'Main' }, 'build')).toBe(false);
      expect(matchesFilters(f, { branch: 'mainline' }, 'build')).toBe(false);
    });
    it('treats regex characters in branch names literally', () => {
      const g = filtersOf('subscribe bugsee IOS --branch=v1.2');
      expect(matchesFilters(g, { branch: 'v1.2' }, 'build')).toBe(true);
      expect(matchesFilters(g, { branch: 'v1x2' }, 'build')).toBe(false);
    });
    it('hides builds that name no branch', () => {
      expect(matchesFilters(f, {}, 'build')).toBe(false);
    });
  });

  it('all filters must pass', () => {
    const f = filtersOf('subscribe bugsee IOS --branch=main --size-threshold=5');
    expect(matchesFilters(f, { branch: 'main', sizeDeltaPct: 6 }, 'build')).toBe(true);
    expect(matchesFilters(f, { branch: 'main', sizeDeltaPct: 1 }, 'build')).toBe(false);
    expect(matchesFilters(f, { branch: 'dev', sizeDeltaPct: 6 }, 'build')).toBe(false);
  });

  it('ignores filter names it does not know (e.g. written by a newer version)', () => {
    expect(matchesFilters({ priority: 'high' }, {}, 'issue')).toBe(true);
  });
});
