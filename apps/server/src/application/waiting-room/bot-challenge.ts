import { createHmac } from 'node:crypto';
import type { QueueChallenge } from '@seatrush/shared';
import { createChallenge, randomInt, verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { DomainError } from '../../domain/errors.ts';
import type { Room } from '../../waiting-room/room.ts';

/**
 * The optional bot friction in front of a waiting room (the showtime's `botChallenge` setting): before joining, the
 * browser solves an ALTCHA proof of work (altcha-lib, PBKDF2/SHA-256) — a second or two of CPU (config
 * BOT_CHALLENGE_*), nothing for one person, a real cost for a farm of scripted joins. The challenge is signed with a key of the server's,
 * carries the showtime it is for and an expiry, and is verified without state; a solved challenge is spent once
 * (a Redis key in the showtime's slot), so one solution cannot join a thousand sessions.
 *
 * Refusals (403): `challenge_required` (none sent), `challenge_failed` (forged, wrong showtime, expired, wrong
 * answer, or used already).
 */
export interface BotChallenges {
  issue(showtimeId: string): Promise<QueueChallenge>;
  /** Checks the payload the browser sent (base64 JSON `{ challenge, solution }`) and spends it. */
  check(showtimeId: string, payload: string | undefined): Promise<DomainError | null>;
}

export interface BotChallengeOptions {
  secret: string;
  room: Pick<Room, 'spendChallenge'>;
  /** PBKDF2 iterations per attempt, and the range of the counter the solver must reach (deterministic mode). */
  cost: number;
  counter: readonly [number, number];
  /** How long a challenge may be solved and used. */
  ttlMs: number;
  now?: () => number;
}

const ALGORITHM = 'PBKDF2/SHA-256';

interface ChallengePayload {
  challenge: Challenge;
  solution: Solution;
}

function decode(payload: string): ChallengePayload | null {
  try {
    const p = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as Partial<ChallengePayload>;
    const c = p.challenge;
    const s = p.solution;
    if (!c || typeof c !== 'object' || !c.parameters || typeof c.signature !== 'string') return null;
    if (!s || typeof s !== 'object' || !Number.isInteger(s.counter) || typeof s.derivedKey !== 'string')
      return null;
    return { challenge: c, solution: s };
  } catch {
    return null;
  }
}

export function createBotChallenges(opts: BotChallengeOptions): BotChallenges {
  const now = opts.now ?? Date.now;
  const key = (purpose: string) =>
    createHmac('sha256', opts.secret).update(`seatrush ${purpose}`).digest('hex');
  const secrets = {
    hmacSignatureSecret: key('queue challenge signature'),
    hmacKeySignatureSecret: key('queue challenge key signature'),
  };
  return {
    async issue(showtimeId) {
      const c = await createChallenge({
        algorithm: ALGORITHM,
        cost: opts.cost,
        counter: randomInt(opts.counter[0], opts.counter[1]),
        deriveKey,
        data: { showtimeId },
        expiresAt: new Date(now() + opts.ttlMs),
        ...secrets,
      });
      return { parameters: { ...c.parameters }, signature: c.signature };
    },
    async check(showtimeId, payload) {
      if (!payload) return new DomainError('challenge_required');
      const p = decode(payload);
      if (!p || p.challenge.parameters.data?.showtimeId !== showtimeId)
        return new DomainError('challenge_failed');
      const expiresAt = p.challenge.parameters.expiresAt;
      if (typeof expiresAt !== 'number' || expiresAt * 1000 <= now())
        return new DomainError('challenge_failed');
      const r = await verifySolution({ challenge: p.challenge, solution: p.solution, deriveKey, ...secrets });
      if (!r.verified) return new DomainError('challenge_failed');
      const fresh = await opts.room.spendChallenge(showtimeId, p.challenge.signature!, opts.ttlMs);
      return fresh ? null : new DomainError('challenge_failed', 'That browser check was used already.');
    },
  };
}
