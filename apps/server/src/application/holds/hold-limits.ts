import type { RateLimits } from '../../auth/rate-limits.ts';
import type { FrontDoorSettings } from '../../catalog/front-door.ts';
import type { FrontDoorGuard } from './front-door-guards.ts';

/**
 * The hold rate limits as a hold guard (run by the hold use case on every buyer entry point; a counter sale is
 * exempt): per buyer and per client address, per showtime, per minute. The showtime's `holdLimitPerBuyer` /
 * `holdLimitPerAddress` win over the configured defaults (null: the default; 0: no limit).
 *
 * A front-door guard (front-door-guards.ts): where both limits are off it is skipped, so a sold-out flood on an
 * unlimited showtime costs nothing here.
 * Refusals: `rate_limited` (429, details.retryAfterSeconds).
 */
export function holdRateLimitGuard(deps: { limits: RateLimits }): FrontDoorGuard {
  const { limits } = deps;
  const defaults = limits.defaults.hold;
  const limitsOf = (s: FrontDoorSettings | null) => ({
    perBuyer: s?.holdLimitPerBuyer ?? defaults.perBuyer,
    perAddress: s?.holdLimitPerAddress ?? defaults.perAddress,
  });
  return {
    applies(settings) {
      const { perBuyer, perAddress } = limitsOf(settings);
      return perBuyer !== 0 || perAddress !== 0;
    },
    check: (input, settings) =>
      limits.take(
        'hold',
        { address: input.clientAddress, buyer: input.buyer.buyerId, scope: input.showtimeId },
        limitsOf(settings),
      ),
  };
}
