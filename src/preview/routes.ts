/**
 * `/preview` and its helpers, mounted only in dry-run: the page, its script, the live stream
 * (server-sent events) and the three things the page posts (a scenario, a click, a modal).
 */

import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { previewAccess, previewWriteGuard } from './access.js';
import { CLIENT_SCRIPT } from './client-script.js';
import type { PreviewClicks } from './clicks.js';
import { previewPageHtml } from './page.js';
import { channelDomId, channelListHtml, channelShellHtml, ephemeralsHtml, modalHtml, threadDomId, threadHtml } from './render.js';
import type { ScenarioRunner } from './scenarios.js';
import type { PretendWorkspace, WorkspaceChange } from './workspace.js';

export interface PreviewDeps {
  workspace: PretendWorkspace;
  clicks: PreviewClicks;
  scenarios: ScenarioRunner;
  logger: Logger;
  allowRemote: boolean;
  /** Open event streams at most (each holds a socket). Default 20. */
  maxStreams?: number;
  /** Scenario runs at once at most (each walks its fixtures). Default 4. */
  maxRuns?: number;
}

/** The page loads nothing but itself: no remote script, style, font, image or connection. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const clickSchema = z.strictObject({
  channel: z.string().min(1).max(64),
  ts: z.string().min(1).max(40),
  actionId: z.string().min(1).max(255),
  blockId: z.string().max(255).optional(),
  value: z.string().max(2000).optional(),
  selectedOption: z.string().max(2000).optional(),
  selectedUser: z.string().max(64).optional(),
});
const submitSchema = z.strictObject({ values: z.record(z.string().max(255), z.record(z.string().max(255), z.string().max(10_000))) });

function secure(res: Response): void {
  res.setHeader('content-security-policy', CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('referrer-policy', 'no-referrer');
}

export interface PreviewRoutes {
  router: Router;
  /** Ends the open event streams: a server waits for every open response before it closes. */
  closeStreams(): void;
}

export function createPreviewRouter(deps: PreviewDeps): PreviewRoutes {
  const { workspace } = deps;
  const router = express.Router();
  const maxStreams = deps.maxStreams ?? 20;
  const open = new Set<Response>();
  let closed = false;
  let running = 0;
  const maxRuns = deps.maxRuns ?? 4;

  /** The fragments one change needs, rendered once for every open page. */
  function changeData(change: WorkspaceChange): Record<string, unknown> {
    const nav = channelListHtml(workspace.channels());
    if (change.kind === 'cleared') return { kind: 'cleared', nav };
    if (change.kind === 'modal') {
      const m = workspace.modal(change.id);
      return { kind: 'modal', id: change.id, html: m ? modalHtml(m) : '' };
    }
    const base = { kind: change.kind, nav, sectionId: channelDomId(change.channel), section: channelShellHtml({ id: change.channel }) };
    if (change.kind === 'channel') {
      const c = workspace.channels().find((ch) => ch.id === change.channel);
      return { ...base, html: c ? ephemeralsHtml(c) : '' };
    }
    const t = workspace.thread(change.channel, change.ts);
    return t ? { ...base, id: threadDomId(change.channel, change.ts), html: threadHtml(t) } : { ...base, kind: 'none' };
  }

  router.use('/preview', previewAccess(deps.allowRemote));

  router.get('/preview', (_req, res) => {
    secure(res);
    res
      .type('html')
      .send(previewPageHtml({ channels: workspace.channels(), modals: workspace.modals(), scenarios: deps.scenarios.list() }));
  });

  router.get('/preview/app.js', (_req, res) => {
    secure(res);
    res.type('text/javascript').send(CLIENT_SCRIPT);
  });

  router.get('/preview/events', (req: Request, res: Response) => {
    if (closed || open.size >= maxStreams) {
      res.status(503).json({ status: 'error', reason: closed ? 'shutting down' : 'too many open preview pages' });
      return;
    }
    open.add(res);
    secure(res);
    // The socket goes with the stream, so ending the stream at shutdown leaves nothing open.
    res.writeHead(200, { 'content-type': 'text/event-stream', connection: 'close' });
    res.write('retry: 2000\n\n');
    const send = (change: WorkspaceChange) => res.write(`event: change\ndata: ${JSON.stringify(changeData(change))}\n\n`);
    const unsubscribe = workspace.subscribe(send);
    // A comment now and then keeps idle proxies and the browser from closing the stream.
    const beat = setInterval(() => res.write(': beat\n\n'), 20_000);
    beat.unref();
    req.on('close', () => {
      open.delete(res);
      clearInterval(beat);
      unsubscribe();
    });
  });

  const json = express.json({ limit: '64kb' });

  router.post('/preview/scenarios/:name', previewWriteGuard, (req, res) => {
    const name = String(req.params.name);
    if (!deps.scenarios.list().some((s) => s.name === name)) {
      res.status(404).json({ status: 'error', reason: 'no such scenario' });
      return;
    }
    if (running >= maxRuns) {
      res.status(429).json({ status: 'error', reason: 'scenarios are still running; try again when they finish' });
      return;
    }
    running += 1;
    // The page watches the stream; the answer only says the run started.
    deps.scenarios
      .run(name)
      .catch((err: unknown) => deps.logger.warn({ err, scenario: name }, 'preview scenario failed'))
      .finally(() => (running -= 1));
    res.status(202).json({ status: 'started', scenario: name });
  });

  router.post('/preview/actions', previewWriteGuard, json, async (req, res) => {
    const parsed = clickSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ status: 'error', reason: 'not a click' });
      return;
    }
    const found = await deps.clicks.click(parsed.data);
    if (!found) res.status(404).json({ status: 'error', reason: 'no such message or control' });
    else res.json({ status: 'ok' });
  });

  router.post('/preview/views/:id/close', previewWriteGuard, (req, res) => {
    workspace.closeModal(String(req.params.id));
    res.json({ status: 'ok' });
  });

  router.post('/preview/views/:id', previewWriteGuard, json, async (req, res) => {
    const parsed = submitSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ status: 'error', reason: 'not a modal submission' });
      return;
    }
    const result = await deps.clicks.submit({ viewId: String(req.params.id), values: parsed.data.values });
    if (!result.ok && !result.errors) res.status(404).json({ status: 'error', reason: 'no such modal' });
    else res.json({ status: result.ok ? 'ok' : 'invalid', errors: result.errors });
  });

  return {
    router,
    closeStreams() {
      closed = true;
      for (const res of open) res.end();
      open.clear();
    },
  };
}
