/**
 * Link replies and the Seer card's way back, rendered with the permalinks the delivery found in
 * the channel (and without: the reply still says where the other thread is).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXTRAS, renderCard, renderReply } from '../../templates/index.js';
import { validateMessage } from '../../templates/validate.js';
import { fixtureEvent } from '../sources/sentry/fixtures.js';
import { sentryThreadKeys } from '../../src/sources/sentry/subjects.js';

const ISSUE = sentryThreadKeys.issue('1170820242');
const RUN = sentryThreadKeys.seer('12345');
const PR = sentryThreadKeys.preprodPr('acme/mobile-app', 482);
const LINKS = {
  [ISSUE]: 'https://acme.slack.com/archives/C1/p1700000000000100',
  [RUN]: 'https://acme.slack.com/archives/C1/p1700000000000200',
  [PR]: 'https://acme.slack.com/archives/C1/p1700000000000300',
};
const extras = { ...DEFAULT_EXTRAS, threadLinks: LINKS };

const text = (m: { blocks: unknown[] } | null) => JSON.stringify(m?.blocks ?? []);

describe('thread links', () => {
  it("the issue's reply links to the run's thread", () => {
    const event = fixtureEvent('issue/seer_linked.json');
    const reply = renderReply(event, event.state as never, extras);
    expect(validateMessage(reply!)).toEqual([]);
    expect(text(reply)).toContain(`🤖 Seer started working on this issue: <${LINKS[RUN]}|the run's thread>`);
  });

  it("the run's and the PR's threads link each other", () => {
    const builds = fixtureEvent('seer/builds_linked.json');
    expect(text(renderReply(builds, builds.state as never, extras))).toContain(`<${LINKS[PR]}|their thread>`);
    const pr = fixtureEvent('preprod_artifact/seer_linked.json');
    expect(text(renderReply(pr, pr.state as never, extras))).toContain(
      `🤖 Seer opened this pull request: <${LINKS[RUN]}|the run's thread>`,
    );
  });

  it("the run's card links back to the issue's thread (a Slack permalink passes the link policy)", () => {
    const event = fixtureEvent('seer/root_cause_started.json');
    const card = renderCard(event, event.state as never, extras);
    expect(validateMessage(card)).toEqual([]);
    expect(text(card)).toContain(`🔗 <${LINKS[ISSUE]}|The issue's thread>`);
    expect(text(renderCard(event, event.state as never, DEFAULT_EXTRAS))).not.toContain('slack.com');
  });

  it('without a permalink the reply says the thread is further up the channel', () => {
    const event = fixtureEvent('issue/seer_linked.json');
    expect(text(renderReply(event, event.state as never, DEFAULT_EXTRAS))).toContain("the run's thread is further up this channel");
  });
});
