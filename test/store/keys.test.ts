import { describe, expect, it } from 'vitest';
import * as keys from '../../src/store/keys.js';

// Stored data outlives deploys: these strings are the ones written before the builders existed.
describe('store keys', () => {
  it('keep their byte-for-byte shapes', () => {
    expect(keys.dedupKey('sentry', 'r1')).toBe('dedup:sentry:r1');
    expect(keys.seqKey('sentry:issue:1')).toBe('seq:sentry:issue:1');
    expect(keys.seqDoneKey('t')).toBe('seqdone:t');
    expect(keys.seqSkipKey('t', 3)).toBe('seqskip:t:3');
    expect(keys.seqProgressKey('t')).toBe('seqprogress:t');
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
    expect(keys.seqSkipKey(null, 1)).toBe('seqskip:null:1');
    expect(keys.actionControlKey('T', 'C', undefined, 'x')).toBe('action-control:T:C:undefined:x');
  });
});
