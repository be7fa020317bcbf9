/**
 * The shared fake Slack (test/helpers/fake-slack.ts) with the faults the matrix needs: random
 * 5xx / 429 / timeouts, a gate that holds every call unanswered, a hang on chat.update, and
 * permanent errors per channel. A held or hung call is never recorded: as far as the fake is
 * concerned, Slack did not post it.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeSlack, type Fault, type FakeSlack, type SlackCall } from '../helpers/fake-slack.js';

export interface MessageId {
  eventId: string;
  eventType: string;
  threadKey: string;
  part: string;
  channel: string;
}

export interface RandomFaults {
  p5xx: number;
  p429: number;
  pTimeout: number;
  /** At most this many faults in a row for one message, so a run measures dedup under retries, not the retry budget. */
  maxStreak: number;
  seed: number;
}

export interface FaultySlack {
  fake: FakeSlack;
  url: string;
  /** Successful chat.postMessage calls, in the order Slack answered them. */
  posts(): SlackCall[];
  /** Successful calls of `method`. */
  ok(method: string): SlackCall[];
  /** Holds every call from now on without answering or recording it (until `open`). */
  close(): void;
  open(): void;
  random(faults: RandomFaults | undefined): void;
  /** Hangs every chat.update from now on; resolves when the first one is hanging. */
  hangUpdates(): Promise<SlackCall>;
  /** Every chat.update held by `hangUpdates`, with the number of calls Slack had answered when it came. */
  hung: { call: SlackCall; answeredBefore: number }[];
  stopHanging(): void;
  /** Every call reaches Slack `ms` later (a slow Slack); 0 turns it off. */
  slow(ms: number): void;
  /** Slack acts on every call at once but its answer arrives `ms` later; 0 turns it off. */
  slowAnswers(ms: number): void;
  /** Answers `{ok:false, error}` to every call for `channel`. */
  failChannel(channel: string, error: string): void;
  faultCounts: Record<string, number>;
  stop(): Promise<void>;
}

export function messageId(call: SlackCall): MessageId | undefined {
  const meta = call.args.metadata as { event_payload?: Record<string, unknown> } | undefined;
  const p = meta?.event_payload;
  if (!p) return undefined;
  return {
    eventId: String(p.event_id),
    eventType: String(p.event_type),
    threadKey: String(p.thread_key ?? ''),
    part: String(p.part),
    channel: String(call.args.channel),
  };
}

/** mulberry32: a seeded PRNG, so a failing run can be replayed with FAULT_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function streakKey(call: SlackCall): string {
  const id = messageId(call);
  if (call.method === 'chat.postMessage' && id) return `post:${id.channel}:${id.eventId}:${id.part}`;
  return `${call.method}:${String(call.args.channel)}:${String(call.args.ts ?? '')}`;
}

export async function startFaultySlack(): Promise<FaultySlack> {
  const fake = await startFakeSlack();
  let gated = false;
  let random: { f: RandomFaults; next: () => number } | undefined;
  let hang: ((call: SlackCall) => void) | undefined;
  const failing = new Map<string, string>();
  const streaks = new Map<string, number>();
  const hung: { call: SlackCall; answeredBefore: number }[] = [];
  const faultCounts: Record<string, number> = { '5xx': 0, '429': 0, timeout: 0, gated: 0, hung: 0, permanent: 0 };

  const decide = (call: SlackCall): Fault | undefined => {
    if (gated) {
      faultCounts.gated += 1;
      return { hang: true };
    }
    const perm = failing.get(String(call.args.channel));
    if (perm) {
      faultCounts.permanent += 1;
      return { error: perm };
    }
    if (hang && call.method === 'chat.update') {
      faultCounts.hung += 1;
      hung.push({ call, answeredBefore: fake.calls.length });
      hang(call);
      return { hang: true };
    }
    if (!random) return undefined;
    const key = streakKey(call);
    const streak = streaks.get(key) ?? 0;
    const r = random.next();
    const { p5xx, p429, pTimeout, maxStreak } = random.f;
    const kind =
      streak >= maxStreak ? undefined : r < p5xx ? '5xx' : r < p5xx + p429 ? '429' : r < p5xx + p429 + pTimeout ? 'timeout' : undefined;
    if (!kind) {
      streaks.delete(key);
      return undefined;
    }
    streaks.set(key, streak + 1);
    faultCounts[kind] += 1;
    const faults: Record<typeof kind, Fault> = { '5xx': { status: 500 }, '429': { status: 429, retryAfter: 1 }, timeout: { hang: true } };
    return faults[kind];
  };
  fake.fault = decide;

  // A pass-through in front of the fake, so calls can be slowed down before the fake sees them.
  let delayMs = 0;
  let answerDelayMs = 0;
  const target = new URL(fake.url);
  const proxy = http.createServer((req, res) => {
    const forward = () => {
      const up = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (upRes) => {
          const answer = () => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          };
          if (answerDelayMs > 0) setTimeout(answer, answerDelayMs);
          else answer();
        },
      );
      up.on('error', () => res.destroy());
      res.on('close', () => up.destroy());
      req.pipe(up);
    };
    if (delayMs > 0) setTimeout(forward, delayMs);
    else forward();
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/`;

  const ok = (method: string) => fake.calls.filter((c) => c.method === method && c.args._failed === undefined);
  return {
    fake,
    url,
    posts: () => ok('chat.postMessage'),
    ok,
    close: () => {
      gated = true;
    },
    open: () => {
      gated = false;
    },
    random(f) {
      random = f ? { f, next: prng(f.seed) } : undefined;
    },
    hangUpdates() {
      return new Promise((resolve) => {
        let first = true;
        hang = (call) => {
          if (first) resolve(call);
          first = false;
        };
      });
    },
    hung,
    stopHanging() {
      hang = undefined;
    },
    slow(ms) {
      delayMs = ms;
    },
    slowAnswers(ms) {
      answerDelayMs = ms;
    },
    failChannel(channel, error) {
      failing.set(channel, error);
    },
    faultCounts,
    stop: async () => {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      await fake.close();
    },
  };
}
