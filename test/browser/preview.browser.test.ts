/**
 * The dry-run preview in a real browser (Debian's chromium, driven by playwright-core) against a
 * real `npm start` process with no configuration. Run with `npm run test:browser`.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureBuilt } from '../helpers/build.js';
import { killGroup, spawnGroup } from '../helpers/processes.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACT = path.resolve('test-results/preview.png');
const README_SHOT = path.resolve('docs/preview.png');

let service: ChildProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let base = '';
const dirs: string[] = [];
const requests: string[] = [];
const consoleErrors: string[] = [];
const output: string[] = [];

/** The service runs in its own process group: the group is killed, so nothing it started survives. */
function killService(): void {
  killGroup(service);
}

async function startService(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tl-preview-'));
  dirs.push(dir);
  service = spawnGroup(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', DATA_DIR: path.join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  service.stdout?.setEncoding('utf8').on('data', (d: string) => output.push(...d.split('\n').filter(Boolean)));
  service.stderr?.setEncoding('utf8').on('data', (d: string) => output.push(d));
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    for (const line of output) {
      const m = /"msg":"Preview: (http:\/\/127\.0\.0\.1:\d+)\/preview"/.exec(line);
      if (m) return m[1];
    }
    if (service.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the service did not print its preview line:\n${output.slice(-20).join('\n')}`);
}

/** Runs in the page (a string: this project's type-check has no DOM types). */
const inPage = <T>(expression: string) => page.evaluate<T>(expression);

const thread = () => page.locator('article.thread-card');
const parentOf = (t: ReturnType<typeof thread>) => t.locator(':scope > .message');
const repliesOf = (t: ReturnType<typeof thread>) => t.locator('.thread > .message');

describe('the preview page in a browser', () => {
  beforeAll(async () => {
    ensureBuilt();
    process.on('exit', killService);
    base = await startService();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    killService();
    process.off('exit', killService);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('runs the issue-lifecycle scenario and shows one thread growing live, parent in its final state', async () => {
    await page.goto(`${base}/preview`);
    await expect.poll(() => inPage<string>('document.body.dataset.live')).toBe('yes');
    expect(await thread().count()).toBe(0);
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    // Count the replies each time the page's thread changes, to see them arrive one by one.
    await inPage(`(() => {
      const seen = (window.replyCounts = []);
      new MutationObserver(() => {
        const n = document.querySelectorAll('article.thread-card .thread > .message').length;
        if (seen.at(-1) !== n) seen.push(n);
      }).observe(document.getElementById('channel-list'), { childList: true, subtree: true });
    })()`);

    await page.getByRole('button', { name: 'issue-lifecycle' }).click();

    await expect.poll(() => repliesOf(thread()).count(), { timeout: 20_000 }).toBe(4);
    expect(await thread().count()).toBe(1);
    const parent = parentOf(thread());
    await expect.poll(() => parent.locator('.section').first().innerText()).toMatch(/Resolved/);
    expect(await parent.getByRole('button', { name: 'Unresolve' }).count()).toBe(1);
    const counts = await inPage<number[]>('window.replyCounts');
    // Live: the replies showed up over several updates, not all at once after a reload.
    expect(counts.length).toBeGreaterThanOrEqual(3);
    expect(navigations).toEqual([]);
    expect(Number(await inPage<string>('document.body.dataset.liveUpdates'))).toBeGreaterThanOrEqual(5);
  });

  it('runs the real action code on a click: Unresolve, then Resolve, change the card and reply in the thread', async () => {
    const t = thread();
    const parent = parentOf(t);
    await parent.getByRole('button', { name: 'Unresolve' }).click();
    await expect.poll(() => repliesOf(t).count()).toBe(5);
    await expect.poll(() => parent.locator('.section').first().innerText()).toMatch(/Unresolved/);
    expect(await repliesOf(t).last().innerText()).toMatch(/Unresolved by @you/);

    // Keyboard: the Resolve button is reachable and works with Enter.
    const resolve = parent.getByRole('button', { name: 'Resolve', exact: true });
    await resolve.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => repliesOf(t).count()).toBe(6);
    await expect.poll(() => parent.locator('.section').first().innerText()).toMatch(/Resolved/);
    expect(await repliesOf(t).last().innerText()).toMatch(/Resolved by @you/);
    expect(await parent.getByRole('button', { name: 'Unresolve' }).count()).toBe(1);
  });

  it('gives every message Copy JSON and a Block Kit Builder link, and has landmarks', async () => {
    const messages = page.locator('.message');
    const n = await messages.count();
    expect(n).toBe(7);
    expect(await page.getByRole('button', { name: 'Copy JSON' }).count()).toBe(n);
    const link = parentOf(thread()).getByRole('link', { name: 'Open in Block Kit Builder' });
    const href = (await link.getAttribute('href')) ?? '';
    expect(href.startsWith('https://app.slack.com/block-kit-builder/#')).toBe(true);
    const blocks = JSON.parse(decodeURIComponent(href.split('#')[1] ?? '')) as { blocks: unknown[] };
    expect(blocks.blocks.length).toBeGreaterThan(0);
    for (const role of ['banner', 'navigation', 'main'] as const) expect(await page.getByRole(role).count()).toBe(1);
    expect(
      await page
        .getByRole('navigation')
        .getByRole('link', { name: /C_DRYRUN/ })
        .count(),
    ).toBe(1);
  });

  it('made no request outside 127.0.0.1 and logged no console error; keeps a screenshot', async () => {
    mkdirSync(path.dirname(ARTIFACT), { recursive: true });
    await page.screenshot({ path: ARTIFACT, fullPage: false });
    if (process.env.UPDATE_README_SCREENSHOT === '1' || !existsSync(README_SHOT)) copyFileSync(ARTIFACT, README_SHOT);
    const outside = requests.filter((u) => new URL(u).hostname !== '127.0.0.1');
    expect(outside).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
  });
});
