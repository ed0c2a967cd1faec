import { DomainError } from '../../domain/errors.ts';
import type { AdmissionTokens } from '../../waiting-room/tokens.ts';
import type { FrontDoorGuard } from '../holds/front-door-guards.ts';

/**
 * The waiting room's hold guard: where a showtime's room is on, a buyer's hold needs an admission token signed
 * for that buyer and showtime whose window is still open. Answered synchronously from the node's copy of the
 * settings and an HMAC (no database, no Redis); it runs among the front-door guards (holds/front-door-guards.ts),
 * which skip it where the room is off.
 *
 * Refusals (403): `admission_required` (no token), `admission_token_invalid` (forged or mangled),
 * `admission_token_expired`, `admission_token_wrong_buyer`, `admission_token_wrong_showtime`.
 */
export function createAdmissionGuard(deps: { tokens: AdmissionTokens; now?: () => number }): FrontDoorGuard {
  const now = deps.now ?? Date.now;
  return {
    applies: (settings) => settings?.waitingRoom === true,
    check(input, settings) {
      if (!settings?.waitingRoom) return null;
      const token = input.admissionToken;
      if (!token) return new DomainError('admission_required');
      const r = deps.tokens.verify(token, input.showtimeId, input.buyer.buyerId, now());
      return r.ok ? null : new DomainError(r.code);
    },
  };
}
