import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../../src/config.js';
import { sentinelOptions } from '../../../src/store/redis/client.js';
import { parseRedisUrl } from '../../../src/store/redis/target.js';

function problems(env: Record<string, string>) {
  try {
    readConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('REDIS_URL forms', () => {
  it('takes one node as written', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/2')).toEqual({ kind: 'node', url: 'redis://127.0.0.1:6379/2' });
    expect(parseRedisUrl('rediss://:pw@example.com:6380')).toEqual({ kind: 'node', url: 'rediss://:pw@example.com:6380' });
    expect(readConfig({ REDIS_URL: 'redis://h:1' }).redis).toEqual({ kind: 'node', url: 'redis://h:1' });
  });

  it('builds the sentinels, master name, database and password of a Sentinel URL', () => {
    const target = parseRedisUrl('redis+sentinel://:s%40cret@10.0.0.1:26379,sentinel-b:26380,[::1]:26381/mymaster/3');
    expect(target).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      password: 's@cret',
      db: 3,
      tls: false,
    });
    if (target.kind !== 'sentinel') throw new Error('not sentinel');
    expect(sentinelOptions(target, { maxRetriesPerRequest: 1 })).toEqual({
      maxRetriesPerRequest: 1,
      sentinels: target.sentinels,
      name: 'mymaster',
      db: 3,
      password: 's@cret',
      sentinelPassword: 's@cret',
    });
    expect(parseRedisUrl('redis+sentinel://h:26379/m')).toMatchObject({ kind: 'sentinel', db: 0, name: 'm' });
    expect(parseRedisUrl('redis+sentinel://h:26379/m')).not.toHaveProperty('password');
  });

  it('takes the seed nodes of a Cluster URL', () => {
    expect(parseRedisUrl('redis+cluster://a:7000,b:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
      tls: false,
    });
    expect(parseRedisUrl('rediss+cluster://:pw@a:7000/')).toMatchObject({ kind: 'cluster', password: 'pw', tls: true });
  });

  it.each([
    ['http://x', 'must start with redis://'],
    ['redis://h:6379?sentinel=mymaster', 'redis+sentinel://'],
    ['redis://h:6379/?sentinels=a:1,b:2', 'redis+sentinel://'],
    ['redis+sentinel://h:26379', 'master-name'],
    ['redis+sentinel://h:26379/m/x', 'must be a number'],
    ['redis+sentinel://h/m', 'host:port'],
    ['redis+sentinel://h:99999/m', 'host:port'],
    ['redis+sentinel://user:pw@h:1/m', 'no user name'],
    ['redis+sentinel://h:1/m?x=1', 'no query string'],
    ['redis+cluster://a:7000/0', 'no databases'],
    ['redis+cluster://', 'host:port'],
  ])('refuses %s at startup, naming the form to use', (url, reason) => {
    const [p] = problems({ REDIS_URL: url });
    expect(p.variable).toBe('REDIS_URL');
    expect(p.reason).toContain(reason);
    // One line, and never the password.
    expect(p.reason).not.toContain('\n');
    expect(p.reason).not.toContain('pw');
  });

  it('refuses braces in REDIS_PREFIX on a Cluster, where the keys carry their own hash tags', () => {
    expect(problems({ REDIS_URL: 'redis+cluster://a:7000', REDIS_PREFIX: '{x}:' })[0]).toMatchObject({ variable: 'REDIS_PREFIX' });
    expect(problems({ REDIS_URL: 'redis+cluster://a:7000', REDIS_PREFIX: 'x:' })).toEqual([]);
  });
});
