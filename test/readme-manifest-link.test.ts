import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestLink, NEW_APP_URL } from '../src/cli/manifest-link.js';

const root = path.resolve(import.meta.dirname, '..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

describe("the README's one-click Slack app link", () => {
  it('carries manifest.yml exactly (regenerate with npm run manifest-link)', () => {
    const readme = read('README.md');
    const links = [...readme.matchAll(/\((https:\/\/api\.slack\.com\/apps\?new_app=1&manifest_yaml=[^)\s]+)\)/g)].map((m) => m[1]);
    expect(links).toEqual([manifestLink(read('manifest.yml'))]);
  });

  it('decodes back to the manifest', () => {
    const yaml = 'display_information:\n  name: "Threadline & co" # 100%\n';
    const link = manifestLink(yaml);
    expect(link.startsWith(NEW_APP_URL)).toBe(true);
    expect(decodeURIComponent(link.slice(NEW_APP_URL.length))).toBe(yaml);
    expect(link).not.toMatch(/[\s()]/);
  });

  it('sits in the first screen of the README, after the preview', () => {
    const readme = read('README.md');
    const at = (s: string) => readme.indexOf(s);
    expect(at('npm install && npm start')).toBeGreaterThan(-1);
    expect(at('/preview')).toBeGreaterThan(at('npm install && npm start'));
    expect(at('docs/preview.png')).toBeGreaterThan(at('/preview'));
    expect(at('## Create the Slack app')).toBeGreaterThan(at('docs/preview.png'));
    expect(fs.existsSync(path.join(root, 'docs/preview.png'))).toBe(true);
  });
});
