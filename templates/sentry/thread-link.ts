/**
 * The replies of link events (src/delivery/thread-links.ts): one line that points at another
 * thread of the same channel by its parent's permalink, which the delivery looked up for this
 * channel (`extras.threadLinks`). Without one (a dry run, Slack refused) the line still says where.
 */
import type { ThreadLinkDetail } from '../../src/sources/sentry/subjects.js';
import { fallbackLine, link, md, message, section, type Md } from '../blocks.js';
import type { RenderExtras, SlackMessage } from '../types.js';

/** The permalink of `threadKey`'s parent in this channel, when the delivery found one. */
export function threadPermalink(extras: RenderExtras, threadKey: string | undefined): string | undefined {
  return threadKey && extras.threadLinks && Object.hasOwn(extras.threadLinks, threadKey) ? extras.threadLinks[threadKey] : undefined;
}

/** `lead` then a link to the other thread (`label` its text), or a note that it is in this channel. */
export function threadLinkReply(lead: Md, to: ThreadLinkDetail, label: string, extras: RenderExtras): SlackMessage {
  const url = threadPermalink(extras, to.threadKey);
  const line = url ? md`${lead}: ${link(url, label)}` : md`${lead}; ${label} is further up this channel.`;
  return message(fallbackLine(line), [section(line)]);
}
