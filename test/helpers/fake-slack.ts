/**
 * A fake Slack Web API on 127.0.0.1 that records every call and answers like Slack. Faults can be
 * scripted per call: a Slack error, an HTTP status (429 with Retry-After, 5xx) or a hang.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  at: number;
}

export interface PostedMessage {
  ts: string;
  thread_ts?: string;
  text?: string;
  metadata?: unknown;
}

export type Fault =
  | { error: string }
  | { status: number; retryAfter?: number }
  | { hang: true }
  /** Answers normally, but only after `delayMs` (a slow Slack). */
  | { delayMs: number }
  /** Slack does the call (the message is posted) but the answer never comes: a timeout after the post. */
  | { acceptThenHang: true };

export interface FakeSlack {
  url: string;
  calls: SlackCall[];
  /** Calls answered with a scripted Slack error (not counted as delivered). */
  failures: SlackCall[];
  /** Calls of one method, optionally for one channel. */
  of(method: string, channel?: string): SlackCall[];
  /** Decides a fault per call (return undefined to answer normally). */
  fault: ((call: SlackCall) => Fault | undefined) | undefined;
  /** Fields added to a normal answer (a channel list for `conversations.list`, say). */
  answer: ((call: SlackCall) => Record<string, unknown> | undefined) | undefined;
  /** Messages posted, per channel, as conversations.history/replies return them. */
  messages: Map<string, PostedMessage[]>;
  /** The bot token `oauth.v2.access` grants (an OAuth install of team T1). */
  oauthBotToken: string;
  reset(): void;
  close(): Promise<void>;
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = v.startsWith('[') || v.startsWith('{') ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let n = 0;
  const fake: FakeSlack = {
    url: '',
    calls: [],
    failures: [],
    fault: undefined,
    answer: undefined,
    messages: new Map(),
    oauthBotToken: 'xoxb-fake-installed',
    of(method, channel) {
      return this.calls.filter((c) => c.method === method && (channel === undefined || c.args.channel === channel));
    },
    reset() {
      this.calls.length = 0;
      this.failures.length = 0;
      this.fault = undefined;
      this.answer = undefined;
      this.messages.clear();
    },
    close: async () => undefined,
  };
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const args = parseBody(raw, String(req.headers['content-type'] ?? ''));
      const auth = String(req.headers.authorization ?? '');
      const call: SlackCall = { method, args, token: auth.replace(/^Bearer /, '') || (args.token as string | undefined), at: Date.now() };
      const f = fake.fault?.(call);
      if (f && 'delayMs' in f) {
        setTimeout(() => answer(req, res, call, undefined), f.delayMs);
        return;
      }
      answer(req, res, call, f);
    });
  });
  function answer(req: http.IncomingMessage, res: http.ServerResponse, call: SlackCall, f: Fault | undefined) {
    const { method, args } = call;
    {
      if (f && 'hang' in f) {
        hanging.add(res);
        return;
      }
      if (f && 'status' in f) {
        if (f.retryAfter !== undefined) res.setHeader('Retry-After', String(f.retryAfter));
        res.statusCode = f.status;
        res.end(f.status === 429 ? '{"ok":false,"error":"ratelimited"}' : 'upstream error');
        return;
      }
      res.setHeader('content-type', 'application/json');
      if (f && 'error' in f) {
        fake.failures.push({ ...call, args: { ...call.args, _failed: f.error } });
        res.end(JSON.stringify({ ok: false, error: f.error }));
        return;
      }
      fake.calls.push(call);
      n += 1;
      const ts = (args.ts as string | undefined) ?? `${Math.floor(Date.now() / 1000)}.${String(n).padStart(6, '0')}`;
      const body: Record<string, unknown> = { ok: true, channel: args.channel, ts };
      const channel = String(args.channel ?? '');
      if (method === 'chat.postMessage') {
        const list = fake.messages.get(channel) ?? [];
        list.push({ ts, thread_ts: args.thread_ts as string | undefined, text: args.text as string | undefined, metadata: args.metadata });
        fake.messages.set(channel, list);
      }
      if (method === 'conversations.history' || method === 'conversations.replies') {
        // `oldest` inclusive, one page of `limit`; metadata only when asked for.
        const oldest = Number(args.oldest ?? 0);
        const all = (fake.messages.get(channel) ?? []).filter((m) =>
          method === 'conversations.replies' ? m.ts === args.ts || m.thread_ts === args.ts : !m.thread_ts,
        );
        const meta = args.include_all_metadata === true || args.include_all_metadata === 'true';
        // History comes newest first; a thread's replies oldest first, as Slack sends them.
        const since = all.filter((m) => Number(m.ts) >= oldest);
        const latest = args.latest === undefined ? Infinity : Number(args.latest);
        const ordered = (method === 'conversations.history' ? since.reverse() : since).filter((m) => Number(m.ts) <= latest);
        const from = Number(args.cursor ?? 0);
        const limit = Number(args.limit ?? 100);
        body.messages = ordered.slice(from, from + limit).map((m) => (meta ? m : { ...m, metadata: undefined }));
        body.has_more = from + limit < ordered.length;
        if (body.has_more) body.response_metadata = { next_cursor: String(from + limit) };
      }
      if (f && 'acceptThenHang' in f) {
        hanging.add(res);
        return;
      }
      if (method === 'users.info') body.user = { id: args.user, profile: { email: `${String(args.user).toLowerCase()}@example.com` } };
      if (method === 'users.lookupByEmail') {
        // Everyone is in the workspace except addresses at unknown.example: U + the local part.
        const email = String(args.email ?? '');
        if (email.endsWith('@unknown.example')) {
          fake.calls.pop();
          fake.failures.push({ ...call, args: { ...call.args, _failed: 'users_not_found' } });
          res.end(JSON.stringify({ ok: false, error: 'users_not_found' }));
          return;
        }
        body.user = {
          id: `U${email
            .split('@')[0]
            ?.replace(/[^a-z0-9]/gi, '')
            .toUpperCase()}`,
          profile: { email },
        };
      }
      if (method === 'auth.test') Object.assign(body, { team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' });
      if (method === 'oauth.v2.access') {
        Object.assign(body, {
          app_id: 'A1',
          authed_user: { id: 'U1' },
          scope: 'chat:write,commands',
          token_type: 'bot',
          access_token: fake.oauthBotToken,
          bot_user_id: 'UBOT',
          team: { id: 'T1', name: 'Acme' },
          enterprise: null,
          is_enterprise_install: false,
        });
      }
      Object.assign(body, fake.answer?.(call) ?? {});
      res.end(JSON.stringify(body));
    }
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  fake.close = () =>
    new Promise<void>((r) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      server.close(() => r());
    });
  return fake;
}
