/**
 * What the code needs from the Slack app configuration. `manifest.yml` must declare all of it;
 * `test/manifest.test.ts` checks that, and also scans src/ for Web API calls and
 * `bolt.event`/`bolt.command` registrations, so a new one that is not listed here fails the tests.
 */

export const COMMAND = '/threadline';
export const COMMANDS = [COMMAND] as const;

export const BOT_EVENTS = ['app_home_opened', 'app_uninstalled', 'tokens_revoked'] as const;

/**
 * Every Web API method the code calls, with the bot scopes it needs. Methods that need no scope
 * (views.publish, auth.test) are listed with an empty array so the scan still knows them.
 */
export const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'oauth.v2.access': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  // Tells a public channel from a private one the bot has not been invited to (channel_not_found).
  'conversations.info': ['channels:read', 'groups:read'],
  // The channel list of a Sentry alert rule's Threadline action (public, and private ones the bot is in).
  'conversations.list': ['channels:read', 'groups:read'],
  // A rerun looks for its own message before posting again (exactly once; optional: without these
  // scopes it says so once in the log and posts as before).
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'views.publish': [],
  'views.open': [],
  'views.update': [],
  // The assign button maps a Slack user to a Sentry member by email; so does the membership check
  // of SENTRY_ACTIONS_REQUIRE_MEMBER (the clicker's email against the org's members).
  'users.info': ['users:read', 'users:read.email'],
  'users.lookupByEmail': ['users:read.email'],
};

/** Scopes no method call shows: slash commands, and posting to public channels without joining. */
const IMPLICIT_SCOPES = ['commands', 'chat:write.public'] as const;

export const REQUIRED_SCOPES: readonly string[] = [...new Set([...IMPLICIT_SCOPES, ...Object.values(METHOD_SCOPES).flat()])].sort();

export const ACTION_IDS = {
  deadLetterRetry: 'threadline.deadletter.retry',
} as const;
