/**
 * Signed Sentry `issue` deliveries of 2–3 KB, built from the `issue/created` fixture and varied
 * (issue id, project, message length) by a seeded generator so every run sends the same bytes.
 */

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const BENCH_SECRET = 'bench-sentry-secret';

export interface SignedBody {
  body: string;
  signature: string;
}

/** Mulberry32: small, fast and good enough to vary payloads reproducibly. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'checkout cart payment session token user profile render screen network timeout retry cache image upload sync'.split(' ');

export interface IssueShape {
  issueId: string;
  project: string;
  org?: string;
  /** Total body size to aim at, in bytes. */
  size: number;
  rand: () => number;
}

export function loadIssueFixture(root: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(root, 'fixtures/sentry/issue/created.json'), 'utf8')) as Record<string, unknown>;
}

/** One `issue.created` body of about `size` bytes for the given issue and project. */
export function issueBody(fixture: Record<string, unknown>, shape: IssueShape): string {
  const org = shape.org ?? 'acme';
  const payload = structuredClone(fixture) as { data: { issue: Record<string, unknown> } };
  const issue = payload.data.issue;
  const id = shape.issueId;
  const word = () => WORDS[Math.floor(shape.rand() * WORDS.length)];
  issue.id = id;
  issue.shortId = `${shape.project.toUpperCase()}-${Number(id).toString(36).toUpperCase()}`;
  issue.title = `TypeError: Cannot read properties of undefined (reading '${word()}')`;
  issue.culprit = `${word()}Screen.on${word()}(app/screens/${word()})`;
  issue.permalink = `https://${org}.sentry.io/issues/${id}/`;
  issue.url = `https://sentry.io/api/0/organizations/${org}/issues/${id}/`;
  issue.web_url = `https://sentry.io/organizations/${org}/issues/${id}/`;
  issue.project = { id: '4504938', name: shape.project, slug: shape.project, platform: 'react-native' };
  const metadata = { ...(issue.metadata as Record<string, unknown>) };
  issue.metadata = metadata;
  // Real issue payloads are 2–3 KB mostly because of long messages and culprits: grow the message.
  const base = JSON.stringify(payload).length;
  const words: string[] = [];
  let len = 1;
  while (base + len < shape.size) {
    const w = word();
    words.push(w);
    len += w.length + 1;
  }
  metadata.value = `${String(metadata.value ?? '')} ${words.join(' ')}`.trimEnd();
  return JSON.stringify(payload);
}

export function sign(body: string, secret = BENCH_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * The body with a top-level `_replay` nonce (the schemas let unknown keys through). The service
 * takes the same bytes twice for a replay whatever the Request-ID, so every send that is meant to
 * be a new delivery must carry a body of its own, re-signed.
 */
export function uniqueBody(body: string, nonce: string): string {
  if (!body.endsWith('}')) throw new Error('uniqueBody: a JSON object is expected');
  const rest = body.slice(0, -1).trimEnd();
  return `${rest}${rest.endsWith('{') ? '' : ','}"_replay":${JSON.stringify(nonce)}}`;
}

/** `uniqueBody` with its signature. */
export function uniqueSigned(item: SignedBody, nonce: string, secret = BENCH_SECRET): SignedBody {
  const body = uniqueBody(item.body, nonce);
  return { body, signature: sign(body, secret) };
}

/**
 * A pool of signed bodies for the load phases. A body sent twice is a replay (a duplicate), so the
 * senders make each send unique with `uniqueSigned` and its own Request-ID.
 */
export function bodyPool(fixture: Record<string, unknown>, count: number, seed = 42): SignedBody[] {
  const rand = seeded(seed);
  const pool: SignedBody[] = [];
  for (let i = 0; i < count; i++) {
    const body = issueBody(fixture, {
      issueId: String(2_000_000_000 + i),
      project: 'mobile-app',
      size: 2048 + Math.floor(rand() * 1024),
      rand,
    });
    pool.push({ body, signature: sign(body) });
  }
  return pool;
}

export function sentryHeaders(signature: string, requestId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'request-id': requestId,
    'sentry-hook-resource': 'issue',
    'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
    'sentry-hook-signature': signature,
  };
}
