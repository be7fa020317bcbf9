/**
 * The `fetch` the Slack Web API client is given: the few parts of it that the client uses, over
 * `node:http(s)` with keep-alive agents. Node's own fetch builds WHATWG streams, a Request and a
 * Response for every call; at two Slack calls per delivery that was a fifth of the worker's CPU.
 *
 * What the client sends is a POST with a string body (form-encoded or JSON); anything else (a
 * FormData upload, a stream) goes to the global fetch. Redirects are refused, as `redirect:
 * 'error'` asks (we never follow a URL we were not configured with). The answer's body is read
 * whole, up to `maxBodyBytes`.
 */

import http from 'node:http';
import https from 'node:https';

export interface HttpFetchOptions {
  /** Sockets per origin (default 256). */
  maxSockets?: number;
  /** The largest answer body read (default 16 MiB). */
  maxBodyBytes?: number;
}

/** The read-only part of `Headers` the client uses, over Node's lower-cased header object. */
class AnswerHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const k of Object.keys(this.raw)) yield [k, this.get(k) as string];
  }
  forEach(fn: (value: string, key: string) => void): void {
    for (const [k, v] of this.entries()) fn(v, k);
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

function headerRecord(h: RequestInit['headers']): Record<string, string> {
  if (!h) return {};
  if (h instanceof Headers) return Object.fromEntries(h.entries());
  if (Array.isArray(h)) return Object.fromEntries(h);
  return h as Record<string, string>;
}

export function createHttpFetch(opts: HttpFetchOptions = {}): typeof fetch {
  const maxSockets = opts.maxSockets ?? 256;
  const maxBodyBytes = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets }),
    'https:': new https.Agent({ keepAlive: true, maxSockets }),
  };

  const lean = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> | undefined => {
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof URLSearchParams)) return undefined;
    if (typeof input !== 'string' && !(input instanceof URL)) return undefined;
    const url = typeof input === 'string' ? new URL(input) : input;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    const payload = body === undefined || body === null ? undefined : String(body);
    const headers = { ...headerRecord(init.headers) };
    if (payload !== undefined) {
      headers['content-length'] = String(Buffer.byteLength(payload));
      // fetch sets this for a URLSearchParams body; the client sets it itself for a string one.
      if (body instanceof URLSearchParams && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
    }
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      const req = mod.request(
        url,
        { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:' | 'https:'], signal: init.signal ?? undefined },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400 && res.headers.location) {
            res.resume();
            reject(new TypeError(`redirect refused: ${status} from ${url.origin}`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBodyBytes) {
              res.destroy(new Error(`answer over ${maxBodyBytes} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.once('error', reject);
          res.once('end', () => {
            const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
            const text = async () => buf.toString('utf8');
            resolve({
              status,
              statusText: res.statusMessage ?? '',
              ok: status >= 200 && status < 300,
              url: url.href,
              redirected: false,
              headers: new AnswerHeaders(res.headers),
              text,
              json: async () => JSON.parse(buf.toString('utf8')) as unknown,
              arrayBuffer: async () => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
            } as unknown as Response);
          });
        },
      );
      req.once('error', (err) => reject(init.signal?.aborted ? (init.signal.reason ?? err) : err));
      req.end(payload);
    });
  };

  return (input: string | URL | Request, init?: RequestInit) => lean(input, init) ?? fetch(input, init);
}
