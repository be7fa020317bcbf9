import { describe, expect, it } from 'vitest';
import * as keys from '../../src/store/keys.js';
import { SHARD_COUNT, shardOf, tagOf } from '../../src/store/shard.js';

// Stored data outlives deploys: these strings are the ones written before the builders existed.
describe('store keys', () => {
  it('keep their byte-for-byte shapes', () => {
    // The keys of one delivery carry their shard's hash tag (Redis Cluster): changed on purpose.
    const t = tagOf('t');
    expect(keys.dedupKey('sentry', 'r1', '{s3}')).toBe('dedup:{s3}:sentry:r1');
    expect(keys.dedupBodyKey('sentry', 'ab', '{s3}')).toBe('dedup-body:{s3}:sentry:ab');
    expect(keys.seqKey('sentry:issue:1')).toBe(`seq:${tagOf('sentry:issue:1')}:sentry:issue:1`);
    expect(keys.seqDoneKey('t')).toBe(`seqdone:${t}:t`);
    expect(keys.seqSkipKey('t', 3)).toBe(`seqskip:${t}:t:3`);
    expect(keys.seqProgressKey('t')).toBe(`seqprogress:${t}:t`);
    expect(keys.seqBlockedKey('j')).toBe('seqblocked:j');
    expect(keys.postKey('j', 'T', 'C', 'parent')).toBe('post:j:T:C:parent');
    expect(keys.paceSlotKey('j', 'T', 'C', 'reply')).toBe('paceslot:j:T:C:reply');
    expect(keys.paceKey('T', 'C')).toBe('pace:T:C');
    expect(keys.echoKey('T', 'C', 'k', 'sentry.issue.resolved')).toBe('echo:T:C:k:sentry.issue.resolved');
    expect(keys.deliveriesKey('T')).toBe('deliveries:T');
    expect(keys.sizeHistoryKey.bugsee('IOS', 'com.x')).toBe('sizehist:bugsee:IOS:com.x');
    expect(keys.sizeHistoryKey.sentry('o', 'p', 'a')).toBe('sizehist:sentry:o:p:a');
    expect(keys.sizeBuild.bugsee('IOS', 'u')).toBe('bugsee:IOS:u');
    expect(keys.sizeBuild.sentry('o', 7)).toBe('sentry:o:7');
    expect(keys.sizeHistoryDoneKey('sentry:o:7')).toBe('sizehist-done:sentry:o:7');
    expect(keys.tokenRefreshLockKey('u')).toBe('sentry:token-refresh:u');
    expect(keys.sentryGroupKey('42')).toBe('sentry:group:42');
    expect(keys.actionKey('1.2', 'U')).toBe('action:1.2:U');
    expect(keys.actionControlKey('T', 'C', '3.4', 'resolve')).toBe('action-control:T:C:3.4:resolve');
  });

  it('template a missing part as the inline strings did', () => {
    expect(keys.seqSkipKey(null, 1)).toBe(`seqskip:${tagOf('null')}:null:1`);
    expect(keys.actionControlKey('T', 'C', undefined, 'x')).toBe('action-control:T:C:undefined:x');
  });

  it('give every key of one delivery the same hash tag, spread over the shards', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const threadKey = `sentry:issue:${i}`;
      const tag = keys.deliveryTag(threadKey, 'sha');
      for (const key of [
        keys.dedupKey('sentry', `r${i}`, tag),
        keys.dedupBodyKey('sentry', 'sha', tag),
        keys.seqKey(threadKey),
        keys.seqDoneKey(threadKey),
        keys.seqSkipKey(threadKey, 4),
      ]) {
        expect(key.match(/\{[^}]*\}/)?.[0]).toBe(tag);
      }
      seen.add(shardOf(threadKey));
    }
    expect(seen.size).toBe(SHARD_COUNT);
    // Stable across processes and versions: a thread must not move shards on a deploy.
    expect(shardOf('sentry:issue:1')).toBe(shardOf('sentry:issue:1'));
    expect([shardOf(''), shardOf('a'), shardOf('sentry:issue:1170820242')]).toEqual([5, 12, 8]); // FNV-1a('') = 0x811c9dc5, FNV-1a('a') = 0xe40c292c
    // Threadless: the body decides, so a replay under a new id meets the first claim.
    expect(keys.deliveryTag(undefined, 'abc')).toBe(tagOf('body:abc'));
  });
});
