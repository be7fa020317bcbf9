/**
 * manifest.yml must declare what the code uses. The lists come from src/slack/requirements.ts,
 * and src/ is scanned for registrations and Web API calls so that a new one which is missing from
 * requirements.ts (and so, possibly, from the manifest) fails here.
 */

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_EVENTS, COMMANDS, METHOD_SCOPES, REQUIRED_SCOPES } from '../src/slack/requirements.js';

const root = path.resolve(import.meta.dirname, '..');
const manifest = parse(fs.readFileSync(path.join(root, 'manifest.yml'), 'utf8'));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const sources = sourceFiles(path.join(root, 'src')).map((file) => ({
  file: path.relative(root, file),
  text: fs.readFileSync(file, 'utf8'),
}));

function scan(re: RegExp): { name: string; file: string }[] {
  return sources.flatMap(({ file, text }) => [...text.matchAll(re)].map((m) => ({ name: m[1], file })));
}

const BASE = 'https://threadline.example.com';

describe('manifest.yml', () => {
  it('is the Threadline app with a bot user and an App Home tab (no messages tab)', () => {
    expect(manifest.display_information.name).toBe('Threadline');
    expect(manifest.features.bot_user.display_name).toBe('Threadline');
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(false);
  });

  it('sends commands, events and interactivity to /slack/events, OAuth to /slack/oauth_redirect', () => {
    for (const cmd of manifest.features.slash_commands) expect(cmd.url).toBe(`${BASE}/slack/events`);
    expect(manifest.settings.event_subscriptions.request_url).toBe(`${BASE}/slack/events`);
    // The options load URL: without it real Slack shows the assignee picker empty while mocked tests pass.
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: `${BASE}/slack/events`,
      message_menu_options_url: `${BASE}/slack/events`,
    });
    expect(manifest.oauth_config.redirect_urls).toEqual([`${BASE}/slack/oauth_redirect`]);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.token_rotation_enabled).toBe(false);
  });

  it('declares exactly the bot scopes the code needs', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...REQUIRED_SCOPES].sort());
    for (const s of ['chat:write', 'chat:write.public', 'commands', 'users:read', 'users:read.email']) {
      expect(REQUIRED_SCOPES).toContain(s);
    }
  });

  it("declares the scopes the Sentry membership check reads a clicker's email with (users.info)", () => {
    const bot: string[] = manifest.oauth_config.scopes.bot;
    expect(bot).toContain('users:read');
    expect(bot).toContain('users:read.email');
    expect(METHOD_SCOPES['users.info']).toEqual(['users:read', 'users:read.email']);
    // The membership check is a users.info call the source scan must find.
    expect(fs.readFileSync(path.join(root, 'src/sources/sentry/membership.ts'), 'utf8')).toContain("'users.info'");
  });

  it('declares every bot event and slash command in requirements.ts', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command).sort()).toEqual([...COMMANDS].sort());
  });
});

describe('options menus', () => {
  it('every app.options(...) registration has the options load URL to reach it', () => {
    const registered = sources.filter(({ text }) => /\bapp\.options\s*(?:<[^>]*>)?\(/.test(text));
    expect(registered.map((r) => r.file)).toContain('src/slack/actions-assign-options.ts');
    expect(manifest.settings.interactivity.message_menu_options_url).toBe(`${BASE}/slack/events`);
  });
});

describe('code registrations and calls are all declared', () => {
  const events = scan(/\b(?:bolt|app)\.event\(\s*['"`]([^'"`]+)['"`]/g);
  const commands = scan(/\b(?:bolt|app)\.command\(\s*['"`]([^'"`]+)['"`]/g);
  const FAMILIES = 'chat|views|conversations|users|reactions|auth|files|pins|bookmarks|team|usergroups|dialog|oauth|apps';
  const calls = [
    // Only on something named like a Slack client, so `this.files.push(` is not a Web API call.
    ...scan(new RegExp(`\\b(?:client|slack|web|webClient|slackClient)\\??\\.((?:${FAMILIES})\\.[a-zA-Z]+(?:\\.[a-zA-Z]+)?)\\(`, 'g')),
    ...scan(/\bapiCall\(\s*['"`]([a-zA-Z]+\.[a-zA-Z.]+)['"`]/g),
    // Our SlackApi wrapper: `slack.call('chat.update', …)` and `callWithFallback(slack, 'chat.postMessage', …)`.
    ...scan(/\b(?:call|callWithFallback)(?:<[^>]*>)?\(\s*(?:slack,\s*)?['"`]([a-z]+\.[a-zA-Z.]+)['"`]/g),
  ];

  it('finds the registrations this module makes (so the scan itself works)', () => {
    expect(events.map((e) => e.name)).toEqual(expect.arrayContaining(['app_home_opened', 'app_uninstalled', 'tokens_revoked']));
    expect(commands.map((c) => c.name)).toContain('/threadline');
    expect(calls.map((c) => c.name)).toEqual(expect.arrayContaining(['views.publish', 'conversations.info']));
  });

  it('every bolt.event(...) is a declared bot event', () => {
    const declared = new Set<string>(manifest.settings.event_subscriptions.bot_events);
    for (const e of events)
      expect(declared.has(e.name), `${e.file} listens to ${e.name}, which manifest.yml does not subscribe to`).toBe(true);
  });

  it('every bolt.command(...) is a declared slash command', () => {
    const declared = new Set(manifest.features.slash_commands.map((c: { command: string }) => c.command));
    for (const c of commands) expect(declared.has(c.name), `${c.file} registers ${c.name}, missing from manifest.yml`).toBe(true);
  });

  it('every Web API method called has its scopes listed and declared', () => {
    const declared = new Set<string>(manifest.oauth_config.scopes.bot);
    for (const c of calls) {
      const scopes = METHOD_SCOPES[c.name];
      expect(scopes, `${c.file} calls ${c.name}: add it with its scopes to METHOD_SCOPES in src/slack/requirements.ts`).toBeDefined();
      for (const s of scopes ?? []) expect(declared.has(s), `${c.name} needs ${s}, missing from manifest.yml`).toBe(true);
    }
  });
});
