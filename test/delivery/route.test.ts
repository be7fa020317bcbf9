import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../src/events.js';
import { targetsOf } from '../../src/delivery/route.js';

const ev = (source: 'sentry' | 'bugsee', routing: AnyEvent['routing']) => ({ source, routing }) as AnyEvent;

describe('targetsOf', () => {
  it('gives a Sentry event its org/project and org/*', () => {
    expect(targetsOf(ev('sentry', { org: 'acme', project: 'web' }))).toEqual(['acme/web', 'acme/*']);
    expect(targetsOf(ev('sentry', { org: 'acme' }))).toEqual(['acme/*']);
  });

  it('reaches every project of a metric alert rule', () => {
    expect(targetsOf(ev('sentry', { org: 'acme', project: 'a', projects: ['a', 'b'] }))).toEqual(['acme/a', 'acme/b', 'acme/*']);
  });

  it('has no target without an org or app key (unroutable)', () => {
    expect(targetsOf(ev('sentry', { project: 'web' }))).toBeNull();
    expect(targetsOf(ev('bugsee', {}))).toBeNull();
  });

  it('routes Bugsee by app key, and to * subscriptions; user events only to *', () => {
    expect(targetsOf(ev('bugsee', { appKey: 'IOS' }))).toEqual(['IOS', '*']);
    expect(targetsOf(ev('bugsee', { appKey: '*' }))).toEqual(['*']);
  });
});
