/**
 * `bugsee.feedback.reply`: the button opens a modal; its submission sends the text to the
 * device's feedback conversation in Bugsee. The modal carries ids only (app key, device id, and
 * where the card is), and the submission is checked against the store like a click.
 */

import { z } from 'zod';
import { encodeActionValue, isBugseeFeedbackValue } from '../../templates/values.js';
import { valueFor } from './actions-guard.js';
import { feedbackReplyEvent } from './actions-outcome.js';
import type { ClickWork } from './actions-run.js';

export const FEEDBACK_REPLY_CALLBACK_ID = 'bugsee.feedback.reply';
export const REPLY_BLOCK_ID = 'reply';
export const REPLY_INPUT_ID = 'text';
/** What Bugsee is sent at most; Slack's input enforces it too. */
export const REPLY_MAX_CHARS = 3000;

const metadataSchema = z.strictObject({
  appKey: z.string().min(1).max(200),
  deviceId: z.string().min(1).max(200),
  channelId: z.string().min(1).max(40),
  ts: z.string().min(1).max(40),
});
export type ReplyMetadata = z.infer<typeof metadataSchema>;

export function parseReplyMetadata(raw: string | undefined): ReplyMetadata | null {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The value the submission is checked with, as if a button had carried it. */
export function metadataValue(meta: ReplyMetadata): string {
  return encodeActionValue({ s: 'bugsee', appKey: meta.appKey, deviceId: meta.deviceId });
}

function replyModal(meta: ReplyMetadata) {
  return {
    type: 'modal',
    callback_id: FEEDBACK_REPLY_CALLBACK_ID,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: 'Reply to feedback' },
    submit: { type: 'plain_text', text: 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: REPLY_BLOCK_ID,
        label: { type: 'plain_text', text: 'Message to the user' },
        element: { type: 'plain_text_input', action_id: REPLY_INPUT_ID, multiline: true, max_length: REPLY_MAX_CHARS },
        hint: { type: 'plain_text', text: "Sent to the app user's feedback conversation in Bugsee, and shown in this thread." },
      },
    ],
  };
}

/** The button: opens the modal with the `trigger_id`, which Slack honours for 3 seconds. */
export const openFeedbackReply: ClickWork = async (deps, click, raw) => {
  const ids = valueFor(raw.value, click.thread, isBugseeFeedbackValue);
  const slack = await deps.slack.forTeam(click.teamId);
  const meta: ReplyMetadata = { appKey: ids.appKey, deviceId: ids.deviceId, channelId: click.channelId, ts: click.messageTs };
  await slack.call('views.open', { trigger_id: raw.triggerId, view: replyModal(meta) });
  return null;
};

/** The submission (already acked, text checked non-empty): one Bugsee call, then the thread. */
export function sendFeedbackReply(text: string): ClickWork {
  return async (deps, click, raw) => {
    const ids = valueFor(raw.value, click.thread, isBugseeFeedbackValue);
    await deps.bugseeApi.replyToFeedback(ids.appKey, ids.deviceId, text);
    return { event: feedbackReplyEvent(click, ids, text), echoTypes: ['bugsee.feedback.message.out'] };
  };
}
