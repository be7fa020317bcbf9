/**
 * A Slack Web API that answers at once and remembers when each `chat.postMessage` arrived, keyed by
 * the event id the delivery puts in the message metadata (`metadata.event_payload.event_id`).
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface BenchSlack {
  url: string;
  /** event id → performance.now() of the first chat.postMessage naming it. */
  posted: Map<string, number>;
  calls: Record<string, number>;
  close(): Promise<void>;
}

function eventIdOf(raw: string, contentType: string): string | undefined {
  let metadata: unknown;
  if (contentType.includes('application/json')) {
    metadata = (JSON.parse(raw) as { metadata?: unknown }).metadata;
  } else {
    const m = new URLSearchParams(raw).get('metadata');
    metadata = m ? JSON.parse(m) : undefined;
  }
  const id = (metadata as { event_payload?: { event_id?: unknown } } | undefined)?.event_payload?.event_id;
  return typeof id === 'string' ? id : undefined;
}

export async function startBenchSlack(): Promise<BenchSlack> {
  let n = 0;
  const posted = new Map<string, number>();
  const calls: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      calls[method] = (calls[method] ?? 0) + 1;
      n += 1;
      const ts = `${1_700_000_000 + Math.floor(n / 1_000_000)}.${String(n % 1_000_000).padStart(6, '0')}`;
      if (method === 'chat.postMessage') {
        try {
          const id = eventIdOf(Buffer.concat(chunks).toString('utf8'), String(req.headers['content-type'] ?? ''));
          if (id && !posted.has(id)) posted.set(id, at);
        } catch {
          // An unreadable body is still answered: the bench counts it as a missing post.
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, ts, channel: 'C0', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    posted,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
