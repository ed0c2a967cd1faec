import type { FrontDoor, FrontDoorSettings } from '../../catalog/front-door.ts';
import { DomainError } from '../../domain/errors.ts';
import type { HoldGuard } from '../holds/hold-seats.ts';

/**
 * The hold guard of showtimes that require verified buyers (`requireVerifiedBuyers`): a session without the
 * `verified` claim is refused with 403 `verification_required` on every buyer hold path. Answered from the token
 * and the node's copy of the showtime's settings — synchronously while the copy is fresh, so a flood costs no
 * promise; an unknown showtime goes on to the inventory, which answers `not_found` as it does without this guard.
 */
export function requireVerifiedBuyers(frontDoor: Pick<FrontDoor, 'peek' | 'get'>): HoldGuard {
  const decide = (s: FrontDoorSettings | null | undefined) =>
    s?.requireVerifiedBuyers ? new DomainError('verification_required') : null;
  return (input) => {
    if (input.buyer.verified) return null;
    const settings = frontDoor.peek(input.showtimeId);
    if (settings) return decide(settings);
    return frontDoor.get(input.showtimeId).then(decide);
  };
}
