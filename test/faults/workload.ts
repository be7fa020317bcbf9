/**
 * Signed webhook deliveries for the matrix (Sentry comments and Bugsee issue comments spread over
 * many threads) and a sender that behaves like Sentry and Bugsee: every non-2xx answer or dropped
 * connection is retried with the same bytes and the same Request-ID / envelope id.
 */

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { sentryHeaders } from '../helpers/signing.js';

export const SENTRY_SECRET = 'faults-sentry-secret';
export const BUGSEE_SECRET = 'faults-bugsee-secret';
export const INSTALLATION_UUID = '5f2a7c1e-0d4b-4b8e-9a51-faul7500000a';
export const SENTRY_ORG = 'acme';
export const SENTRY_PROJECT = 'mobile-app';
export const BUGSEE_APP = 'FLT';

export interface Delivery {
  /** The event id the service will use (Sentry Request-ID, Bugsee envelope id). */
  id: string;
  source: 'sentry' | 'bugsee';
  /** Index of the thread in the workload, and the position of this event in it (send order). */
  thread: number;
  k: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Workload {
  deliveries: Delivery[];
  threads: number;
  /** Thread index → the service's thread key suffix, for reading posts back. */
  byId: Map<string, Delivery>;
}

function sentryComment(run: string, thread: number, k: number): Delivery {
  const id = `${run}-s${thread}-${k}`;
  const body = JSON.stringify({
    action: 'created',
    installation: { uuid: INSTALLATION_UUID },
    data: {
      comment_id: thread * 10_000 + k,
      issue_id: 7_000_000 + thread,
      project_slug: SENTRY_PROJECT,
      timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, k)).toISOString(),
      comment: `fault matrix #${k} of thread ${thread}`,
    },
    actor: { type: 'user', id: 1, name: 'Fault Matrix' },
  });
  return { id, source: 'sentry', thread, k, path: '/webhooks/sentry', headers: sentryHeaders(body, 'comment', SENTRY_SECRET, id), body };
}

function bugseeComment(run: string, thread: number, k: number): Delivery {
  const id = `${run}-b${thread}-${k}`;
  const body = JSON.stringify({
    id,
    type: 'issue.comment',
    created_on: new Date(Date.UTC(2025, 0, 1, 0, 0, k)).toISOString(),
    payload: {
      app: { key: BUGSEE_APP, name: 'Fault app', url: `https://app.bugsee.com/#/apps/${BUGSEE_APP}` },
      issue: {
        key: `${BUGSEE_APP}-${thread}`,
        summary: `Thread ${thread}`,
        url: `https://app.bugsee.com/#/apps/${BUGSEE_APP}/issues/${BUGSEE_APP}-${thread}`,
      },
      comment: { created_by: { name: 'Fault Matrix', email: 'faults@example.com' }, text: `fault matrix #${k} of thread ${thread}` },
    },
  });
  return {
    id,
    source: 'bugsee',
    thread,
    k,
    path: `/webhooks/bugsee?token=${encodeURIComponent(BUGSEE_SECRET)}`,
    headers: { 'content-type': 'application/json' },
    body,
  };
}

/** `threads` threads (even ones Sentry, odd ones Bugsee) of `perThread` events each, interleaved. */
export function buildWorkload(threads: number, perThread: number, opts: { sources?: 'both' | 'sentry' } = {}): Workload {
  const run = randomUUID().slice(0, 8);
  const deliveries: Delivery[] = [];
  for (let k = 1; k <= perThread; k++) {
    for (let t = 0; t < threads; t++) {
      const bugsee = opts.sources !== 'sentry' && t % 2 === 1;
      deliveries.push(bugsee ? bugseeComment(run, t, k) : sentryComment(run, t, k));
    }
  }
  return { deliveries, threads, byId: new Map(deliveries.map((d) => [d.id, d])) };
}

export interface SendResult {
  /** Final answer per delivery id: `accepted` or `duplicate` (any 2xx body status). */
  answers: Map<string, string>;
  /** Deliveries answered `accepted` more than once (must be none). */
  acceptedTwice: string[];
  /** Sends that were retried (non-2xx or no answer). */
  retries: number;
  statuses: Record<string, number>;
}

export interface SendOptions {
  /** The service's base URL, read at each attempt (it may be restarted on the same port). */
  url: () => string;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Keep each thread's events in order: the next is sent only when the previous got a 2xx. */
  serialPerThread: boolean;
  /** Give up on a delivery after this long (then it counts as never accepted). */
  giveUpMs?: number;
  /** Send the whole list this many times (a source's redelivery). */
  times?: number;
  retryDelayMs?: number;
  /** Called after each delivery's first 2xx (to inject a fault after the k-th one). */
  onAccepted?: (n: number) => void | Promise<void>;
}

/** One POST on a fresh connection (webhook senders don't keep connections alive), 10 s timeout. */
function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false, timeout: 10_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

function statusOf(text: string): string {
  try {
    return String((JSON.parse(text) as { status?: unknown }).status ?? '');
  } catch {
    return '';
  }
}

export async function sendAll(deliveries: Delivery[], opts: SendOptions): Promise<SendResult> {
  const result: SendResult = { answers: new Map(), acceptedTwice: [], retries: 0, statuses: {} };
  const giveUpMs = opts.giveUpMs ?? 120_000;
  let acceptedCount = 0;

  const sendOne = async (d: Delivery) => {
    const deadline = Date.now() + giveUpMs;
    for (;;) {
      let status = 0;
      let answer = '';
      try {
        const res = await post(`${opts.url()}${d.path}`, d.headers, d.body);
        status = res.status;
        answer = statusOf(res.text);
      } catch {
        status = 0; // no answer: connection refused or reset, as during a restart
      }
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) {
        if (answer === 'accepted' && result.answers.get(d.id) === 'accepted') result.acceptedTwice.push(d.id);
        if (result.answers.get(d.id) !== 'accepted') result.answers.set(d.id, answer);
        acceptedCount += 1;
        await opts.onAccepted?.(acceptedCount);
        return;
      }
      if (Date.now() > deadline) return;
      result.retries += 1;
      await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 150));
    }
  };

  const lanes: Delivery[][] = [];
  if (opts.serialPerThread) {
    const byThread = new Map<number, Delivery[]>();
    for (const d of deliveries) byThread.set(d.thread, [...(byThread.get(d.thread) ?? []), d]);
    lanes.push(...byThread.values());
  } else {
    lanes.push(...deliveries.map((d) => [d]));
  }
  for (let round = 0; round < (opts.times ?? 1); round++) {
    let next = 0;
    const worker = async () => {
      while (next < lanes.length) {
        const lane = lanes[next++];
        for (const d of lane) await sendOne(d);
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, lanes.length) }, worker));
  }
  return result;
}
