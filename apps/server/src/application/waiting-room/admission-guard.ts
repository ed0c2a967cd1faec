import type { FrontDoor, FrontDoorSettings } from '../../catalog/front-door.ts';
import { DomainError } from '../../domain/errors.ts';
import type { AdmissionTokens } from '../../waiting-room/tokens.ts';
import type { HoldGuard, HoldSeatsInput } from '../holds/hold-seats.ts';

/**
 * The waiting room's hold guard: where a showtime's room is on, a buyer's hold needs an admission token signed
 * for that buyer and showtime whose window is still open. Answered synchronously from the node's copy of the
 * settings and an HMAC (no database, no Redis); only a showtime this node has not seen within the settings'
 * freshness waits for PostgreSQL once. Where the room is off it costs one map lookup.
 *
 * Refusals (403): `admission_required` (no token), `admission_token_invalid` (forged or mangled),
 * `admission_token_expired`, `admission_token_wrong_buyer`, `admission_token_wrong_showtime`.
 */
export function createAdmissionGuard(deps: {
  frontDoor: FrontDoor;
  tokens: AdmissionTokens;
  now?: () => number;
}): HoldGuard {
  const now = deps.now ?? Date.now;
  const check = (
    input: HoldSeatsInput,
    settings: FrontDoorSettings | null | undefined,
  ): DomainError | null => {
    if (!settings?.waitingRoom) return null;
    const token = input.admissionToken;
    if (!token) return new DomainError('admission_required');
    const r = deps.tokens.verify(token, input.showtimeId, input.buyer.buyerId, now());
    return r.ok ? null : new DomainError(r.code);
  };
  return (input) => {
    const settings = deps.frontDoor.peek(input.showtimeId);
    if (settings !== undefined) return check(input, settings);
    return deps.frontDoor.get(input.showtimeId).then((s) => check(input, s));
  };
}
