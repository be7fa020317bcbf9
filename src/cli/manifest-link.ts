/**
 * `npm run manifest-link`: prints the one-click link to Slack's "create an app from a manifest"
 * page carrying `manifest.yml`, as the README shows it (a test keeps the two equal).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain } from './is-main.js';

export const NEW_APP_URL = 'https://api.slack.com/apps?new_app=1&manifest_yaml=';

/** Parentheses too are encoded: a Markdown link ends at the first `)`. */
export function manifestLink(manifestYaml: string): string {
  return NEW_APP_URL + encodeURIComponent(manifestYaml).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

if (isMain(import.meta.url)) {
  // dist/src/cli → the checkout's root.
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  process.stdout.write(`${manifestLink(readFileSync(path.join(root, 'manifest.yml'), 'utf8'))}\n`);
}
