/**
 * Per-channel settings (`/threadline settings`). Several subscriptions may share a channel and an
 * event posts there once, so these belong to the channel, not to a subscription. One record per
 * channel in the KeyValue store (both stores), so every instance reads the same.
 *
 * `--mention`, `--threads`, `--broadcast` and `--new-thread-after`, as CONTRACT "Channel settings" fixes them.
 */

import { z } from 'zod';
import type { KeyValue } from '../store/store.js';
import { channelSettingsKey } from '../store/keys.js';

export interface ChannelSettings {
  /** `off`: the assignee is named, never @-mentioned. Default on. */
  mention?: 'on' | 'off';
  /** `off`: every event is its own message (the card, current), no thread. Default on. */
  threads?: 'on' | 'off';
  /** Which replies are also sent to the channel (`reply_broadcast`). Default off. */
  broadcast?: Broadcast;
  /** Days after the resolve from which a regression starts a new thread; 0: never (the default). */
  'new-thread-after'?: number;
}

export const BROADCASTS = ['regressions', 'critical', 'all', 'off'] as const;
export type Broadcast = (typeof BROADCASTS)[number];

export type SettingName = keyof ChannelSettings;

interface SettingSpec<N extends SettingName> {
  value: z.ZodType<NonNullable<ChannelSettings[N]>, string>;
  default: NonNullable<ChannelSettings[N]>;
  example: string;
  /** How the value reads in `list` and replies. */
  describe(value: NonNullable<ChannelSettings[N]> | undefined): string;
  help: string;
}

const onOff = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.enum(['on', 'off'], { message: 'must be on or off' }));

export const SETTING_SPECS: { [N in SettingName]: SettingSpec<N> } = {
  mention: {
    value: onOff,
    default: 'on',
    example: '--mention=off',
    describe: (v) => (v === 'off' ? 'assignees named, not mentioned' : 'assignees @-mentioned'),
    help: '`--mention=on|off`: @-mention the Slack user an issue is assigned to (on by default)',
  },
  threads: {
    value: onOff,
    default: 'on',
    example: '--threads=off',
    describe: (v) => (v === 'off' ? 'every event its own message' : 'one thread per issue, run, alert or build'),
    help: '`--threads=on|off`: `off` posts every event as its own message instead of threading it (on by default)',
  },
  broadcast: {
    value: z
      .string()
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.enum(BROADCASTS, { message: `must be one of ${BROADCASTS.join(', ')}` })),
    default: 'off',
    example: '--broadcast=regressions',
    describe: (v) =>
      v === 'regressions'
        ? 'regressions also sent to the channel'
        : v === 'critical'
          ? 'critical alerts also sent to the channel'
          : v === 'all'
            ? 'every reply also sent to the channel'
            : 'replies stay in their thread',
    help: '`--broadcast=regressions|critical|all|off`: also send those thread replies to the channel (off by default)',
  },
  'new-thread-after': {
    value: z.string().transform((s, ctx) => {
      const v = s.trim().toLowerCase();
      if (v === 'off') return 0;
      if (/^\d{1,4}$/.test(v) && Number(v) <= 3650) return Number(v);
      ctx.addIssue({ code: 'custom', message: 'must be a number of days (0 to 3650) or off' });
      return z.NEVER;
    }),
    default: 0,
    example: '--new-thread-after=30',
    describe: (v) => (v ? `a regression ${v} days or more after the resolve starts a new thread` : 'a regression continues its thread'),
    help: '`--new-thread-after=<days>|off`: a regression that many days after the resolve starts a new thread, whose first reply links the old one (off by default)',
  },
};

export const SETTING_NAMES = Object.keys(SETTING_SPECS) as SettingName[];

export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(SETTING_SPECS, name);
}

const stored = z.looseObject({
  mention: z.enum(['on', 'off']).optional(),
  threads: z.enum(['on', 'off']).optional(),
  broadcast: z.enum(BROADCASTS).optional(),
  'new-thread-after': z.number().int().min(0).optional(),
});

export interface ChannelSettingsRepo {
  get(teamId: string, channelId: string): Promise<ChannelSettings>;
  /** Merges `patch` into the channel's settings and returns the result. */
  update(teamId: string, channelId: string, patch: ChannelSettings): Promise<ChannelSettings>;
}

export function createChannelSettings(store: Pick<KeyValue, 'getRecord' | 'setRecord'>): ChannelSettingsRepo {
  async function get(teamId: string, channelId: string): Promise<ChannelSettings> {
    const r = stored.safeParse(await store.getRecord(channelSettingsKey(teamId, channelId)));
    // A record this version cannot read counts as the defaults rather than breaking delivery.
    return r.success ? Object.fromEntries(Object.entries(r.data).filter(([k]) => isSettingName(k))) : {};
  }
  return {
    get,
    async update(teamId, channelId, patch) {
      const next = { ...(await get(teamId, channelId)), ...patch };
      await store.setRecord(channelSettingsKey(teamId, channelId), next);
      return next;
    },
  };
}

/** "mention: assignees @-mentioned" lines, every setting with its current or default value. */
export function describeSettings(settings: ChannelSettings): string[] {
  return SETTING_NAMES.map(
    (name) => `\`--${name}=${settings[name] ?? SETTING_SPECS[name].default}\` (${SETTING_SPECS[name].describe(settings[name] as never)})`,
  );
}

/**
 * The words after `settings`: `--name=value` each, at most once. Throws a message naming the word
 * at fault (the caller's parse error). No words: show the settings.
 */
export function parseSettingsArgs(args: readonly string[], fail: (message: string) => never): ChannelSettings {
  const patch: Record<string, unknown> = {};
  for (const token of args) {
    if (!token.startsWith('--'))
      fail(`\`settings\` takes only --name=value, but got "${token}". Settings: ${SETTING_NAMES.map((n) => `--${n}`).join(', ')}.`);
    const eq = token.indexOf('=');
    const name = (eq < 0 ? token.slice(2) : token.slice(2, eq)).toLowerCase();
    if (!isSettingName(name)) fail(`Unknown setting "--${name}". Settings: ${SETTING_NAMES.map((n) => `--${n}`).join(', ')}.`);
    const spec = SETTING_SPECS[name];
    if (Object.hasOwn(patch, name)) fail(`"--${name}" is given twice.`);
    const r = spec.value.safeParse(eq < 0 ? '' : token.slice(eq + 1));
    if (!r.success) fail(`"--${name}" ${r.error.issues[0]?.message ?? 'is not valid'}, e.g. ${spec.example}.`);
    patch[name] = r.data;
  }
  return patch;
}
