/**
 * The texts `/threadline` answers with. Slack reads `<…>` as a control sequence even inside
 * backticks, and the parser echoes what was typed, so every reply is built here with the
 * templates' escaping (`md`, `esc`) and cut to Slack's limits between atoms (`cutText`).
 */

import type { SourceDefinition } from '../sources/index.js';
import type { Subscription } from '../store/store.js';
import { cutText, esc, LIMITS, Md, md } from '../../templates/blocks.js';
import { describeSubscription } from './describe.js';
import { helpText } from './help.js';
import { describeSettings, SETTING_SPECS, type ChannelSettings } from './settings.js';

/** Subscriptions per `list` page; with `LINE_MAX` a page stays far below Slack's 40,000. */
export const LIST_PAGE_SIZE = 20;
/** One subscription line at most (a long target with many filters). */
export const LINE_MAX = 500;

/** Escaped mrkdwn → the reply text, within Slack's limit for a message text. */
export function replyText(text: Md): string {
  return cutText(text.value, LIMITS.messageText);
}

/** `help` is our own text, but it shows placeholders like `<org>` that must be escaped. */
export function helpReply(sources?: readonly SourceDefinition[]): string {
  return replyText(esc(helpText(sources)));
}

/** A parse error (which may echo what was typed) and the usage, both escaped. */
export function usageReply(error: string, usage: string): string {
  return replyText(md`⚠️ ${error}\n\n*Usage*\n${usage}`);
}

/** Subscription lines, each cut to `LINE_MAX`; `describe.ts` already escaped the values. */
export function subscriptionLines(subs: readonly Subscription[], sources?: readonly SourceDefinition[]): Md {
  return Md.of(subs.map((s) => cutText(describeSubscription(s, sources), LINE_MAX)).join('\n'));
}

/** One page of the channel's subscriptions, saying how many are left out and how to see them. */
/** What a `list` page shows besides the subscriptions. */
export interface ListOptions {
  page?: number;
  settings?: ChannelSettings;
  sources?: readonly SourceDefinition[];
}

export function listReply(subs: readonly Subscription[], opts: ListOptions = {}): string {
  const { page = 1, settings, sources } = opts;
  // The channel's settings close every page: they are set per channel, beside the subscriptions.
  const set = settings
    ? Md.of(
        `\n*Channel settings*: ${describeSettings(settings)
          .map((l) => cutText(l, LINE_MAX))
          .join(' · ')}`,
      )
    : '';
  if (subs.length === 0) {
    return replyText(
      md`This channel has no subscriptions yet. Try \`/threadline subscribe sentry acme/web\` or \`/threadline help\`.${set}`,
    );
  }
  const pages = Math.ceil(subs.length / LIST_PAGE_SIZE);
  if (page > pages) {
    return replyText(
      md`There is no page ${page}: this channel has ${subs.length} subscriptions on ${pages} ${pages === 1 ? 'page' : 'pages'}.`,
    );
  }
  const from = (page - 1) * LIST_PAGE_SIZE;
  const shown = subs.slice(from, from + LIST_PAGE_SIZE);
  const head = md`*This channel's subscriptions* (${subs.length})`;
  const left = subs.length - shown.length;
  const tail =
    left === 0
      ? ''
      : page < pages
        ? md`\n_Showing ${from + 1}–${from + shown.length} of ${subs.length}; ${left} not shown. Next: \`/threadline list ${page + 1}\`._`
        : md`\n_Showing ${from + 1}–${from + shown.length} of ${subs.length}; ${left} on earlier pages (\`/threadline list\`)._`;
  return replyText(md`${head}\n${subscriptionLines(shown, sources)}${tail}${set}`);
}

/** The answer to `/threadline settings`: what changed (if anything) and every setting now. */
export function settingsReply(settings: ChannelSettings, changed: boolean): string {
  const head = changed ? '✅ Channel settings saved. This channel now has:' : "This channel's settings:";
  const how = changed ? '' : `\nChange one with \`/threadline settings --name=value\`, e.g. \`${SETTING_SPECS.mention.example}\`.`;
  return replyText(
    Md.of(
      `${head}\n${describeSettings(settings)
        .map((l) => `• ${l}`)
        .join('\n')}${how}`,
    ),
  );
}
