import type { RateLimits } from '../../auth/rate-limits.ts';
import type { FrontDoor, FrontDoorSettings } from '../../catalog/front-door.ts';
import type { DomainError } from '../../domain/errors.ts';
import type { HoldGuard, HoldSeatsInput } from './hold-seats.ts';

/**
 * The hold rate limits as a hold guard (run by the hold use case on every buyer entry point; a counter sale is
 * exempt): per buyer and per client address, per showtime, per minute. The showtime's `holdLimitPerBuyer` /
 * `holdLimitPerAddress` win over the configured defaults (null: the default; 0: no limit).
 *
 * With both limits off it answers null synchronously, so a sold-out flood on an unlimited showtime costs no
 * promise: the settings come from the front door's memory (its last copy, also while PostgreSQL is away). Only a
 * showtime never seen on this node waits for PostgreSQL once.
 * Refusals: `rate_limited` (429, details.retryAfterSeconds).
 */
export function holdRateLimitGuard(deps: {
  limits: RateLimits;
  frontDoor: Pick<FrontDoor, 'peek' | 'get'>;
}): HoldGuard {
  const { limits, frontDoor } = deps;
  const defaults = limits.defaults.hold;
  const check = (input: HoldSeatsInput, s: FrontDoorSettings | null | undefined) => {
    const perBuyer = s?.holdLimitPerBuyer ?? defaults.perBuyer;
    const perAddress = s?.holdLimitPerAddress ?? defaults.perAddress;
    if (perBuyer === 0 && perAddress === 0) return null;
    return limits.take(
      'hold',
      { address: input.clientAddress, buyer: input.buyer.buyerId, scope: input.showtimeId },
      { perBuyer, perAddress },
    );
  };

  return (input): DomainError | null | Promise<DomainError | null> => {
    // The front door keeps the last settings it saw (also while PostgreSQL is away); with none yet and PostgreSQL
    // unreachable, the configured defaults apply: holds need only Redis.
    const settings = frontDoor.peek(input.showtimeId);
    if (settings) return check(input, settings);
    return frontDoor.get(input.showtimeId).then(
      (s) => check(input, s),
      () => check(input, null),
    );
  };
}
