/**
 * Where Sentry integration installations (and their tokens) are kept. The Redis and SQLite
 * implementations sit beside this file; the store objects expose them.
 */

export interface SentryInstallationRecord {
  uuid: string;
  org?: string;
  orgName?: string;
  /** Opaque (possibly encrypted) token strings: the store never interprets them. */
  token?: string | null;
  refreshToken?: string | null;
  /** ISO expiry of `token`. */
  expiresAt?: string | null;
  /**
   * SHA-256 (hex) of the grant code `installation.created` carried: the Redirect URL's `code`
   * proves the browser came from this install when it matches (the code itself is never kept).
   */
  grantCodeHash?: string;
  createdAt: string;
  updatedAt: string;
}

export interface SentryInstallationRepo {
  putSentryInstallation(rec: SentryInstallationRecord): Promise<void>;
  getSentryInstallation(uuid: string): Promise<SentryInstallationRecord | null>;
  /** Any installation of this org (for API calls made from buttons). */
  findSentryInstallationByOrg(org: string): Promise<SentryInstallationRecord | null>;
  deleteSentryInstallation(uuid: string): Promise<void>;
}
