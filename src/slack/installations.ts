/**
 * Bolt's `InstallationStore` on our `Store`, plus what happens when a workspace uninstalls.
 * Installations are keyed by enterprise id for org-wide installs, else by team id; with a cipher
 * the tokens are encrypted before they reach the store, and a record stored plain before a key
 * was configured is still read.
 */

import type { App, Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Logger } from '../log.js';
import type { SlackInstallationRepo, SubscriptionRepo } from '../store/store.js';
import { isSealed } from '../crypto.js';

/** `context` binds a sealed value to its record (GCM associated data, see src/crypto.ts). */
export interface TokenCipher {
  /** False for an identity cipher: the record then says `encrypted: false`. */
  readonly sealing?: boolean;
  encrypt(plain: string, context: string): string;
  decrypt(stored: string, context: string): string;
}

/** The associated data a Slack installation's tokens are sealed with: the record's own key. */
export const installationContext = (key: string) => `slack:installation:${key}`;

interface StoredInstallation {
  v: 1;
  encrypted: boolean;
  installation: Installation;
}

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

export function installationKey(i: { isEnterpriseInstall?: boolean; enterpriseId?: string; teamId?: string }): string {
  const id = i.isEnterpriseInstall && i.enterpriseId ? i.enterpriseId : i.teamId;
  if (!id) throw new Error('an installation needs a team id, or an enterprise id for an org-wide install');
  return id;
}

function mapTokens(inst: AnyInstallation, f: (s: string) => string): AnyInstallation {
  const out = structuredClone<AnyInstallation>(inst);
  const opt = (s: string | undefined) => (typeof s === 'string' ? f(s) : s);
  if (out.bot) {
    out.bot.token = f(out.bot.token);
    out.bot.refreshToken = opt(out.bot.refreshToken);
  }
  if (out.user) {
    out.user.token = opt(out.user.token);
    if (out.user.refreshToken !== undefined) out.user.refreshToken = opt(out.user.refreshToken);
  }
  return out;
}

export interface ThreadlineInstallationStore extends InstallationStore {
  /**
   * The bot token stored for a team, or undefined when the team has no installation. A store
   * failure is thrown, never read as "not installed" (that would disable the team's subscriptions).
   */
  botTokenForTeam(teamId: string): Promise<string | undefined>;
}

export function createInstallationStore(deps: {
  store: SlackInstallationRepo & Pick<SubscriptionRepo, 'listSubscriptions' | 'setSubscriptionDisabled'>;
  cipher?: TokenCipher;
}): ThreadlineInstallationStore {
  const { store } = deps;
  // The identity cipher seals nothing: treat it as no cipher, so the flag tells the truth.
  const cipher = deps.cipher && deps.cipher.sealing !== false ? deps.cipher : undefined;

  function decode(key: string, raw: string): AnyInstallation {
    const record = JSON.parse(raw) as StoredInstallation;
    if (!record.encrypted) return record.installation;
    if (!cipher) {
      // Earlier versions marked plain records `encrypted: true` too: only sealed values need a key.
      let sealed = false;
      mapTokens(record.installation, (s) => ((sealed ||= isSealed(s)), s));
      if (!sealed) return record.installation;
      throw new Error(`the Slack installation for ${key} is encrypted and no encryption key is configured`);
    }
    return mapTokens(record.installation, (s) => cipher.decrypt(s, installationContext(key)));
  }

  return {
    async botTokenForTeam(teamId) {
      const raw = await store.getSlackInstallation(teamId);
      return raw === null ? undefined : decode(teamId, raw).bot?.token;
    },

    async storeInstallation(installation) {
      const key = installationKey({
        isEnterpriseInstall: installation.isEnterpriseInstall,
        enterpriseId: installation.enterprise?.id,
        teamId: installation.team?.id,
      });
      const record: StoredInstallation = {
        v: 1,
        encrypted: Boolean(cipher),
        installation: cipher ? mapTokens(installation, (s) => cipher.encrypt(s, installationContext(key))) : installation,
      };
      await store.putSlackInstallation(key, JSON.stringify(record));
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      const key = installationKey(query);
      const raw = await store.getSlackInstallation(key);
      if (raw === null) throw new Error(`no Slack installation for ${key}`);
      return decode(key, raw);
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      await store.deleteSlackInstallation(installationKey(query));
    },
  };
}

export interface LifecycleDeps {
  store: Pick<SlackInstallationRepo, 'deleteSlackInstallation'> & Pick<SubscriptionRepo, 'listSubscriptions' | 'setSubscriptionDisabled'>;
  logger: Logger;
  now?: () => Date;
}

/** Deletes the team's installation and disables its subscriptions, so nothing posts into a void. */
export async function retireTeam(
  deps: LifecycleDeps,
  team: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean },
  reason: 'app_uninstalled' | 'tokens_revoked',
): Promise<number> {
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const keys = new Set<string>();
  if (team.teamId) keys.add(team.teamId);
  if (team.isEnterpriseInstall && team.enterpriseId) keys.add(team.enterpriseId);
  for (const key of keys) await deps.store.deleteSlackInstallation(key);
  let disabled = 0;
  if (team.teamId) {
    const subs = await deps.store.listSubscriptions({ teamId: team.teamId });
    for (const sub of subs.filter((s) => s.teamId === team.teamId && !s.disabled)) {
      await deps.store.setSubscriptionDisabled(sub.id, { reason, at });
      disabled++;
    }
  }
  deps.logger.info({ teamId: team.teamId, enterpriseId: team.enterpriseId, reason, disabled }, 'slack installation retired');
  return disabled;
}

interface LifecycleBody {
  team_id?: string;
  enterprise_id?: string;
  authorizations?: { is_enterprise_install?: boolean }[];
}

function teamOf(body: unknown): { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean } {
  const b = body as LifecycleBody;
  return {
    teamId: b.team_id,
    enterpriseId: b.enterprise_id,
    isEnterpriseInstall: b.authorizations?.[0]?.is_enterprise_install === true,
  };
}

export function registerLifecycle(bolt: App, deps: LifecycleDeps): void {
  bolt.event('app_uninstalled', async ({ body }) => {
    await retireTeam(deps, teamOf(body), 'app_uninstalled');
  });

  // Only a revoked bot token stops us posting; revoked user tokens are not ours to act on.
  bolt.event('tokens_revoked', async ({ event, body }) => {
    if ((event.tokens.bot ?? []).length === 0) return;
    await retireTeam(deps, teamOf(body), 'tokens_revoked');
  });
}
