/**
 * Lenient where the sources are: every fixture, with each of its text fields in turn set to null
 * and to "", either still parses, normalizes and renders within Slack's limits, or the field is
 * one the event cannot exist without (an identity: ids, keys, the action). A field a source may
 * leave empty never costs a delivery.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../src/events.js';
import type { NormalizeMeta, SourcePlugin } from '../../src/ingest/types.js';
import { createBugseePlugin } from '../../src/sources/bugsee/plugin.js';
import { createSentryPlugin } from '../../src/sources/sentry/plugin.js';
import { renderCard, renderReply } from '../../templates/index.js';
import { validateMessage } from '../../templates/validate.js';

const ROOT = join(import.meta.dirname, '../../fixtures');
const META: NormalizeMeta = { deliveryId: 'lenient', receivedAt: new Date('2025-03-19T12:00:00Z') };

/** Paths (dot-joined, array indexes as `#`) whose emptiness rightly refuses the delivery. */
const IDENTITY: RegExp[] = [
  /^action$/, // Sentry: which event this is
  /^type$/, // Bugsee: which event this is
  /^data\.installation\.uuid$/,
  /^installation\.uuid$/,
  /^data\.(issue|error|event)\.id$/,
  /^data\.(error|event)\.(issue_id|group_id|issue_url|url|web_url)$/, // the only names of the issue
  /^data\.metric_alert\.id$/,
  /^data\.(run_id|group_id)$/,
  /^data\.(comment_id|issue_id)$/,
  /^data\.comment\.issue_id$/,
  /^data\.(buildId|state|headRepoName|artifactId)$/,
  /^data\.pull_request\.repo$/, // our own link events: the pull request whose thread it links

  /^data\.[^.]+\.(buildId|state)$/,
  /^data\.[^.]+\.#\.(type|state)$/,
  /^payload\.app\.key$/,
  /^payload\.issue\.key$/,
  /^payload\.build\.(current\.)?uuid$/,
  /^payload\.build\.previous\.uuid$/,
  /^payload\.thread\.device_id$/,
];

interface Case {
  name: string;
  type: string;
  json: unknown;
  plugin: SourcePlugin;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return jsonFiles(p);
    return n.endsWith('.json') ? [p] : [];
  });
}

function cases(): Case[] {
  const sentry = createSentryPlugin({ secrets: ['x'] });
  const bugsee = createBugseePlugin({ secret: 'x' });
  const out: Case[] = [];
  for (const file of jsonFiles(join(ROOT, 'sentry'))) {
    const [resource, base] = relative(join(ROOT, 'sentry'), file).split('/');
    if (resource === 'installation') continue;
    out.push({
      name: `sentry/${resource}/${base}`,
      type: `sentry.${resource}.${base.split('.')[0]}`,
      json: JSON.parse(readFileSync(file, 'utf8')),
      plugin: sentry,
    });
  }
  for (const file of jsonFiles(join(ROOT, 'bugsee'))) {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { type: string };
    out.push({ name: `bugsee/${relative(join(ROOT, 'bugsee'), file)}`, type: `bugsee.${json.type}`, json, plugin: bugsee });
  }
  return out;
}

/** Every string leaf: its path (for IDENTITY) and its key path (to set it). */
function textLeaves(json: unknown, keys: (string | number)[] = []): (string | number)[][] {
  if (typeof json === 'string') return [keys];
  if (Array.isArray(json)) return json.flatMap((v, i) => textLeaves(v, [...keys, i]));
  if (json && typeof json === 'object') return Object.entries(json).flatMap(([k, v]) => textLeaves(v, [...keys, k]));
  return [];
}

function setAt(json: unknown, keys: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(json) as Record<string | number, unknown>;
  let at = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[keys[keys.length - 1]] = value;
  return copy;
}

const pathOf = (keys: (string | number)[]) => keys.map((k) => (typeof k === 'number' ? '#' : k)).join('.');

describe('optional text fields may be null or empty', () => {
  for (const c of cases()) {
    it(c.name, () => {
      const refused: string[] = [];
      for (const keys of textLeaves(c.json)) {
        for (const value of [null, '']) {
          const json = setAt(c.json, keys, value);
          const parsed = c.plugin.parse(c.type, json);
          if (!parsed.ok) {
            if (!IDENTITY.some((re) => re.test(pathOf(keys)))) refused.push(`${pathOf(keys)}=${JSON.stringify(value)}`);
            continue;
          }
          const event = c.plugin.normalize(c.type, parsed.payload, META) as AnyEvent;
          const card = renderCard(event, event.state as never);
          expect(validateMessage(card), pathOf(keys)).toEqual([]);
          const reply = renderReply(event, event.state as never);
          if (reply) expect(validateMessage(reply), pathOf(keys)).toEqual([]);
        }
      }
      expect(refused.join('\n')).toBe('');
    });
  }
});
