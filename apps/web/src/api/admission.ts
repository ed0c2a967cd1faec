import { queueChallengeSchema, queueStatusSchema, type QueueStatus } from '@seatrush/shared';
import type { Challenge } from 'altcha-lib';
import { ApiError } from './errors.ts';
import { request } from './client.ts';
import { withBuyerSession } from './inventory.ts';
import { remember } from './admission-token.ts';

export { admissionHeader, admissionToken } from './admission-token.ts';

/** The waiting room's buyer calls (docs/waiting-room.md); the token they receive is kept by admission-token.ts. */
const enc = encodeURIComponent;

/**
 * Joins the line (idempotent). Where the sale asks for a browser check (`challenge_required`), fetches the
 * showtime's ALTCHA challenge, solves it here (Web Crypto; about a second) and joins with the solution.
 * `onChecking` is told while the browser works on it.
 */
export async function joinQueue(showtimeId: string, onChecking?: () => void): Promise<QueueStatus> {
  const join = (challenge?: string) =>
    withBuyerSession(() =>
      request(`/api/showtimes/${enc(showtimeId)}/queue`, {
        method: 'POST',
        body: challenge === undefined ? {} : { challenge },
        schema: queueStatusSchema,
      }),
    );
  try {
    return remember(await join());
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'challenge_required') throw err;
  }
  onChecking?.();
  const challenge = await request(`/api/showtimes/${enc(showtimeId)}/queue/challenge`, {
    schema: queueChallengeSchema,
  });
  const { solveChallenge } = await import('altcha-lib');
  const { deriveKey } = await import('altcha-lib/algorithms/web/pbkdf2');
  const solution = await solveChallenge({ challenge: challenge as unknown as Challenge, deriveKey });
  if (!solution) throw new ApiError('challenge_failed', 403);
  return remember(await join(btoa(JSON.stringify({ challenge, solution }))));
}

/** Where the buyer stands (and their token once admitted). */
export async function queueStatus(showtimeId: string, signal?: AbortSignal): Promise<QueueStatus> {
  return remember(
    await withBuyerSession(() =>
      request(`/api/showtimes/${enc(showtimeId)}/queue`, { signal, schema: queueStatusSchema }),
    ),
  );
}
