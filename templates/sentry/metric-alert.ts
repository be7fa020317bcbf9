/** Sentry metric alerts: one thread per incident; the card is its current status. */
import { actions, bold, clip, context, fields, firstText, header, isBlank, joinMd, linkButton, md, Md, message } from '../blocks.js';
import { section, shortList, slackDate } from '../blocks.js';
import { metricAlertStatus } from '../style.js';
import type { RenderInput, SlackMessage, Template } from '../types.js';

type Input = RenderInput<'sentry.metric_alert'>;

function alertName(input: Input): string {
  const s = input.state;
  return firstText(s.title, s.alertRuleName, input.event.title) ?? `Metric alert ${input.event.subject.id}`;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** "value 123 (threshold > 100)", or what part of it is known. */
function metricLine(input: Input): Md {
  const s = input.state;
  const value = typeof s.metricValue === 'number' && Number.isFinite(s.metricValue) ? md`value ${bold(num(s.metricValue))}` : null;
  const threshold =
    typeof s.threshold === 'number' && Number.isFinite(s.threshold)
      ? md`threshold ${isBlank(s.comparison) ? '' : md`${clip(s.comparison, 4)} `}${num(s.threshold)}`
      : null;
  if (value && threshold) return md`${value} (${threshold})`;
  return value ?? threshold ?? Md.of('');
}

function card(input: Input): SlackMessage {
  const s = input.state;
  const status = metricAlertStatus(s.status);
  const name = alertName(input);
  const stateLine = joinMd([md`${status.emoji} ${bold(status.label)}`, metricLine(input)]);
  const rule = !isBlank(s.alertRuleName) && s.alertRuleName !== name ? md`Rule: ${bold(s.alertRuleName)}` : null;
  return message(md`${status.emoji} ${status.label}: ${clip(name, 300)}`, [
    header(`${status.emoji} ${name}`),
    section(joinMd([stateLine, rule, isBlank(s.description) ? null : clip(s.description, 1000)], '\n')),
    fields([
      ['Started', slackDate(s.dateStarted)],
      ['Closed', slackDate(s.dateClosed)],
      ['Projects', s.projects?.length ? shortList(s.projects.map((p) => bold(p))) : null],
    ]),
    actions([linkButton('View incident', s.url, 'sentry.metric_alert.open')]),
    context([md`Sentry metric alert${s.org ? md` · ${s.org}` : ''}${s.alertRuleId ? md` · rule ${s.alertRuleId}` : ''}`]),
  ]);
}

function reply(input: Input): SlackMessage | null {
  const status = metricAlertStatus(input.event.state.status ?? input.state.status);
  const line = joinMd([md`${status.emoji} ${bold(status.label)}`, metricLine(input)], ' — ');
  return message(md`${status.emoji} ${status.label}: ${clip(alertName(input), 300)}`, [section(line)]);
}

export const metricAlertTemplate: Template<'sentry.metric_alert'> = { card, reply };
