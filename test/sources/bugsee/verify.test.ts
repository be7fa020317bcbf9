import { describe, expect, it } from 'vitest';
import { verifyBugseeToken } from '../../../src/sources/bugsee/verify.js';
import { delivery } from './fixtures.js';

const SECRET = 's3cr3t-bugsee-token';

describe('verifyBugseeToken', () => {
  it('accepts the secret as the token query parameter', () => {
    expect(verifyBugseeToken(delivery({ query: { token: SECRET } }), SECRET)).toBe(true);
  });

  it('accepts the secret as the X-Bugsee-Token header', () => {
    expect(verifyBugseeToken(delivery({ headers: { 'x-bugsee-token': SECRET } }), SECRET)).toBe(true);
  });

  it('rejects a wrong token of the same length', () => {
    const wrong = SECRET.slice(0, -1) + 'X';
    expect(wrong).toHaveLength(SECRET.length);
    expect(verifyBugseeToken(delivery({ query: { token: wrong } }), SECRET)).toBe(false);
    expect(verifyBugseeToken(delivery({ headers: { 'x-bugsee-token': wrong } }), SECRET)).toBe(false);
  });

  it('rejects tokens of a different length, including prefixes and extensions of the secret', () => {
    for (const token of [SECRET.slice(0, 4), SECRET + 'x', 'x', SECRET.repeat(3)]) {
      expect(verifyBugseeToken(delivery({ query: { token } }), SECRET)).toBe(false);
    }
  });

  it('rejects a delivery with no token at all, or an empty one', () => {
    expect(verifyBugseeToken(delivery(), SECRET)).toBe(false);
    expect(verifyBugseeToken(delivery({ query: { token: '' } }), SECRET)).toBe(false);
    expect(verifyBugseeToken(delivery({ headers: { 'x-bugsee-token': '' } }), SECRET)).toBe(false);
  });

  it('never accepts anything when no secret is configured', () => {
    expect(verifyBugseeToken(delivery({ query: { token: '' } }), '')).toBe(false);
    expect(verifyBugseeToken(delivery(), '')).toBe(false);
  });

  it('accepts when either place carries the secret, even if the other is wrong', () => {
    expect(verifyBugseeToken(delivery({ query: { token: 'nope' }, headers: { 'x-bugsee-token': SECRET } }), SECRET)).toBe(true);
    expect(verifyBugseeToken(delivery({ query: { token: SECRET }, headers: { 'x-bugsee-token': 'nope' } }), SECRET)).toBe(true);
  });

  it('does not read the token from other headers or parameters', () => {
    expect(verifyBugseeToken(delivery({ headers: { authorization: `Bearer ${SECRET}` } }), SECRET)).toBe(false);
    expect(verifyBugseeToken(delivery({ query: { secret: SECRET } }), SECRET)).toBe(false);
  });

  it('compares unicode secrets byte for byte', () => {
    const secret = 'clé-🔑-秘密';
    expect(verifyBugseeToken(delivery({ query: { token: secret } }), secret)).toBe(true);
    expect(verifyBugseeToken(delivery({ query: { token: secret.normalize('NFD') } }), secret)).toBe(false);
  });
});
