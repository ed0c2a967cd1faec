import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../config/index.ts';
import { DomainError } from '../domain/errors.ts';
import { createVerificationCodes, type VerificationCodeOptions } from './verification-codes.ts';

/** The code store against the machine's Redis (random prefix), with the clock injected: nothing waits. */
const redis = new Redis(configFromEnv().redisUrl);
afterAll(() => redis.quit());

let t = 1_000_000;
let prefix = '';
let codes = ['111111', '222222', '333333'];
const store = (over: Partial<VerificationCodeOptions> = {}) =>
  createVerificationCodes({
    redis,
    prefix,
    secret: 'test-secret-test-secret',
    ttlSeconds: 600,
    attempts: 3,
    resendSeconds: 60,
    now: () => t,
    generate: () => codes.shift() ?? '999999',
    ...over,
  });

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, details: e.details };
    throw e;
  }
  return { code: 'ok' };
};

beforeEach(() => {
  t = 1_000_000;
  prefix = `t${randomBytes(4).toString('hex')}`;
  codes = ['111111', '222222', '333333'];
});

describe('verification codes', () => {
  it('a right code works once, for its session and address only', async () => {
    const s = store();
    const issued = await s.issue('sess1', 'a@example.com');
    expect(issued.code).toBe('111111');
    expect(issued.expiresAt.getTime()).toBe(t + 600_000);
    expect(issued.resendAfter.getTime()).toBe(t + 60_000);
    expect(await codeOf(s.check('sess2', 'a@example.com', '111111'))).toMatchObject({
      code: 'verification_code_expired',
    });
    expect(await codeOf(s.check('sess1', 'b@example.com', '111111'))).toMatchObject({
      code: 'verification_code_invalid',
      details: { attemptsLeft: 2 },
    });
    expect(await codeOf(s.check('sess1', 'a@example.com', '111111'))).toEqual({ code: 'ok' });
    expect(await codeOf(s.check('sess1', 'a@example.com', '111111'))).toMatchObject({
      code: 'verification_code_expired',
    });
  });

  it('stores only a hash of the code', async () => {
    const s = store();
    await s.issue('sess1', 'a@example.com');
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      const type = await redis.type(k);
      const dump = type === 'hash' ? JSON.stringify(await redis.hgetall(k)) : String(await redis.get(k));
      expect(dump).not.toContain('111111');
      expect(k).not.toContain('a@example.com');
    }
  });

  it('expires after its TTL (by the injected clock)', async () => {
    const s = store();
    await s.issue('sess1', 'a@example.com');
    t += 600_000;
    expect(await codeOf(s.check('sess1', 'a@example.com', '111111'))).toMatchObject({
      code: 'verification_code_expired',
    });
  });

  it('works until the last millisecond of its TTL', async () => {
    const s = store();
    await s.issue('sess1', 'a@example.com');
    t += 600_000 - 1;
    expect(await codeOf(s.check('sess1', 'a@example.com', '111111'))).toEqual({ code: 'ok' });
  });

  it('dies after too many wrong tries, even when the right one follows', async () => {
    const s = store();
    await s.issue('sess1', 'a@example.com');
    expect(await codeOf(s.check('sess1', 'a@example.com', '000000'))).toMatchObject({
      code: 'verification_code_invalid',
      details: { attemptsLeft: 2 },
    });
    expect(await codeOf(s.check('sess1', 'a@example.com', '000001'))).toMatchObject({
      details: { attemptsLeft: 1 },
    });
    expect(await codeOf(s.check('sess1', 'a@example.com', '000002'))).toMatchObject({
      code: 'verification_attempts_exceeded',
    });
    expect(await codeOf(s.check('sess1', 'a@example.com', '111111'))).toMatchObject({
      code: 'verification_attempts_exceeded',
    });
  });

  it('concurrent guesses cannot exceed the attempt limit', async () => {
    const s = store({ generate: () => '424242' });
    await s.issue('sess1', 'a@example.com');
    const guesses = Array.from({ length: 50 }, (_, i) => String(100000 + i));
    guesses.push('424242');
    const results = await Promise.all(guesses.map((g) => codeOf(s.check('sess1', 'a@example.com', g))));
    const tried = results.filter((r) => r.code !== 'verification_attempts_exceeded').length;
    expect(tried).toBeLessThanOrEqual(3);
  });

  it('resend cooldown per session and per address; a new code replaces the old one', async () => {
    const s = store();
    await s.issue('sess1', 'a@example.com');
    t += 30_000;
    expect(await codeOf(s.issue('sess1', 'a@example.com'))).toMatchObject({
      code: 'rate_limited',
      details: { retryAfterSeconds: 30 },
    });
    // Another session claiming the same address waits too: many sessions cannot flood one mailbox.
    expect(await codeOf(s.issue('sess2', 'a@example.com'))).toMatchObject({ code: 'rate_limited' });
    // Another address is not held up.
    expect((await s.issue('sess3', 'b@example.com')).code).toBe('222222');
    t += 30_000;
    expect((await s.issue('sess1', 'a@example.com')).code).toBe('333333');
    expect(await codeOf(s.check('sess1', 'a@example.com', '111111'))).toMatchObject({
      code: 'verification_code_invalid',
    });
    expect(await codeOf(s.check('sess1', 'a@example.com', '333333'))).toEqual({ code: 'ok' });
  });

  it('a withdrawn code (mail not sent) neither works nor holds up the next', async () => {
    const s = store();
    await s.issue('sess1', 'a@example.com');
    await s.withdraw('sess1', 'a@example.com');
    expect(await codeOf(s.check('sess1', 'a@example.com', '111111'))).toMatchObject({
      code: 'verification_code_expired',
    });
    expect((await s.issue('sess1', 'a@example.com')).code).toBe('222222');
  });

  it('makes six-digit codes by default', async () => {
    const s = store({ generate: undefined });
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      t += 61_000;
      const { code } = await s.issue(`sess${i}`, `x${i}@example.com`);
      expect(code).toMatch(/^[0-9]{6}$/);
      seen.add(code);
    }
    expect(seen.size).toBeGreaterThan(15);
  });
});
