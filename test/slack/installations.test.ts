import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Installation } from '@slack/bolt';
import { createCipheriv } from 'node:crypto';
import { createCipher, plainCipher } from '../../src/crypto.js';
import { createLogger } from '../../src/log.js';
import { createSqliteStore, type SqliteStore } from '../../src/store/sqlite.js';
import { createInstallationStore, retireTeam } from '../../src/slack/installations.js';

let dir: string;
let store: SqliteStore;
const key = randomBytes(32).toString('base64');
const logger = createLogger({ level: 'silent' });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-slack-inst-'));
  store = createSqliteStore({ dataDir: dir });
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function teamInstall(teamId: string, botToken: string): Installation<'v2', false> {
  return {
    team: { id: teamId, name: 'Acme' },
    enterprise: undefined,
    user: { id: 'U1', token: 'xoxp-user-secret', scopes: ['identify'] },
    bot: { id: 'B1', userId: 'UBOT', token: botToken, scopes: ['chat:write', 'commands'], refreshToken: 'xoxe-refresh' },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A1',
    authVersion: 'v2',
  };
}

describe('createInstallationStore', () => {
  it('round-trips a team install, with every token encrypted at rest', async () => {
    const inst = createInstallationStore({ store, cipher: createCipher(key) });
    await inst.storeInstallation(teamInstall('T1', 'xoxb-team-one-secret'));

    const raw = await store.getSlackInstallation('T1');
    expect(raw).not.toBeNull();
    expect(raw).not.toContain('xoxb-team-one-secret');
    expect(raw).not.toContain('xoxp-user-secret');
    expect(raw).not.toContain('xoxe-refresh');
    // Sealed and bound to this record (enc:v2, GCM associated data); was enc:v1 before issue 16.
    expect(raw).toContain('enc:v2:');

    const back = await inst.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(back).toEqual(teamInstall('T1', 'xoxb-team-one-secret'));
  });

  it("gives the delivery a team's decrypted bot token, undefined when not installed, and throws on a store failure", async () => {
    const inst = createInstallationStore({ store, cipher: createCipher(key) });
    await inst.storeInstallation(teamInstall('T1', 'xoxb-team-one-secret'));
    expect(await inst.botTokenForTeam('T1')).toBe('xoxb-team-one-secret');
    expect(await inst.botTokenForTeam('T2')).toBeUndefined();
    await store.close();
    await expect(inst.botTokenForTeam('T1')).rejects.toThrow();
    store = createSqliteStore({ dataDir: dir });
  });

  it('keeps teams apart', async () => {
    const inst = createInstallationStore({ store, cipher: createCipher(key) });
    await inst.storeInstallation(teamInstall('T1', 'xoxb-one'));
    await inst.storeInstallation(teamInstall('T2', 'xoxb-two'));
    const one = await inst.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    const two = await inst.fetchInstallation({ teamId: 'T2', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(one.bot?.token).toBe('xoxb-one');
    expect(two.bot?.token).toBe('xoxb-two');
  });

  it('keys org-wide installs by enterprise id, for every workspace of the org', async () => {
    const inst = createInstallationStore({ store });
    await inst.storeInstallation({
      team: undefined,
      enterprise: { id: 'E1', name: 'Org' },
      user: { id: 'U1', token: undefined, scopes: undefined },
      bot: { id: 'B1', userId: 'UBOT', token: 'xoxb-org', scopes: ['chat:write'] },
      isEnterpriseInstall: true,
      authVersion: 'v2',
    });
    expect(await store.getSlackInstallation('E1')).not.toBeNull();
    const fromWorkspace = await inst.fetchInstallation({ teamId: 'T9', enterpriseId: 'E1', isEnterpriseInstall: true });
    expect(fromWorkspace.bot?.token).toBe('xoxb-org');
    await inst.deleteInstallation!({ teamId: undefined, enterpriseId: 'E1', isEnterpriseInstall: true });
    expect(await store.getSlackInstallation('E1')).toBeNull();
  });

  it('stores plain without a cipher, and still reads plain records once a key is set', async () => {
    await createInstallationStore({ store }).storeInstallation(teamInstall('T1', 'xoxb-plain'));
    expect(await store.getSlackInstallation('T1')).toContain('xoxb-plain');
    const withKey = createInstallationStore({ store, cipher: createCipher(key) });
    const back = await withKey.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(back.bot?.token).toBe('xoxb-plain');
  });

  it('refuses to hand out an encrypted record without the key', async () => {
    await createInstallationStore({ store, cipher: createCipher(key) }).storeInstallation(teamInstall('T1', 'xoxb-x'));
    await expect(
      createInstallationStore({ store }).fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toThrow(/encrypted/);
  });

  describe('the encrypted flag', () => {
    const flag = async (teamId: string) =>
      (JSON.parse((await store.getSlackInstallation(teamId)) as string) as { encrypted: boolean }).encrypted;

    it('is false when the identity cipher (no THREADLINE_ENCRYPTION_KEY) stored the tokens plain', async () => {
      await createInstallationStore({ store, cipher: plainCipher }).storeInstallation(teamInstall('T1', 'xoxb-plain-1'));
      expect(await store.getSlackInstallation('T1')).toContain('xoxb-plain-1');
      expect(await flag('T1')).toBe(false);
      await createInstallationStore({ store }).storeInstallation(teamInstall('T2', 'xoxb-plain-2'));
      expect(await flag('T2')).toBe(false);
      // And such a record reads back with the same identity cipher.
      const back = await createInstallationStore({ store, cipher: plainCipher }).botTokenForTeam('T1');
      expect(back).toBe('xoxb-plain-1');
    });

    it('reads, without a key, a plain record that an earlier version marked encrypted', async () => {
      const inst = teamInstall('T1', 'xoxb-mislabelled');
      await store.putSlackInstallation('T1', JSON.stringify({ v: 1, encrypted: true, installation: inst }));
      expect(await createInstallationStore({ store, cipher: plainCipher }).botTokenForTeam('T1')).toBe('xoxb-mislabelled');
      expect(await createInstallationStore({ store }).botTokenForTeam('T1')).toBe('xoxb-mislabelled');
    });

    it('is true only when a key sealed the tokens', async () => {
      await createInstallationStore({ store, cipher: createCipher(key) }).storeInstallation(teamInstall('T1', 'xoxb-sealed'));
      expect(await flag('T1')).toBe(true);
      expect(await store.getSlackInstallation('T1')).not.toContain('xoxb-sealed');
    });
  });

  it("does not open a sealed token moved to another team's record (GCM associated data)", async () => {
    const inst = createInstallationStore({ store, cipher: createCipher(key) });
    await inst.storeInstallation(teamInstall('T1', 'xoxb-team-one-secret'));
    await inst.storeInstallation(teamInstall('T2', 'xoxb-team-two-secret'));
    // Someone with write access to the store copies T1's sealed record over T2's.
    await store.putSlackInstallation('T2', (await store.getSlackInstallation('T1')) as string);
    await expect(inst.botTokenForTeam('T2')).rejects.toThrow();
    await expect(inst.fetchInstallation({ teamId: 'T2', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow();
    expect(await inst.botTokenForTeam('T1')).toBe('xoxb-team-one-secret');
  });

  it('still reads a record sealed before values were bound to their record (enc:v1)', async () => {
    const seal = (plain: string) => {
      const iv = Buffer.alloc(12, 3);
      const c = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `enc:v1:${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`;
    };
    const legacy = teamInstall('T1', seal('xoxb-legacy'));
    legacy.user.token = seal('xoxp-user-secret');
    legacy.bot!.refreshToken = seal('xoxe-refresh');
    await store.putSlackInstallation('T1', JSON.stringify({ v: 1, encrypted: true, installation: legacy }));
    const inst = createInstallationStore({ store, cipher: createCipher(key) });
    expect(await inst.botTokenForTeam('T1')).toBe('xoxb-legacy');
  });

  it('throws for an unknown team and deletes', async () => {
    const inst = createInstallationStore({ store });
    await expect(inst.fetchInstallation({ teamId: 'T404', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(
      /no Slack installation/,
    );
    await inst.storeInstallation(teamInstall('T1', 'xoxb-x'));
    await inst.deleteInstallation!({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(await store.getSlackInstallation('T1')).toBeNull();
  });
});

describe('retireTeam', () => {
  it("deletes the installation and disables only that team's subscriptions", async () => {
    await createInstallationStore({ store }).storeInstallation(teamInstall('T1', 'xoxb-x'));
    const base = { source: 'sentry' as const, kinds: [], filters: {}, createdAt: '2025-01-01T00:00:00.000Z' };
    await store.upsertSubscription({ ...base, id: 'a', teamId: 'T1', channelId: 'C1', target: 'acme/web' });
    await store.upsertSubscription({ ...base, id: 'b', teamId: 'T1', channelId: 'C2', target: 'acme/*' });
    await store.upsertSubscription({ ...base, id: 'c', teamId: 'T2', channelId: 'C1', target: 'acme/web' });
    const at = new Date('2025-02-01T00:00:00.000Z');

    const n = await retireTeam({ store, logger, now: () => at }, { teamId: 'T1' }, 'tokens_revoked');

    expect(n).toBe(2);
    expect(await store.getSlackInstallation('T1')).toBeNull();
    expect((await store.getSubscription('a'))?.disabled).toEqual({ reason: 'tokens_revoked', at: at.toISOString() });
    expect((await store.getSubscription('b'))?.disabled).toEqual({ reason: 'tokens_revoked', at: at.toISOString() });
    expect((await store.getSubscription('c'))?.disabled ?? null).toBeNull();
  });
});
