/**
 * The matcher against events normalized from the real fixtures, through the real source plugins,
 * so a change in what a normalizer puts in `filters` shows up here.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyEvent, EventType } from '../../src/events.js';
import { createBugseePlugin } from '../../src/sources/bugsee/plugin.js';
import { createSentryPlugin } from '../../src/sources/sentry/plugin.js';
import { parseCommand } from '../../src/slack/command-parse.js';
import { matchesFilters } from '../../src/slack/filters.js';

const root = path.resolve(import.meta.dirname, '../..');
const meta = { deliveryId: 'fixture', receivedAt: new Date('2025-01-01T00:00:00.000Z') };
const sentry = createSentryPlugin({ secrets: ['unused'] });
const bugsee = createBugseePlugin({ secret: 'unused' });

function sentryEvent(file: string): AnyEvent {
  const [resource, name] = file.split('/') as [string, string];
  const type = `sentry.${resource}.${name.split('.')[0]}` as EventType;
  const parsed = sentry.parse(type, JSON.parse(fs.readFileSync(path.join(root, 'fixtures/sentry', file), 'utf8')));
  if (!parsed.ok) throw new Error(`fixture ${file} does not parse: ${JSON.stringify(parsed.issues)}`);
  return sentry.normalize(type, parsed.payload, meta) as AnyEvent;
}

function bugseeEvent(file: string): AnyEvent {
  const json = JSON.parse(fs.readFileSync(path.join(root, 'fixtures/bugsee', file), 'utf8'));
  const type = `bugsee.${json.type}` as EventType;
  const parsed = bugsee.parse(type, json);
  if (!parsed.ok) throw new Error(`fixture ${file} does not parse: ${JSON.stringify(parsed.issues)}`);
  return bugsee.normalize(type, parsed.payload, meta) as AnyEvent;
}

function passes(command: string, event: AnyEvent): boolean {
  const r = parseCommand(command);
  if (!r.ok || r.command.verb !== 'subscribe') throw new Error(`bad test command: ${command}`);
  if (r.command.kinds.length > 0 && !r.command.kinds.includes(event.kind)) return false;
  return matchesFilters(r.command.filters, event.filters, event.kind);
}

describe('filters on Sentry fixtures', () => {
  it('--level=error passes an error-level issue but not a warning-level error event', () => {
    const issue = sentryEvent('issue/created.json');
    expect(issue.filters.level).toBe('error');
    expect(passes('subscribe sentry acme/web --level=error', issue)).toBe(true);
    expect(passes('subscribe sentry acme/web --level=fatal', issue)).toBe(false);

    const warning = sentryEvent('error/created.nulls.json');
    expect(warning.filters.level).toBe('warning');
    expect(passes('subscribe sentry acme/web --level=error', warning)).toBe(false);
    expect(passes('subscribe sentry acme/web --level=warning', warning)).toBe(true);
  });

  it('--env keeps production errors, drops staging ones, and lets issue status changes through', () => {
    expect(passes('subscribe sentry acme/web --env=production', sentryEvent('error/created.json'))).toBe(true);
    expect(passes('subscribe sentry acme/web --env=production', sentryEvent('event_alert/triggered.json'))).toBe(true);
    expect(passes('subscribe sentry acme/web --env=production', sentryEvent('error/created.nulls.json'))).toBe(false);
    expect(passes('subscribe sentry acme/web --env=production', sentryEvent('issue/resolved.json'))).toBe(true);
  });

  it('a level filter leaves comments, alerts and Seer alone', () => {
    for (const file of ['comment/created.json', 'metric_alert/critical.json', 'seer/root_cause_completed.json']) {
      expect(passes('subscribe sentry acme/web --level=fatal', sentryEvent(file))).toBe(true);
    }
  });

  it('--size-threshold posts a preprod size analysis only above the threshold, distributions always', () => {
    const size = sentryEvent('preprod_artifact/size_analysis_completed.json');
    expect(size.filters.sizeDeltaPct).toBeGreaterThan(5);
    expect(passes('subscribe sentry acme/web preprod --size-threshold=5', size)).toBe(true);
    expect(passes('subscribe sentry acme/web preprod --size-threshold=10', size)).toBe(false);
    const dist = sentryEvent('preprod_artifact/build_distribution_completed.json');
    expect(passes('subscribe sentry acme/web preprod --size-threshold=10', dist)).toBe(true);
  });

  it('--branch matches the PR head branch of preprod events', () => {
    const size = sentryEvent('preprod_artifact/size_analysis_completed.json');
    expect(passes('subscribe sentry acme/web --branch=feature/*', size)).toBe(true);
    expect(passes('subscribe sentry acme/web --branch=main', size)).toBe(false);
  });
});

describe('filters on Bugsee fixtures', () => {
  it('--severity=high passes a blocker regression, not a medium issue', () => {
    expect(passes('subscribe bugsee IOS --severity=high', bugseeEvent('issue.regressed.json'))).toBe(true);
    expect(passes('subscribe bugsee IOS --severity=high', bugseeEvent('issue.created.json'))).toBe(false);
    expect(passes('subscribe bugsee IOS --severity=medium', bugseeEvent('issue.created.json'))).toBe(true);
  });

  it('--severity leaves feedback and builds alone', () => {
    expect(passes('subscribe bugsee IOS --severity=blocker', bugseeEvent('feedback.message.in.json'))).toBe(true);
    expect(passes('subscribe bugsee IOS --severity=blocker', bugseeEvent('build.created.ready.json'))).toBe(true);
  });

  it('--size-threshold: the ready build with its delta is judged, the registered one always posts', () => {
    const ready = bugseeEvent('build.created.ready.json');
    expect(ready.filters.sizeDeltaPct).toBe(3);
    expect(passes('subscribe bugsee ANDROID build --size-threshold=2', ready)).toBe(true);
    expect(passes('subscribe bugsee ANDROID build --size-threshold=5', ready)).toBe(false);
    expect(passes('subscribe bugsee ANDROID build --size-threshold=5', bugseeEvent('build.created.registered.json'))).toBe(true);
  });

  it('--branch: main passes, release branches by glob, builds without VCS are hidden', () => {
    expect(passes('subscribe bugsee ANDROID --branch=main', bugseeEvent('build.created.ready.json'))).toBe(true);
    expect(passes('subscribe bugsee ANDROID --branch=main', bugseeEvent('build.created.failed.json'))).toBe(false);
    expect(passes('subscribe bugsee ANDROID --branch=main,release/*', bugseeEvent('build.created.failed.json'))).toBe(true);
    expect(passes('subscribe bugsee ANDROID --branch=main', bugseeEvent('build.created.no-vcs.json'))).toBe(false);
  });
});
