import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, sha256 } from './context.ts';

describe('the hold token hashes', () => {
  it('hmacSha256 gives the bytes of Node’s HMAC-SHA256 for short, block-sized and long keys', () => {
    for (const key of [
      'k',
      randomBytes(32).toString('hex'),
      'x'.repeat(64),
      'é'.repeat(40),
      'y'.repeat(200),
    ]) {
      const mac = hmacSha256(key);
      for (const message of ['', 'st1.h0123456789ab', 'ünï', randomBytes(50).toString('base64')])
        expect(mac(message)).toBe(createHmac('sha256', key).update(message).digest('base64url'));
    }
  });

  it('sha256 is the hex digest', () => {
    expect(sha256('ht_abc')).toBe(createHash('sha256').update('ht_abc').digest('hex'));
  });
});
