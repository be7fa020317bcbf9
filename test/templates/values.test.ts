import { describe, expect, it } from 'vitest';
import {
  decodeActionValue,
  encodeActionValue,
  isBugseeFeedbackValue,
  isBugseeIssueValue,
  isSentryIssueValue,
} from '../../templates/values.js';

describe('button values', () => {
  it('round-trips each kind as compact JSON', () => {
    const values = [
      { s: 'sentry', org: 'acme', issueId: '1170820242' },
      { s: 'sentry', org: 'acme', issueId: '1', o: 'archive_1h' },
      { s: 'bugsee', appKey: 'IOS', issueKey: 'IOS-123' },
      { s: 'bugsee', appKey: 'IOS', deviceId: 'D11B5769-781B-44B0-9CB7-B2D8D9C7A831' },
    ] as const;
    for (const v of values) {
      const raw = encodeActionValue(v);
      expect(raw).not.toContain(' ');
      expect(decodeActionValue(raw)).toEqual(v);
    }
    expect(encodeActionValue({ s: 'sentry', org: 'acme', issueId: '1' })).toBe('{"s":"sentry","org":"acme","issueId":"1"}');
  });

  it('tells the kinds apart', () => {
    const f = decodeActionValue('{"s":"bugsee","appKey":"A","deviceId":"D"}');
    expect(isBugseeFeedbackValue(f)).toBe(true);
    expect(isBugseeIssueValue(f)).toBe(false);
    expect(isSentryIssueValue(decodeActionValue('{"s":"sentry","org":"o","issueId":"1"}'))).toBe(true);
  });

  it('rejects anything else, including extra keys such as tokens', () => {
    for (const raw of [
      '',
      'not json',
      '{}',
      '{"s":"sentry","org":"o"}',
      '{"s":"sentry","org":"o","issueId":"1","token":"secret"}',
      '{"s":"sentry","org":"o","issueId":"1","o":"delete_everything"}',
      '{"s":"bugsee","appKey":"A","issueKey":"K","deviceId":"D"}',
      '{"s":"other","appKey":"A","issueKey":"K"}',
      '{"s":"sentry","org":"","issueId":"1"}',
      null,
      undefined,
    ]) {
      expect(decodeActionValue(raw as string)).toBeNull();
    }
  });
});
