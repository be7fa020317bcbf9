/**
 * Org, project and issue ids from Sentry URLs found in payloads. These are only parsed for
 * routing facts, never fetched.
 */

export interface UrlFacts {
  org?: string;
  project?: string;
  groupId?: string;
}

/** Single-label subdomains of sentry.io that are not organisations. */
const NOT_ORGS = new Set([
  'www',
  'api',
  'app',
  'us',
  'de',
  'eu',
  'docs',
  'blog',
  'status',
  'sentry',
  'ingest',
  'reload',
  'develop',
  'open',
]);

function segments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export function parseSentryUrl(raw: string | null | undefined): UrlFacts {
  if (!raw) return {};
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {};
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return {};
  const segs = segments(url.pathname);
  const out: UrlFacts = {};

  // /organizations/<org>/… (web and /api/0/organizations/<org>/…)
  const o = segs.indexOf('organizations');
  if (o >= 0 && segs[o + 1]) {
    out.org = segs[o + 1];
    if (segs[o + 2] === 'projects' && segs[o + 3]) out.project = segs[o + 3];
  }
  // /api/0/projects/<org>/<project>/…
  if (segs[0] === 'api' && segs[2] === 'projects' && segs[3] && segs[4]) {
    out.org ??= segs[3];
    out.project ??= segs[4];
  }
  // /settings/<org>/projects/<project>/
  if (segs[0] === 'settings' && segs[1] && segs[1] !== 'account') {
    out.org ??= segs[1];
    if (segs[2] === 'projects' && segs[3]) out.project ??= segs[3];
  }
  // https://<org>.sentry.io/…
  const host = url.hostname.toLowerCase().match(/^([a-z0-9][a-z0-9_-]*)\.sentry\.io$/);
  if (host && !NOT_ORGS.has(host[1]) && !/^o\d+$/.test(host[1])) out.org ??= host[1];
  // …/issues/<id>/ or …/groups/<id>/
  const i = segs.findIndex((s) => s === 'issues' || s === 'groups');
  if (i >= 0 && /^\d+$/.test(segs[i + 1] ?? '')) out.groupId = segs[i + 1];
  return out;
}

/** The first org, project and group id found across `urls`, in order. */
export function factsFromUrls(urls: Array<string | null | undefined>): UrlFacts {
  const out: UrlFacts = {};
  for (const raw of urls) {
    const f = parseSentryUrl(raw);
    out.org ??= f.org;
    out.project ??= f.project;
    out.groupId ??= f.groupId;
  }
  for (const k of Object.keys(out) as (keyof UrlFacts)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** `org` parsed from any of `urls`. */
export function orgFromUrls(urls: Array<string | null | undefined>): string | undefined {
  return factsFromUrls(urls).org;
}
