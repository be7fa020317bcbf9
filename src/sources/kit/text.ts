import { esc } from '../../../templates/mrkdwn.js';

/**
 * User-typed or payload text as safe mrkdwn: the templates' escaping (entities, and control and
 * bidi characters stripped), so a definition's `describe` escapes exactly like every message.
 */
export function escapeMrkdwn(s: string): string {
  return esc(s).value;
}
