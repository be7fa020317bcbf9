/**
 * `POST /webhooks/<source>` for every source: a credential precheck, then the raw body (≤ 1 MiB)
 * before any JSON parsing, then the shared pipeline. Every answer is JSON `{status, reason?}` with
 * a CONTRACT status code, in this order: a missing or malformed credential 401 (body not read);
 * 413; 415; a wrong credential 401; 400; 202; 422.
 */

import express, { type Request, type Response, type NextFunction, Router } from 'express';
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

function flatten(obj: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(obj))
    out[k.toLowerCase()] = Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
  return out;
}

/**
 * `res.status(status).json(body)` without Express's general-purpose `send` (its Content-Type
 * lookup, ETag and freshness checks): every answer here is a small JSON object, on the hot path.
 */
function answerJson(res: Response, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

/** Headers and query, lower-cased and flattened once per request (the precheck's, reused by the handler). */
interface Head {
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
}

export function createWebhookRouter(deps: {
  ingest: Ingest;
  logger: Logger;
  now?: () => Date;
  sources?: readonly SourceDefinition[];
}): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: MAX_BODY_BYTES });
  const logOf = (res: Response) => (res.locals.log as Logger | undefined) ?? deps.logger;
  const refuse = (res: Response, source: string, reason: string, answer: IngestAnswer) => {
    deps.ingest.refused(source, reason, answer, logOf(res));
    answerJson(res, answer.status, answer.body);
  };
  for (const { name: source } of deps.sources ?? SOURCES) {
    const precheck = (req: Request, res: Response, next: NextFunction) => {
      const head: Head = { headers: flatten(req.headers), query: flatten(req.query) };
      res.locals.head = head;
      const answer = deps.ingest.precheck({ source, ...head }, logOf(res));
      if (!answer) return next();
      // The body is never read: close the connection rather than drain it.
      res.setHeader('Connection', 'close');
      answerJson(res, answer.status, answer.body);
    };
    // Body-parser errors (too large, aborted).
    const unreadable = (err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (err?.type === 'entity.too.large' || err?.status === 413) {
        return refuse(res, source, 'too_large', { status: 413, body: { status: 'error', reason: `body over ${MAX_BODY_BYTES} bytes` } });
      }
      if (err?.status && err.status >= 400 && err.status < 500) {
        return refuse(res, source, 'unreadable_body', { status: 400, body: { status: 'error', reason: 'unreadable body' } });
      }
      next(err);
    };
    router.post(`/webhooks/${source}`, precheck, raw, unreadable, async (req: Request, res: Response) => {
      const log = logOf(res);
      const problem = mediaTypeProblem(req.headers['content-type']);
      if (problem) {
        refuse(res, source, 'unsupported_media_type', { status: 415, body: { status: 'error', reason: problem } });
        return;
      }
      const head = (res.locals.head as Head | undefined) ?? { headers: flatten(req.headers), query: flatten(req.query) };
      const delivery: RawDelivery = {
        source,
        headers: head.headers,
        query: head.query,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        receivedAt: deps.now?.() ?? new Date(),
      };
      const answer = await deps.ingest.handle(delivery, log);
      answerJson(res, answer.status, answer.body);
    });
  }
  return router;
}
