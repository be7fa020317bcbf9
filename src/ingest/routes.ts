/**
 * `POST /webhooks/<source>` for every source, answered by Node's own request and response
 * objects: the hot path, so it runs before Express (whose router, body parser and response
 * helpers were a fifth of a webhook's CPU). A credential precheck, then the raw body (≤ 1 MiB)
 * before any JSON parsing, then the shared pipeline. Every answer is JSON `{status, reason?}` with
 * a CONTRACT status code, in this order: a missing or malformed credential 401 (body not read);
 * 413; 415; a wrong credential 401; 400; 202; 422.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { SOURCES, type SourceDefinition } from '../sources/index.js';
import type { RawDelivery } from './types.js';
import type { Ingest } from './pipeline.js';
import type { IngestAnswer } from './answer.js';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Why a Content-Type is refused (415), or undefined when it is JSON in UTF-8. */
export function mediaTypeProblem(contentType: string | undefined): string | undefined {
  const [type = '', ...params] = (contentType ?? '')
    .toLowerCase()
    .split(';')
    .map((p) => p.trim());
  if (type !== 'application/json' && !type.endsWith('+json')) return 'Content-Type must be application/json';
  for (const param of params) {
    const [name, value = ''] = param.split('=').map((p) => p.trim());
    // JSON is UTF-8 (RFC 8259); a body that says otherwise would be decoded wrongly, so refuse it.
    if (name === 'charset' && !['utf-8', 'utf8'].includes(value.replace(/^"(.*)"$/, '$1'))) return 'charset must be utf-8';
  }
  return undefined;
}

/**
 * Why a Content-Encoding is refused (415): signatures are over the bytes as sent, and inflating a
 * sender's body would let a small request become a large one.
 */
export function encodingProblem(encoding: string | undefined): string | undefined {
  if (encoding === undefined) return undefined;
  const e = encoding.trim().toLowerCase();
  return e === '' || e === 'identity' ? undefined : 'Content-Encoding is not supported; send the body as is';
}

/** Header names lower-cased (Node does that) and repeated headers cut to their first value. */
function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k in headers) {
    const v = headers[k];
    out[k] = Array.isArray(v) ? v[0] : v;
  }
  return out;
}

/** The query string's parameters, names lower-cased, the first of repeated ones. */
function parseQuery(search: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!search) return out;
  for (const [k, v] of new URLSearchParams(search)) {
    const name = k.toLowerCase();
    if (!(name in out)) out[name] = v;
  }
  return out;
}

function answerJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  if (close) res.setHeader('Connection', 'close');
  res.end(json);
}

type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'unreadable_body' };

/**
 * The whole body, or why not. Over the limit, the rest is read and dropped before the answer (a
 * client still sending would otherwise see its connection reset instead of the 413).
 */
function readBody(req: IncomingMessage): Promise<BodyRead> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    let over = Number.isFinite(declared) && declared > MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (r: BodyRead) => {
      if (settled) return;
      settled = true;
      req.removeListener('data', onData);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      req.resume();
      settle(over ? { ok: false, reason: 'too_large' } : { ok: true, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
    });
    req.once('aborted', () => settle({ ok: false, reason: 'unreadable_body' }));
    req.once('error', () => settle({ ok: false, reason: 'unreadable_body' }));
  });
}

const REFUSALS: Record<'too_large' | 'unreadable_body', IngestAnswer> = {
  too_large: { status: 413, body: { status: 'error', reason: `body over ${MAX_BODY_BYTES} bytes` } },
  unreadable_body: { status: 400, body: { status: 'error', reason: 'unreadable body' } },
};

/**
 * Answers a webhook request and returns true, or returns false for anything else (another path or
 * method), which the caller hands to Express. Express matched case-insensitively and allowed a
 * trailing slash, so this does too.
 */
export type WebhookHandler = (req: IncomingMessage, res: ServerResponse, log: Logger) => boolean;

export function createWebhookHandler(deps: { ingest: Ingest; now?: () => Date; sources?: readonly SourceDefinition[] }): WebhookHandler {
  const byPath = new Map<string, string>();
  for (const { name } of deps.sources ?? SOURCES) byPath.set(`/webhooks/${name}`.toLowerCase(), name);

  const refuse = (res: ServerResponse, log: Logger, source: string, reason: string, answer: IngestAnswer, close = false) => {
    deps.ingest.refused(source, reason, answer, log);
    answerJson(res, answer.status, answer.body, close);
  };

  async function serve(req: IncomingMessage, res: ServerResponse, log: Logger, source: string, search: string) {
    const head = { headers: flattenHeaders(req.headers), query: parseQuery(search) };
    const early = deps.ingest.precheck({ source, ...head }, log);
    if (early) {
      // The body is never read: close the connection rather than drain it.
      answerJson(res, early.status, early.body, true);
      return;
    }
    const read = await readBody(req);
    if (!read.ok) return refuse(res, log, source, read.reason, REFUSALS[read.reason], read.reason === 'unreadable_body');
    const problem = mediaTypeProblem(head.headers['content-type']) ?? encodingProblem(head.headers['content-encoding']);
    if (problem) return refuse(res, log, source, 'unsupported_media_type', { status: 415, body: { status: 'error', reason: problem } });
    const delivery: RawDelivery = { source, ...head, body: read.body, receivedAt: deps.now?.() ?? new Date() };
    const answer = await deps.ingest.handle(delivery, log);
    answerJson(res, answer.status, answer.body);
  }

  return (req, res, log) => {
    if (req.method !== 'POST' || !req.url) return false;
    const q = req.url.indexOf('?');
    let path = q < 0 ? req.url : req.url.slice(0, q);
    if (path.length > 64) return false;
    path = path.toLowerCase();
    while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const source = byPath.get(path);
    if (!source) return false;
    serve(req, res, log, source, q < 0 ? '' : req.url.slice(q + 1)).catch((err: unknown) => {
      log.error({ err }, 'unhandled error');
      answerJson(res, 500, { status: 'error', reason: 'internal error' });
    });
    return true;
  };
}
