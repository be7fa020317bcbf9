/**
 * The three shapes of `REDIS_URL`: one node (`redis://`, `rediss://`), Sentinel
 * (`redis+sentinel://[:password@]host:port[,host:port…]/<master-name>[/<db>]`, which ioredis does
 * not parse, so its `sentinels` option is built here) and Cluster
 * (`redis+cluster://[:password@]host:port[,host:port…]`). Parsing never echoes a password.
 */

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'node'; url: string }
  | { kind: 'sentinel'; sentinels: HostPort[]; name: string; password?: string; db: number; tls: boolean }
  | { kind: 'cluster'; nodes: HostPort[]; password?: string; tls: boolean };

export class RedisUrlError extends Error {}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

function hostPorts(list: string, what: string): HostPort[] {
  const out = list.split(',').map((entry) => {
    const m = HOST_PORT.exec(entry.trim());
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new RedisUrlError(`${what} must be a comma-separated list of host:port`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
  return out;
}

/** `[:password@]rest`; a user name is refused rather than silently dropped. */
function splitAuth(afterScheme: string): { password?: string; rest: string } {
  const at = afterScheme.lastIndexOf('@');
  if (at < 0) return { rest: afterScheme };
  const auth = afterScheme.slice(0, at);
  if (!auth.startsWith(':') || auth.length < 2) throw new RedisUrlError('credentials must be written :password@ (no user name)');
  try {
    return { password: decodeURIComponent(auth.slice(1)), rest: afterScheme.slice(at + 1) };
  } catch {
    throw new RedisUrlError('the password is not valid percent-encoding');
  }
}

export function parseRedisUrl(raw: string): RedisTarget {
  const url = raw.trim();
  const scheme = /^([a-z+]+):\/\//.exec(url)?.[1];
  if (scheme === 'redis' || scheme === 'rediss') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RedisUrlError('is not a valid redis:// URL');
    }
    if (parsed.searchParams.has('sentinel') || parsed.searchParams.has('sentinels')) {
      throw new RedisUrlError('?sentinel= is not read: write redis+sentinel://[:password@]host:port[,host:port…]/<master-name>[/<db>]');
    }
    return { kind: 'node', url };
  }
  if (scheme === 'redis+sentinel' || scheme === 'rediss+sentinel') {
    const { password, rest } = splitAuth(url.slice(scheme.length + 3));
    if (rest.includes('?')) throw new RedisUrlError('redis+sentinel:// takes no query string');
    const [hosts, name, db, ...extra] = rest.split('/');
    if (!name || extra.length > 0)
      throw new RedisUrlError('must be redis+sentinel://[:password@]host:port[,host:port…]/<master-name>[/<db>]');
    if (db !== undefined && db !== '' && !/^\d{1,2}$/.test(db))
      throw new RedisUrlError('the database after the master name must be a number');
    return {
      kind: 'sentinel',
      sentinels: hostPorts(hosts, 'the sentinels'),
      name: decodeURIComponent(name),
      ...(password === undefined ? {} : { password }),
      db: db ? Number(db) : 0,
      tls: scheme === 'rediss+sentinel',
    };
  }
  if (scheme === 'redis+cluster' || scheme === 'rediss+cluster') {
    const { password, rest } = splitAuth(url.slice(scheme.length + 3));
    const hosts = rest.replace(/\/$/, '');
    if (hosts.includes('/') || hosts.includes('?'))
      throw new RedisUrlError('must be redis+cluster://[:password@]host:port[,host:port…] (Cluster has no databases)');
    return {
      kind: 'cluster',
      nodes: hostPorts(hosts, 'the cluster nodes'),
      ...(password === undefined ? {} : { password }),
      tls: scheme === 'rediss+cluster',
    };
  }
  throw new RedisUrlError('must start with redis://, rediss://, redis+sentinel:// or redis+cluster://');
}
