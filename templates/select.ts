/** Menus whose options the app loads on demand (Slack's options request, `app.options`). */
import { LIMITS, plain } from './blocks.js';
import type { ActionsElement } from './types.js';

/** Slack asks `/slack/events` for the options as the user types; `min_query_length: 0` lists some at once. */
export function externalSelect(actionId: string, placeholder: string): ActionsElement {
  return {
    type: 'external_select',
    action_id: actionId,
    placeholder: { type: 'plain_text', text: plain(placeholder, LIMITS.placeholder), emoji: true },
    min_query_length: 0,
  };
}
