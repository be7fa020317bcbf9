/**
 * Bugsee with many workspaces: a team's own token (looked up in a real store) names its team; the
 * shared secret names none and is warned about at most once a minute; anything else is 401.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestError } from '../../../src/ingest/types.js';
import { teamOfToken, tokenHash } from '../../../src/sources/bugsee/connect.js';
import { createBugseePlugin } from '../../../src/sources/bugsee/plugin.js';
import { sharedSecretWarning, SHARED_SECRET_WARNING_MS } from '../../../src/sources/bugsee/shared-secret.js';
import { createSqliteStore, type SqliteStore } from '../../../src/store/sqlite.js';
import { delivery } from './fixtures.js';

const SECRET = 'shared-bugsee-secret';
const TOKEN = 'team-token-0123456789-abcdefghijklmnopqrstuv';

describe('Bugsee team tokens', () => {
  let dir: string;
  let store: SqliteStore;
  const warned: number[] = [];
  let clock = 1_000_000;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tl-bugsee-teams-'));
    store = createSqliteStore({ dataDir: dir });
    await store.putConnection({
      source: 'bugsee',
      teamId: 'TA',
      key: tokenHash(TOKEN),
      label: 'webhook',
      createdAt: new Date().toISOString(),
    });
    await store.putConnection({
      source: 'bugsee',
      teamId: 'TB',
      key: tokenHash('expired-token'),
      label: 'webhook',
      expiresAt: new Date(Date.now() - 1000).toISOString(),
      createdAt: new Date().toISOString(),
    });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plugin = () =>
    createBugseePlugin({
      secret: SECRET,
      teamOfToken: (t) => teamOfToken(store, t, Date.now()),
      onSharedSecret: sharedSecretWarning({ warn: () => warned.push(clock) }, () => clock),
    });

  it('names the team whose token the delivery carries, in the query or the header', async () => {
    expect(await plugin().authenticate(delivery({ query: { token: TOKEN } }))).toEqual({ teamId: 'TA' });
    expect(await plugin().authenticate(delivery({ headers: { 'x-bugsee-token': TOKEN } }))).toEqual({ teamId: 'TA' });
  });

  it('refuses an unknown, an expired or a missing token with 401', async () => {
    for (const d of [delivery({ query: { token: 'nobodys' } }), delivery({ query: { token: 'expired-token' } }), delivery()]) {
      const err = await Promise.resolve(plugin().authenticate(d)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(IngestError);
      expect(err).toMatchObject({ code: 'bad_token', status: 401 });
    }
  });

  it('accepts the shared secret for no team, warning at most once a minute', async () => {
    const p = plugin();
    warned.length = 0;
    expect(await p.authenticate(delivery({ query: { token: SECRET } }))).toEqual({});
    expect(await p.authenticate(delivery({ query: { token: SECRET } }))).toEqual({});
    expect(warned).toHaveLength(1);
    clock += SHARED_SECRET_WARNING_MS;
    await p.authenticate(delivery({ query: { token: SECRET } }));
    expect(warned).toHaveLength(2);
  });
});
