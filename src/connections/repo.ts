/**
 * Which Slack team connected which source account: a Sentry org (through its installation) or a
 * Bugsee webhook token. In multi-workspace mode only connected teams may subscribe to, receive and
 * act on a source's events. The Redis and SQLite implementations sit beside this file.
 */

export interface Connection {
  /** The source's name, e.g. `sentry`. */
  source: string;
  teamId: string;
  /**
   * What the team connected, in the source's terms: a Sentry org slug, or the SHA-256 (hex) of a
   * Bugsee token. One team holds one row per key.
   */
  key: string;
  /** How the connection reads in `list` and App Home (already safe to show: no secret). */
  label: string;
  /** The source's own facts (a Sentry installation uuid, a sealed Bugsee token). */
  data?: Record<string, string | undefined>;
  /** ISO time after which the row no longer counts (a rotated Bugsee token's grace period). */
  expiresAt?: string | null;
  /** Slack user who connected it. */
  createdBy?: string;
  createdAt: string;
}

export interface ConnectionFilter {
  source?: string;
  teamId?: string;
  key?: string;
}

export interface ConnectionRepo {
  /** Inserts, or replaces the row with the same source, team and key. */
  putConnection(c: Connection): Promise<void>;
  /** Rows matching every given field, expired ones included (callers decide what counts). */
  listConnections(filter: ConnectionFilter): Promise<Connection[]>;
  /** Removes the rows matching every given field (at least `source`); returns how many. */
  deleteConnections(filter: ConnectionFilter & { source: string }): Promise<number>;
}

/** Whether the row still counts at `now` (ms). */
export function isLive(c: Pick<Connection, 'expiresAt'>, now: number): boolean {
  return !c.expiresAt || Date.parse(c.expiresAt) > now;
}

export function matches(c: Connection, f: ConnectionFilter): boolean {
  return (
    (f.source === undefined || c.source === f.source) &&
    (f.teamId === undefined || c.teamId === f.teamId) &&
    (f.key === undefined || c.key === f.key)
  );
}
