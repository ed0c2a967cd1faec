import { DomainError } from '../../domain/errors.ts';
import type { FrontDoorGuard } from '../holds/front-door-guards.ts';

/**
 * The hold guard of showtimes that require verified buyers (`requireVerifiedBuyers`): a session without the
 * `verified` claim is refused with 403 `verification_required` on every buyer hold path. Answered from the token
 * and the node's copy of the showtime's settings (a front-door guard: holds/front-door-guards.ts skips it on
 * showtimes that do not require verification); an unknown showtime goes on to the inventory, which answers
 * `not_found` as it does without this guard.
 */
export const requireVerifiedBuyers: FrontDoorGuard = {
  applies: (settings) => settings?.requireVerifiedBuyers === true,
  check: (input, settings) =>
    settings?.requireVerifiedBuyers && !input.buyer.verified
      ? new DomainError('verification_required')
      : null,
};
