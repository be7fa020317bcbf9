/**
 * All configuration, parsed once from an env-like object. `main.ts` is the only caller that passes
 * `process.env`; everything else receives a `Config`.
 */

import { z } from 'zod';
import { parseKey } from './crypto.js';
import { parseRedisUrl, type RedisTarget } from './store/redis/target.js';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Short secrets are guessable and are usually a placeholder left in by mistake (`dev`). */
export const MIN_SECRET_LENGTH = 8;

const secret = optionalString.refine((v) => v === undefined || v.length >= MIN_SECRET_LENGTH, {
  message: `must be at least ${MIN_SECRET_LENGTH} characters`,
});

/** A comma-separated rotation list: every entry must be a real secret, so `,` cannot slip through as "off". */
const secretList = optionalString.superRefine((v, ctx) => {
  if (v === undefined) return;
  const entries = v.split(',').map((s) => s.trim());
  if (entries.some((s) => s === '')) {
    ctx.addIssue({ code: 'custom', message: 'has an empty entry: give a comma-separated list of secrets (old,new)' });
  } else if (entries.some((s) => s.length < MIN_SECRET_LENGTH)) {
    ctx.addIssue({ code: 'custom', message: `each comma-separated secret must be at least ${MIN_SECRET_LENGTH} characters` });
  }
});

const encryptionKey = optionalString.refine(
  (v) => {
    if (v === undefined) return true;
    if (!/^[A-Za-z0-9+/=_-]+$/.test(v)) return false;
    try {
      parseKey(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be 32 bytes, base64 or base64url encoded (openssl rand -base64 32)' },
);

const url = (name: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), { message: `must be an http(s) URL` })
    .describe(name);

const intIn = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `must be between ${min} and ${max}` });

const schema = z.object({
  PORT: intIn(0, 65535).prefault('3000'),
  REDIS_URL: optionalString.transform((v, ctx) => {
    if (v === undefined) return undefined;
    try {
      return { url: v, target: parseRedisUrl(v) };
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  REDIS_PREFIX: z.string().default('threadline:'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  SLACK_SIGNING_SECRET: secret,
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xox'), {
    message: 'must be a Slack token (xoxb-…)',
  }),
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: secret,
  SLACK_API_URL: url('SLACK_API_URL').default('https://slack.com/api/'),
  SENTRY_CLIENT_SECRET: secretList,
  SENTRY_CLIENT_ID: optionalString,
  SENTRY_AUTH_TOKEN: optionalString,
  SENTRY_URL: url('SENTRY_URL').default('https://sentry.io'),
  BUGSEE_WEBHOOK_SECRET: secret,
  PUBLIC_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v), {
    message: 'must be an http(s) URL',
  }),
  SENTRY_APP_SLUG: optionalString.refine((v) => v === undefined || /^[a-z0-9_-]{1,100}$/.test(v), {
    message: 'must be the Sentry app slug (a-z, 0-9, - and _)',
  }),
  SENTRY_ACTIONS_REQUIRE_MEMBER: optionalString.refine((v) => v === undefined || /^(true|false|1|0|on|off|yes|no)$/i.test(v), {
    message: 'must be true or false',
  }),
  BUGSEE_API_TOKEN: optionalString,
  BUGSEE_API_URL: url('BUGSEE_API_URL').default('https://api.bugsee.com'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  THREADLINE_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  THREADLINE_ENCRYPTION_KEY: encryptionKey,
  WORKER_CONCURRENCY: intIn(1, 256).prefault('64'),
  SLACK_CHANNEL_INTERVAL_MS: intIn(0, 60_000).prefault('1000'),
  SIZE_REGRESSION_THRESHOLD_PCT: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a non-negative number')
    .transform(Number)
    .prefault('5'),
  SHUTDOWN_TIMEOUT_MS: intIn(0, 600_000).prefault('25000'),
  SLACK_TIMEOUT_MS: intIn(100, 120_000).prefault('10000'),
  SLACK_OUTAGE_MAX_MS: intIn(0, 30 * 24 * 3600_000).prefault('86400000'),
  TEAM_CONCURRENCY: intIn(1, 256).prefault('8'),
  SLACK_LOOKUPS_PER_MINUTE: intIn(0, 10_000).prefault('1'),
  QUEUE_LEASE_MS: intIn(1000, 600_000).prefault('30000'),
  DEAD_LETTER_MAX_COUNT: intIn(1, 10_000_000).prefault('10000'),
  DEAD_LETTER_MAX_BYTES: intIn(1024, Number.MAX_SAFE_INTEGER).prefault(String(256 * 1024 * 1024)),
  PREVIEW_ALLOW_REMOTE: z
    .enum(['0', '1', ''])
    .default('')
    .transform((v) => v === '1'),
  LINK_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine((hosts) => hosts.every((h) => /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(h)), {
      message: 'must be comma-separated host names (a leading *. allows subdomains)',
    }),
});

export type RawConfig = z.output<typeof schema>;

export interface Config {
  port: number;
  redisUrl?: string;
  /** What `redisUrl` names: one node, a Sentinel-watched master, or a Cluster. */
  redis?: RedisTarget;
  redisPrefix: string;
  dataDir: string;
  role: 'all' | 'web' | 'worker';
  logLevel: RawConfig['LOG_LEVEL'];
  encryptionKey?: string;
  workerConcurrency: number;
  shutdownTimeoutMs: number;
  /** How long a worker holds a job before another may take it (a crashed worker's job runs again after this). */
  queueLeaseMs: number;
  /** The service's public base URL, for links it hands out (connect, webhook URLs); no trailing slash. */
  publicUrl: string;
  slack: {
    signingSecret?: string;
    botToken?: string;
    clientId?: string;
    clientSecret?: string;
    stateSecret?: string;
    apiUrl: string;
    channelIntervalMs: number;
    timeoutMs: number;
    /** How long a delivery waits out transient Slack failures (5xx, timeouts, 429) before it is dead-lettered. */
    outageMaxMs: number;
    /** Slack calls in flight per team, across processes: a slow workspace delays only itself. */
    teamConcurrency: number;
    /** Own-message lookups (conversations.history/replies) per workspace per minute; 0 turns them off. */
    lookupsPerMinute: number;
    /** No bot token and no OAuth: every Slack call is logged instead of sent. */
    dryRun: boolean;
    mode: 'single' | 'oauth' | 'dry-run';
  };
  /** `clientSecrets` in rotation order, oldest first: all verify incoming signatures, the last signs outgoing auth. */
  sentry: {
    clientSecrets: string[];
    clientId?: string;
    authToken?: string;
    url: string;
    /** The public integration's slug, for its external-install page. */
    appSlug?: string;
    /** A Sentry button acts only for a Slack user whose email is a member of the org. */
    actionsRequireMember: boolean;
  };
  bugsee: { webhookSecret?: string; apiToken?: string; apiUrl: string };
  sizeRegressionThresholdPct: number;
  /** Caps of each dead-letter pool (rejected webhooks; failed deliveries): the oldest go first. */
  deadLetters: { maxCount: number; maxBytes: number };
  /** Hosts (or `*.domain`) messages may link to, besides the sources' own and the fixed VCS hosts. */
  linkHosts: string[];
  /** The dry-run preview page (`/preview`): answers loopback only unless `allowRemote`. */
  preview: { allowRemote: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses every variable; throws `ConfigError` naming each bad variable and why. */
export function readConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), reason: i.message })));
  }
  const c = parsed.data;
  const problems: { variable: string; reason: string }[] = [];
  const oauthVars = [c.SLACK_CLIENT_ID, c.SLACK_CLIENT_SECRET, c.SLACK_STATE_SECRET];
  const oauth = oauthVars.every(Boolean);
  if (oauthVars.some(Boolean) && !oauth) {
    for (const [name, v] of [
      ['SLACK_CLIENT_ID', c.SLACK_CLIENT_ID],
      ['SLACK_CLIENT_SECRET', c.SLACK_CLIENT_SECRET],
      ['SLACK_STATE_SECRET', c.SLACK_STATE_SECRET],
    ] as const) {
      if (!v) problems.push({ variable: name, reason: 'is required when any of SLACK_CLIENT_ID/SECRET/STATE_SECRET is set' });
    }
  }
  if ((c.SLACK_BOT_TOKEN || oauth) && !c.SLACK_SIGNING_SECRET) {
    problems.push({ variable: 'SLACK_SIGNING_SECRET', reason: 'is required when Slack credentials are set' });
  }
  if (c.REDIS_URL?.target.kind === 'cluster' && /[{}]/.test(c.REDIS_PREFIX)) {
    problems.push({ variable: 'REDIS_PREFIX', reason: 'must not contain { or } on a Redis Cluster: the keys carry their own hash tags' });
  }
  if (problems.length) throw new ConfigError(problems);
  const mode = oauth ? 'oauth' : c.SLACK_BOT_TOKEN ? 'single' : 'dry-run';
  return {
    port: c.PORT,
    redisUrl: c.REDIS_URL?.url,
    redis: c.REDIS_URL?.target,
    redisPrefix: c.REDIS_PREFIX,
    dataDir: c.DATA_DIR,
    role: c.THREADLINE_ROLE,
    logLevel: c.LOG_LEVEL,
    encryptionKey: c.THREADLINE_ENCRYPTION_KEY,
    workerConcurrency: c.WORKER_CONCURRENCY,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    queueLeaseMs: c.QUEUE_LEASE_MS,
    publicUrl: (c.PUBLIC_URL ?? `http://127.0.0.1:${c.PORT}`).replace(/\/+$/, ''),
    slack: {
      signingSecret: c.SLACK_SIGNING_SECRET,
      botToken: c.SLACK_BOT_TOKEN,
      clientId: c.SLACK_CLIENT_ID,
      clientSecret: c.SLACK_CLIENT_SECRET,
      stateSecret: c.SLACK_STATE_SECRET,
      apiUrl: c.SLACK_API_URL.endsWith('/') ? c.SLACK_API_URL : `${c.SLACK_API_URL}/`,
      channelIntervalMs: c.SLACK_CHANNEL_INTERVAL_MS,
      timeoutMs: c.SLACK_TIMEOUT_MS,
      outageMaxMs: c.SLACK_OUTAGE_MAX_MS,
      teamConcurrency: c.TEAM_CONCURRENCY,
      lookupsPerMinute: c.SLACK_LOOKUPS_PER_MINUTE,
      dryRun: mode === 'dry-run',
      mode,
    },
    sentry: {
      clientSecrets: (c.SENTRY_CLIENT_SECRET ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      clientId: c.SENTRY_CLIENT_ID,
      authToken: c.SENTRY_AUTH_TOKEN,
      url: c.SENTRY_URL.replace(/\/+$/, ''),
      appSlug: c.SENTRY_APP_SLUG,
      // Off by default with one workspace: its people are the org's. On with many: a stranger's click must not act.
      actionsRequireMember:
        c.SENTRY_ACTIONS_REQUIRE_MEMBER === undefined ? mode === 'oauth' : /^(true|1|on|yes)$/i.test(c.SENTRY_ACTIONS_REQUIRE_MEMBER),
    },
    bugsee: { webhookSecret: c.BUGSEE_WEBHOOK_SECRET, apiToken: c.BUGSEE_API_TOKEN, apiUrl: c.BUGSEE_API_URL.replace(/\/+$/, '') },
    sizeRegressionThresholdPct: c.SIZE_REGRESSION_THRESHOLD_PCT,
    deadLetters: { maxCount: c.DEAD_LETTER_MAX_COUNT, maxBytes: c.DEAD_LETTER_MAX_BYTES },
    linkHosts: c.LINK_HOSTS,
    preview: { allowRemote: c.PREVIEW_ALLOW_REMOTE },
  };
}
