import { describe, expect, it } from 'vitest';
import { factsFromUrls, orgFromUrls, parseSentryUrl } from '../../../src/sources/sentry/urls.js';

describe('parseSentryUrl', () => {
  it.each([
    ['https://sentry.io/organizations/acme/issues/1170820242/', { org: 'acme', groupId: '1170820242' }],
    ['https://sentry.io/api/0/organizations/acme/issues/1170820242/', { org: 'acme', groupId: '1170820242' }],
    ['https://acme.sentry.io/issues/1170820242/', { org: 'acme', groupId: '1170820242' }],
    ['https://acme.sentry.io/issues/1170820242/events/e4874d664c3540c1a32eab185f12c5ab/', { org: 'acme', groupId: '1170820242' }],
    ['https://sentry.io/api/0/projects/acme/mobile-app/events/e4874d66/', { org: 'acme', project: 'mobile-app' }],
    ['https://sentry.io/organizations/acme/projects/mobile-app/', { org: 'acme', project: 'mobile-app' }],
    ['https://sentry.io/settings/acme/projects/mobile-app/', { org: 'acme', project: 'mobile-app' }],
    ['https://acme.sentry.io/alerts/rules/details/7/?alert=2', { org: 'acme' }],
    ['https://sentry.example.com/organizations/self-hosted-org/issues/42/', { org: 'self-hosted-org', groupId: '42' }],
    ['https://sentry.io/api/0/issues/1170820242/', { groupId: '1170820242' }],
  ])('%s', (url, facts) => {
    expect(parseSentryUrl(url)).toEqual(facts);
  });

  it('does not take region or ingest hosts for orgs', () => {
    expect(parseSentryUrl('https://us.sentry.io/issues/1/').org).toBeUndefined();
    expect(parseSentryUrl('https://www.sentry.io/').org).toBeUndefined();
    expect(parseSentryUrl('https://o123.ingest.sentry.io/api/1/').org).toBeUndefined();
    expect(parseSentryUrl('https://o123.sentry.io/').org).toBeUndefined();
  });

  it('ignores garbage, other schemes and missing values', () => {
    expect(parseSentryUrl(undefined)).toEqual({});
    expect(parseSentryUrl(null)).toEqual({});
    expect(parseSentryUrl('not a url')).toEqual({});
    expect(parseSentryUrl('javascript:alert(1)//organizations/acme/')).toEqual({});
  });

  it('prefers the path org over the subdomain and decodes segments', () => {
    expect(parseSentryUrl('https://acme.sentry.io/organizations/other/issues/1/').org).toBe('other');
    expect(parseSentryUrl('https://sentry.io/api/0/projects/acme/my%20app/').project).toBe('my app');
  });
});

describe('factsFromUrls', () => {
  it('takes the first of each fact across urls and skips empty ones', () => {
    expect(
      factsFromUrls([
        null,
        'https://sentry.io/api/0/issues/77/',
        'https://sentry.io/api/0/projects/acme/mobile-app/events/x/',
        'https://sentry.io/organizations/zzz/',
      ]),
    ).toEqual({ org: 'acme', project: 'mobile-app', groupId: '77' });
    expect(orgFromUrls(['https://acme.sentry.io/issues/1/'])).toBe('acme');
    expect(orgFromUrls([])).toBeUndefined();
  });
});
