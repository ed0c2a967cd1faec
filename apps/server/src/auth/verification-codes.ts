import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Redis } from '../db/redis.ts';
import { VERIFICATION_CODE_LENGTH } from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';

/**
 * One-time codes that prove a buyer session's e-mail (docs/buyers.md). A code belongs to one session and one
 * address: only its HMAC is kept (in Redis, a hash per session), with its expiry, the wrong tries so far and when
 * it was sent. Time comes from `now`, so tests move the clock instead of waiting; Redis TTLs only tidy up.
 *
 * - A new code replaces the session's previous one, no sooner than `resendSeconds` after the last code to that
 *   session *or* that address (so many sessions cannot flood one mailbox).
 * - A wrong code counts against `attempts` before it is compared (HINCRBY, atomic): concurrent guesses cannot
 *   exceed the limit. Once it is spent, the code is dead and a new one must be asked for.
 * - A right code is deleted: it works once.
 */
export interface VerificationCodes {
  /**
   * A fresh code for the session, to be sent to `email`. Errors: `rate_limited` (with `retryAfterSeconds` in
   * details) while the resend cooldown runs.
   */
  issue(sessionId: string, email: string): Promise<{ code: string; expiresAt: Date; resendAfter: Date }>;
  /**
   * Checks and consumes the session's code. Errors: `verification_code_expired` (none live: expired, used, or never
   * sent), `verification_attempts_exceeded` (too many wrong tries), `verification_code_invalid` (wrong; details
   * say how many tries are left).
   */
  check(sessionId: string, email: string, code: string): Promise<void>;
  /** Withdraws the session's code and the cooldown it started (the mail carrying it could not be sent). */
  withdraw(sessionId: string, email: string): Promise<void>;
}

export interface VerificationCodeOptions {
  redis: Redis;
  prefix: string;
  /** Keys the code's HMAC (the session secret, or one derived from it). */
  secret: string;
  ttlSeconds: number;
  attempts: number;
  resendSeconds: number;
  now?: () => number;
  /** Makes the code (tests pick it); default: uniformly random digits. */
  generate?: () => string;
}

export function createVerificationCodes(o: VerificationCodeOptions): VerificationCodes {
  const now = o.now ?? Date.now;
  const generate =
    o.generate ??
    (() =>
      randomInt(0, 10 ** VERIFICATION_CODE_LENGTH)
        .toString()
        .padStart(VERIFICATION_CODE_LENGTH, '0'));
  const sessionKey = (sessionId: string) => `${o.prefix}:verify:s:${sessionId}`;
  // The address in a key is hashed: Redis key listings should not be a list of customers' e-mails.
  const emailKey = (email: string) =>
    `${o.prefix}:verify:e:${createHash('sha256').update(email).digest('base64url')}`;
  const digest = (sessionId: string, email: string, code: string) =>
    createHmac('sha256', o.secret).update(`seatrush-email-code.v1\n${sessionId}\n${email}\n${code}`).digest();
  // Keys outlive the logical expiry a little, so an expired code still answers "expired", not "never sent".
  const keepMs = (o.ttlSeconds + Math.max(o.resendSeconds, 60)) * 1000;

  return {
    async issue(sessionId, email) {
      const t = now();
      const [bySession, byEmail] = await Promise.all([
        o.redis.hget(sessionKey(sessionId), 'sent'),
        o.redis.get(emailKey(email)),
      ]);
      const lastSent = Math.max(Number(bySession ?? 0), Number(byEmail ?? 0));
      const waitMs = lastSent + o.resendSeconds * 1000 - t;
      if (waitMs > 0) {
        const retryAfterSeconds = Math.ceil(waitMs / 1000);
        throw new DomainError('rate_limited', `A code was just sent; ask again in ${retryAfterSeconds} s.`, {
          retryAfterSeconds,
        });
      }
      const code = generate();
      const expiresAt = t + o.ttlSeconds * 1000;
      // The session's hash in one transaction; the address's cooldown beside it (another key, another slot on a
      // Redis Cluster, so not in the same transaction: a lost cooldown only allows an earlier resend).
      await Promise.all([
        o.redis
          .multi()
          .del(sessionKey(sessionId))
          .hset(sessionKey(sessionId), {
            h: digest(sessionId, email, code).toString('base64url'),
            exp: expiresAt,
            tries: 0,
            sent: t,
          })
          .pexpire(sessionKey(sessionId), keepMs)
          .exec(),
        o.redis.set(emailKey(email), t, 'PX', Math.max(o.resendSeconds * 1000, 1)),
      ]);
      return { code, expiresAt: new Date(expiresAt), resendAfter: new Date(t + o.resendSeconds * 1000) };
    },

    async check(sessionId, email, code) {
      const key = sessionKey(sessionId);
      const [stored, exp] = await o.redis.hmget(key, 'h', 'exp');
      if (!stored || !exp || Number(exp) <= now()) throw new DomainError('verification_code_expired');
      const tries = await o.redis.hincrby(key, 'tries', 1);
      if (tries > o.attempts) throw new DomainError('verification_attempts_exceeded');
      const expected = Buffer.from(stored, 'base64url');
      const given = digest(sessionId, email, code);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        const left = o.attempts - tries;
        if (left <= 0) throw new DomainError('verification_attempts_exceeded');
        throw new DomainError('verification_code_invalid', undefined, { attemptsLeft: left });
      }
      // Only one of two racing right answers consumes it.
      if ((await o.redis.del(key)) === 0) throw new DomainError('verification_code_expired');
    },

    async withdraw(sessionId, email) {
      await Promise.all([o.redis.del(sessionKey(sessionId)), o.redis.del(emailKey(email))]);
    },
  };
}
