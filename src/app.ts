/**
 * One Express app: our routes plus Bolt's ExpressReceiver on `/slack/*`, built by a factory so
 * tests can start as many as they like on port 0.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type Express, type Request, type Response, type NextFunction, type Router } from 'express';
import { App, ExpressReceiver, type InstallationStore } from '@slack/bolt';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { lazyChild, redactUrl } from './log.js';
import type { Metrics } from './metrics.js';
import type { Store } from './store/store.js';
import type { Queue } from './queue/queue.js';
import type { Ingest } from './ingest/pipeline.js';
import { createWebhookHandler } from './ingest/routes.js';
import { SOURCES, type SourceDefinition } from './sources/index.js';
import { boltLogger } from './slack-bolt-logger.js';
import type { ConnectionContext } from './sources/kit/connection.js';
import { LOG_PATH_MAX, clipForLog, pathOf, routeLabel, statusLabel } from './http-labels.js';
import { REQUIRED_SCOPES } from './slack/requirements.js';
import { oauthCancelledPage, slackFutureTimestampGuard } from './slack/http-guards.js';

type BoltApp = App;

export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  queue?: Queue;
  ingest: Ingest;
  /** The sources (default: the built-in list). */
  sources?: readonly SourceDefinition[];
  /** What the sources' connection routes use (the Sentry connect flow). */
  connections?: ConnectionContext;
  /** OAuth mode: Bolt's installation store backed by ours. */
  installationStore?: InstallationStore;
  /** Registers commands, actions, App Home and lifecycle events on the Bolt app. */
  registerSlack?: (bolt: BoltApp) => void;
  readyTimeoutMs?: number;
  /** Dry-run only: the preview page's routes (`/preview`). Without it `/preview` is a 404. */
  preview?: Router;
}

export interface ThreadlineApp {
  express: Express;
  bolt: BoltApp | null;
  listen(port: number, host?: string): Promise<Server>;
  /** Stops accepting connections and waits for open requests. */
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): ThreadlineApp {
  const { config, logger, metrics, store } = deps;
  const app = express();
  let closing = false;
  app.disable('x-powered-by');
  // Webhook answers are tiny and never cached: hashing each for an ETag is wasted work.
  app.set('etag', false);
  app.set('trust proxy', true);

  /**
   * Every request, before it is routed: its id (echoed, and bound to its log lines), the
   * shutdown's `connection: close`, and on finish its metric and debug line. The logger it returns
   * is also left in `res.locals.log` for Express's handlers.
   */
  const startRequest = (req: IncomingMessage, res: ServerResponse): Logger => {
    const given = (req.headers['request-id'] as string | undefined) ?? (req.headers['x-request-id'] as string | undefined);
    // The sender picks this id, and it is bound to every log line of the request: keep it short
    // (plain ASCII cut: it is echoed in a response header).
    const reqId = given ? given.slice(0, LOG_PATH_MAX) : randomUUID();
    const log = lazyChild(logger, { reqId });
    (res as ServerResponse & { locals?: Record<string, unknown> }).locals = { reqId, log };
    res.setHeader('x-request-id', reqId);
    // Shutting down: keep-alive clients must reconnect elsewhere instead of holding this process.
    if (closing) res.setHeader('connection', 'close');
    // The target as received: Express's handlers rewrite req.url when mounted.
    const url = req.url ?? '/';
    res.on('finish', () => {
      const path = pathOf(url);
      metrics.httpRequests.inc({ route: routeLabel(path), status: statusLabel(res.statusCode) });
      // The line's fields (a redacted URL) are built only when the line is written.
      if (logger.isLevelEnabled('debug') && path !== '/healthz' && path !== '/metrics') {
        log.debug({ method: clipForLog(req.method ?? '', 16), url: clipForLog(redactUrl(url)), status: res.statusCode }, 'request');
      }
    });
    return log;
  };

  // Requests that reach Express without the server's listener (a test mounting `express` itself).
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!res.locals.reqId) startRequest(req, res);
    next();
  });

  const sources = deps.sources ?? SOURCES;
  const webhooks = createWebhookHandler({ ingest: deps.ingest, sources });
  /** The server's listener: webhooks first (the hot path, without Express), then the app. */
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const log = startRequest(req, res);
    if (!webhooks(req, res, log)) app(req, res);
  };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('store ping timed out')), deps.readyTimeoutMs ?? 1000).unref(),
    );
    try {
      await Promise.race([store.ping(), timeout]);
      res.json({ status: 'ready', store: store.kind });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', store: store.kind, reason: (err as Error).message });
    }
  });

  app.get('/metrics', async (_req, res) => {
    if (deps.queue) {
      try {
        const c = await deps.queue.counts();
        for (const [state, n] of Object.entries(c)) metrics.queueDepth.set({ state }, n);
        const { oldestAt } = await deps.queue.backlog();
        metrics.backlogOldestSeconds.set(oldestAt === null ? 0 : Math.max(0, Date.now() - oldestAt) / 1000);
      } catch {
        // A scrape must not fail because the queue is down; /readyz reports that.
      }
    }
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  // A source's own routes (setup, options, connection callbacks) sit beside its webhook.
  for (const source of sources) {
    if (!source.routes) continue;
    const router = express.Router();
    source.routes(router, { store, logger, config, connections: deps.connections });
    app.use(router);
  }

  if (deps.preview) app.use(deps.preview);

  let boltApp: BoltApp | null = null;
  const s = config.slack;
  if (s.signingSecret) {
    const oauth = s.mode === 'oauth';
    // Before the receiver: Express runs these ahead of the router Bolt adds to `app`.
    app.use('/slack', slackFutureTimestampGuard());
    if (oauth) app.get('/slack/oauth_redirect', oauthCancelledPage(logger));
    const receiver = new ExpressReceiver({
      signingSecret: s.signingSecret,
      endpoints: '/slack/events',
      processBeforeResponse: false,
      app,
      logger: boltLogger(logger),
      ...(oauth
        ? {
            clientId: s.clientId,
            clientSecret: s.clientSecret,
            stateSecret: s.stateSecret,
            scopes: [...REQUIRED_SCOPES],
            installationStore: deps.installationStore,
            installerOptions: {
              directInstall: true,
              installPath: '/slack/install',
              redirectUriPath: '/slack/oauth_redirect',
              clientOptions: { slackApiUrl: s.apiUrl },
            },
          }
        : {}),
    });
    boltApp = new App({
      receiver,
      logger: boltLogger(logger),
      clientOptions: { slackApiUrl: s.apiUrl },
      ...(oauth
        ? {}
        : s.botToken
          ? { token: s.botToken, tokenVerificationEnabled: false }
          : // Dry-run with a signing secret: commands still work; Web API calls go nowhere useful.
            { authorize: async () => ({ botToken: 'xoxb-dry-run' }) }),
    });
    deps.registerSlack?.(boltApp);
  } else {
    app.all('/slack/{*rest}', (_req, res) => {
      res.status(503).json({ status: 'error', reason: 'Slack is not configured: set SLACK_SIGNING_SECRET (see README)' });
    });
  }

  app.use((_req, res) => {
    res.status(404).json({ status: 'error', reason: 'not found' });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    ((res.locals.log as Logger | undefined) ?? logger).error({ err }, 'unhandled error');
    if (!res.headersSent) res.status(500).json({ status: 'error', reason: 'internal error' });
  });

  let server: Server | undefined;
  return {
    express: app,
    bolt: boltApp,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const srv = createServer(listener);
        srv.once('error', reject);
        srv.listen(port, host ?? '0.0.0.0', () => {
          srv.removeListener('error', reject);
          resolve(srv);
        });
        server = srv;
        // Keep-alive sockets would hold `close()` open; let idle ones go.
        srv.keepAliveTimeout = 5000;
      });
    },
    close() {
      closing = true;
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections?.();
      });
    },
  };
}
