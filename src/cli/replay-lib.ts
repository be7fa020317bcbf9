/**
 * Pure helpers of the replay CLI: which source and Sentry resource a saved payload is, and the
 * exact HTTP request that delivers it the way Sentry or Bugsee would (signed, fresh delivery id).
 */

import { createHmac } from 'node:crypto';
import path from 'node:path';

export type ReplaySource = 'sentry' | 'bugsee';

export const SENTRY_RESOURCES = [
  'installation',
  'issue',
  'event_alert',
  'error',
  'comment',
  'metric_alert',
  'seer',
  'preprod_artifact',
] as const;
export type SentryResource = (typeof SENTRY_RESOURCES)[number];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isResource = (v: string): v is SentryResource => (SENTRY_RESOURCES as readonly string[]).includes(v);

/** Bugsee envelopes carry `type` + `payload`; Sentry deliveries carry `action` + `data`. */
export function detectSource(json: unknown): ReplaySource | undefined {
  if (!isRecord(json)) return undefined;
  if (typeof json.type === 'string' && isRecord(json.payload)) return 'bugsee';
  if (typeof json.action === 'string' && 'data' in json) return 'sentry';
  return undefined;
}

const SEER_ACTIONS = /^(root_cause|solution|coding)_(started|completed)$|^pr_created$|^pr_ready_for_review$/;
const PREPROD_ACTIONS = /^(size_analysis|build_distribution)_completed$/;

/**
 * The Sentry-Hook-Resource of a payload: the folder it is saved in when that names a resource
 * (`fixtures/sentry/<resource>/…`), else what its `data` holds, else what its action implies.
 */
export function detectSentryResource(file: string | undefined, json: unknown): SentryResource | undefined {
  if (file) {
    const dir = path.basename(path.dirname(file));
    if (isResource(dir)) return dir;
  }
  if (!isRecord(json)) return undefined;
  const data = isRecord(json.data) ? json.data : {};
  const has = (k: string) => k in data;
  if (has('metric_alert')) return 'metric_alert';
  if (has('event') || has('issue_alert') || has('triggered_rule')) return 'event_alert';
  if (has('comment') || has('comment_id')) return 'comment';
  if (has('error')) return 'error';
  if (has('issue')) return 'issue';
  if (has('installation')) return 'installation';
  if (has('run_id') || has('group_id')) return 'seer';
  if (has('buildId')) return 'preprod_artifact';
  const action = typeof json.action === 'string' ? json.action : '';
  if (SEER_ACTIONS.test(action)) return 'seer';
  if (PREPROD_ACTIONS.test(action)) return 'preprod_artifact';
  if (action === 'triggered') return 'event_alert';
  if (action === 'critical' || action === 'warning') return 'metric_alert';
  return undefined;
}

/** Sentry-Hook-Signature: hex HMAC-SHA256 of the exact body bytes. */
export function signSentry(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export interface ReplayOptions {
  files: string[];
  url: string;
  source?: ReplaySource;
  secret?: string;
  bugseeToken?: string;
  keepIds: boolean;
  delayMs: number;
  scenario?: string;
  help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const usage = (scenarios: string[]) => `usage: replay <file-or-dir>... [options]
       replay --scenario <name> [options]

Posts saved Sentry or Bugsee payloads to a running Threadline, signed as the sender would sign them.

  --url URL            service base URL (default http://localhost:3000)
  --source S           sentry | bugsee (default: detected from each payload)
  --secret S           Sentry client secret (default: env SENTRY_CLIENT_SECRET)
  --bugsee-token T     Bugsee webhook secret, sent as ?token= (default: env BUGSEE_WEBHOOK_SECRET, else --secret)
  --keep-ids           send the saved bytes as they are (no _replay nonce, no Request-ID, same envelope id):
                       a second replay is then a duplicate
  --delay MS           pause between deliveries (default 300)
  --scenario NAME      a built-in story from fixtures/: ${scenarios.join(', ')}
  -h, --help           this text

Prints one line per delivery: the answer code, the file and the answer body. Exits 1 if any answer is not 2xx.`;

export function parseReplayArgs(argv: string[]): ReplayOptions {
  const opts: ReplayOptions = { files: [], url: 'http://localhost:3000', keepIds: false, delayMs: 300, help: false };
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const arg = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const take = (name: string) => {
      if (inline !== undefined) return inline;
      const v = value(i, name);
      i += 1;
      return v;
    };
    switch (arg) {
      case '--url':
        opts.url = take(arg).replace(/\/+$/, '');
        if (!/^https?:\/\//.test(opts.url)) throw new UsageError('--url must be an http(s) URL');
        break;
      case '--source': {
        const s = take(arg);
        if (s !== 'sentry' && s !== 'bugsee') throw new UsageError('--source must be sentry or bugsee');
        opts.source = s;
        break;
      }
      case '--secret':
        opts.secret = take(arg);
        break;
      case '--bugsee-token':
        opts.bugseeToken = take(arg);
        break;
      case '--keep-ids':
        opts.keepIds = true;
        break;
      case '--delay': {
        const d = take(arg);
        if (!/^\d+$/.test(d)) throw new UsageError('--delay must be a whole number of milliseconds');
        opts.delayMs = Number(d);
        break;
      }
      case '--scenario':
        opts.scenario = take(arg);
        break;
      case '-h':
      case '--help':
        opts.help = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        opts.files.push(raw);
    }
  }
  if (!opts.help && opts.files.length === 0 && !opts.scenario) throw new UsageError('give files or folders to replay, or --scenario');
  return opts;
}

export interface ReplayRequest {
  file: string;
  source: ReplaySource;
  /** `sentry/issue`, `bugsee/feedback.message.in`: for the printed line. */
  label: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface BuildDeps {
  /** Fresh delivery ids (Request-ID / envelope id). */
  newId: () => string;
  /** Unix seconds for Sentry-Hook-Timestamp. */
  nowSeconds: () => number;
}

/**
 * The saved bytes with a top-level `"_replay": "<nonce>"` added before the closing brace (the
 * schemas let unknown keys through). The service takes the same body twice for a replay whatever
 * its Request-ID, so a fresh delivery needs bytes of its own.
 */
export function withReplayNonce(text: string, nonce: string): string {
  const rest = text.trimEnd();
  if (!rest.endsWith('}')) return text;
  const head = rest.slice(0, -1).trimEnd();
  return `${head}${head.endsWith('{') ? '' : ','}"_replay":${JSON.stringify(nonce)}}`;
}

/**
 * The request that delivers one saved payload. A Sentry body is sent as saved plus a `_replay`
 * nonce, signed over the exact bytes sent (as saved with `--keep-ids`); a Bugsee envelope is
 * re-serialised only when it gets a fresh `id`.
 */
export function buildReplayRequest(file: string, text: string, opts: ReplayOptions, deps: BuildDeps): ReplayRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not JSON`);
  }
  const source = opts.source ?? detectSource(json);
  if (!source)
    throw new UsageError(`${file}: neither a Sentry delivery (action + data) nor a Bugsee envelope (type + payload); pass --source`);
  if (source === 'sentry') {
    const resource = detectSentryResource(file, json);
    if (!resource)
      throw new UsageError(`${file}: cannot tell which Sentry resource this is; save it under a folder named after it (e.g. issue/)`);
    if (!opts.secret) throw new UsageError('Sentry payloads need a secret: pass --secret or set SENTRY_CLIENT_SECRET');
    const requestId = opts.keepIds ? undefined : deps.newId();
    const body = requestId ? withReplayNonce(text, requestId) : text;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'sentry-hook-resource': resource,
      'sentry-hook-timestamp': String(deps.nowSeconds()),
      'sentry-hook-signature': signSentry(body, opts.secret),
    };
    if (requestId) headers['request-id'] = requestId;
    return { file, source, label: `sentry/${resource}`, url: `${opts.url}/webhooks/sentry`, headers, body };
  }
  const token = opts.bugseeToken ?? opts.secret;
  if (!token) throw new UsageError('Bugsee payloads need a token: pass --bugsee-token or set BUGSEE_WEBHOOK_SECRET');
  const type = isRecord(json) && typeof json.type === 'string' ? json.type : 'unknown';
  const body = opts.keepIds || !isRecord(json) ? text : JSON.stringify({ ...json, id: deps.newId() });
  return {
    file,
    source,
    label: `bugsee/${type}`,
    url: `${opts.url}/webhooks/bugsee?token=${encodeURIComponent(token)}`,
    headers: { 'content-type': 'application/json' },
    body,
  };
}

/** One line per delivery: code, what, file, answer body (newlines folded). */
export function formatAnswer(req: Pick<ReplayRequest, 'file' | 'label'>, status: number | 'ERR', body: string): string {
  return `${status} ${req.label} ${req.file} ${body.replace(/\s*\n\s*/g, ' ').trim()}`;
}

export const isSuccess = (status: number) => status >= 200 && status < 300;
