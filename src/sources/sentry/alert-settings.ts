/**
 * The settings a Sentry alert rule saved for Threadline's alert-rule action (the
 * `alert-rule-action` component of `sentry-app-schema.json`): which channel, who to mention,
 * whether to thread. Sentry sends them as `[{name, value}]`: in an issue alert under
 * `data.issue_alert.settings`, in a metric alert per trigger action.
 */

/** A channel named by an option value: `<teamId>:<channelId>`, or a bare channel id (one workspace). */
export interface AlertChannel {
  teamId?: string;
  channelId: string;
}

const TEAM = /^[TE][A-Z0-9]{1,30}$/;
const CHANNEL = /^[CG][A-Z0-9]{2,30}$/;
/** A user group's id (Slack's `S…`), or none / @here. */
const SUBTEAM = /^S[A-Z0-9]{2,30}$/;

export type SettingList = readonly { name?: string | null; value?: unknown }[] | null | undefined;

/** The `[{name, value}]` list as a record of strings (other values are left out). */
export function settingsRecord(list: SettingList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of list ?? []) if (s?.name && typeof s.value === 'string') out[s.name] = s.value.trim();
  return out;
}

/** The channel an option value names, or null when it is not one. */
export function parseAlertChannel(value: string | undefined): AlertChannel | null {
  if (!value) return null;
  const parts = value.trim().split(':');
  if (parts.length === 1 && CHANNEL.test(parts[0])) return { channelId: parts[0] };
  if (parts.length === 2 && TEAM.test(parts[0]) && CHANNEL.test(parts[1])) return { teamId: parts[0], channelId: parts[1] };
  return null;
}

export const formatAlertChannel = (c: AlertChannel) => (c.teamId ? `${c.teamId}:${c.channelId}` : c.channelId);

/** `none`, `@here` or a user group id; null when the value is none of them. */
export function parseMention(value: string | undefined): 'none' | '@here' | { subteam: string } | null {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'none') return 'none';
  if (v === '@here' || v === 'here') return '@here';
  const m = /^<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>$/.exec(v);
  const id = m ? m[1] : v;
  return SUBTEAM.test(id) ? { subteam: id } : null;
}

export const parseThread = (value: string | undefined): 'on' | 'off' | null => {
  const v = value?.trim().toLowerCase() ?? '';
  return v === '' || v === 'on' ? 'on' : v === 'off' ? 'off' : null;
};

/**
 * One chosen channel with the settings its action saved. `mention` is Slack's own token, built here
 * from a validated id only (`<!here>`, `<!subteam^S…>`); `thread` is set only when off.
 */
export interface AlertChoice {
  channel: string;
  mention?: '@here' | { subteam: string };
  thread?: 'off';
}

function choiceOf(list: SettingList): AlertChoice | null {
  const rec = settingsRecord(list);
  const c = parseAlertChannel(rec.channel);
  if (!c) return null;
  const mention = parseMention(rec.mention);
  const thread = parseThread(rec.thread);
  return {
    channel: formatAlertChannel(c),
    ...(mention && mention !== 'none' ? { mention } : {}),
    ...(thread === 'off' ? { thread } : {}),
  };
}

/** An issue alert's one chosen channel and its settings. */
export function issueAlertChoices(settings: SettingList): AlertChoice[] {
  const c = choiceOf(settings);
  return c ? [c] : [];
}

/** The channels an issue alert's settings name (its one `channel`). */
export function issueAlertChannels(settings: SettingList): string[] {
  return issueAlertChoices(settings).map((c) => c.channel);
}

export interface TriggerLike {
  label?: string | null;
  actions?: readonly { type?: string | null; settings?: SettingList }[] | null;
}

/**
 * A metric alert's Threadline actions: the trigger matching the action (critical or warning), or
 * for `resolved` every trigger's. An action is ours when its settings name a channel in our value
 * form (other integrations' actions carry other settings). A channel named by several actions
 * keeps the first one's settings, in the order Sentry lists the triggers.
 */
export function metricAlertChoices(triggers: readonly TriggerLike[] | null | undefined, action: string): AlertChoice[] {
  const chosen = (triggers ?? []).filter((t) => action === 'resolved' || t.label === action);
  const out = new Map<string, AlertChoice>();
  for (const t of chosen) {
    for (const a of t.actions ?? []) {
      if (a.type && a.type !== 'sentry_app') continue;
      const c = choiceOf(a.settings);
      if (c && !out.has(c.channel)) out.set(c.channel, c);
    }
  }
  return [...out.values()];
}

/** The channels of a metric alert's Threadline actions (see `metricAlertChoices`). */
export function metricAlertChannels(triggers: readonly TriggerLike[] | null | undefined, action: string): string[] {
  return metricAlertChoices(triggers, action).map((c) => c.channel);
}

/**
 * The settings of one chosen channel as a routing value: a query string such as
 * `channel=T1%3AC1&mention=%40here&thread=off`. They travel beside `routing.channels` (whose
 * values stay `<teamId>:<channelId>`) in `routing.channelSettings`, one entry per channel that set any.
 */
export function channelSettingsValue(c: AlertChoice): string | null {
  if (!c.mention && !c.thread) return null;
  const q = new URLSearchParams({ channel: c.channel });
  if (c.mention) q.set('mention', c.mention === '@here' ? '@here' : c.mention.subteam);
  if (c.thread) q.set('thread', c.thread);
  return q.toString();
}

/** The routing fields carrying an alert's chosen channels and their settings, absent when none. */
export function alertRoutingFields(choices: AlertChoice[]): { channels?: string[]; channelSettings?: string[] } {
  const settings = choices.map(channelSettingsValue).filter((v): v is string => v !== null);
  return {
    ...(choices.length ? { channels: choices.map((c) => c.channel) } : {}),
    ...(settings.length ? { channelSettings: settings } : {}),
  };
}
