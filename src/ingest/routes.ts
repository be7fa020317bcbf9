/**
 * `POST /webhooks/<source>` for every source: raw body (≤ 1 MiB) before any JSON parsing, then the
 * shared pipeline. Every answer is JSON `{status, reason?}` with a CONTRACT status code.
 */

import express, { type Request, type Response, type NextFunction, Router } from 'express';
import type { Logger } from '../log.js';
import { SOURCES, type SourceDefinition } from '../sources/index.js';
import type { RawDelivery } from './types.js';
import type { Ingest } from './pipeline.js';

export const MAX_BODY_BYTES = 1024 * 1024;

function isJson(req: Request): boolean {
  const ct = (req.headers['content-type'] ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
  return ct === 'application/json' || ct.endsWith('+json');
}

function flatten(obj: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(obj)) out[k.toLowerCase()] = Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
  return out;
}

export function createWebhookRouter(deps: { ingest: Ingest; logger: Logger; now?: () => Date; sources?: readonly SourceDefinition[] }): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: MAX_BODY_BYTES });
  for (const { name: source } of deps.sources ?? SOURCES) {
    router.post(`/webhooks/${source}`, raw, async (req: Request, res: Response) => {
      const log = (res.locals.log as Logger | undefined) ?? deps.logger;
      if (!isJson(req)) {
        res.status(415).json({ status: 'error', reason: 'Content-Type must be application/json' });
        return;
      }
      const delivery: RawDelivery = {
        source,
        headers: flatten(req.headers as Record<string, unknown>),
        query: flatten(req.query as Record<string, unknown>),
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        receivedAt: deps.now?.() ?? new Date(),
      };
      const answer = await deps.ingest.handle(delivery, log);
      res.status(answer.status).json(answer.body);
    });
  }
  // Body-parser errors (too large, aborted) for the webhook routes.
  router.use('/webhooks', (err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err?.type === 'entity.too.large' || err?.status === 413) {
      res.status(413).json({ status: 'error', reason: `body over ${MAX_BODY_BYTES} bytes` });
      return;
    }
    if (err?.status && err.status >= 400 && err.status < 500) {
      res.status(400).json({ status: 'error', reason: 'unreadable body' });
      return;
    }
    next(err);
  });
  return router;
}
