import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './signature.ts';
import { DomainError } from '../domain/errors.ts';

const SECRET = 'whsec-test-0123456789abcdef';
const body = Buffer.from('{"id":"evt_1","type":"payment.succeeded"}');
const now = 1_800_000_000;

function code(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? e.code : 'other';
  }
  return undefined;
}

describe('webhook signatures', () => {
  it('accepts a fresh, correct signature', () => {
    expect(code(() => verifyWebhook(SECRET, signWebhook(SECRET, body, now), body, now))).toBeUndefined();
    expect(
      code(() => verifyWebhook(SECRET, signWebhook(SECRET, body, now - 299), body, now)),
    ).toBeUndefined();
  });

  it('rejects a wrong secret, a changed body, and a missing or malformed header', () => {
    expect(
      code(() => verifyWebhook(SECRET, signWebhook('other-secret-0123456789', body, now), body, now)),
    ).toBe('webhook_invalid');
    const changed = Buffer.from(body.toString().replace('succeeded', 'failed'));
    expect(code(() => verifyWebhook(SECRET, signWebhook(SECRET, body, now), changed, now))).toBe(
      'webhook_invalid',
    );
    expect(code(() => verifyWebhook(SECRET, undefined, body, now))).toBe('webhook_invalid');
    expect(code(() => verifyWebhook(SECRET, 'v1=abc', body, now))).toBe('webhook_invalid');
    expect(code(() => verifyWebhook(SECRET, `t=${now}`, body, now))).toBe('webhook_invalid');
  });

  it('rejects a replay outside the 5-minute window, either way', () => {
    expect(code(() => verifyWebhook(SECRET, signWebhook(SECRET, body, now - 301), body, now))).toBe(
      'webhook_invalid',
    );
    expect(code(() => verifyWebhook(SECRET, signWebhook(SECRET, body, now + 301), body, now))).toBe(
      'webhook_invalid',
    );
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const good = signWebhook(SECRET, body, now).split(',')[1]!;
    const header = `t=${now},v1=${'0'.repeat(64)},${good}`;
    expect(code(() => verifyWebhook(SECRET, header, body, now))).toBeUndefined();
  });
});
