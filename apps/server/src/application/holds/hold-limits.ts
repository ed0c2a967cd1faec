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
 * promise: the settings come from the front door's memory, or — while that copy is being refreshed, or PostgreSQL
 * is away — from the last settings this guard saw. Only a showtime never seen here waits for PostgreSQL once.
 * Refusals: `rate_limited` (429, details.retryAfterSeconds).
 */
export function holdRateLimitGuard(deps: {
  limits: RateLimits;
  frontDoor: Pick<FrontDoor, 'peek' | 'get'>;
}): HoldGuard {
  const { limits, frontDoor } = deps;
  const defaults = limits.defaults.hold;
  /** The last settings seen per showtime (bounded: forgotten wholesale past MAX_REMEMBERED). */
  const last = new Map<string, FrontDoorSettings>();
  const MAX_REMEMBERED = 10_000;
  const remember = (showtimeId: string, s: FrontDoorSettings) => {
    if (last.get(showtimeId) === s) return;
    if (last.size >= MAX_REMEMBERED) last.clear();
    last.set(showtimeId, s);
  };

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
    const id = input.showtimeId;
    const fresh = frontDoor.peek(id);
    if (fresh) {
      remember(id, fresh);
      return check(input, fresh);
    }
    const known = last.get(id);
    const loading = frontDoor.get(id).then(
      (s) => {
        if (s) remember(id, s);
        return s;
      },
      // PostgreSQL away: holds need only Redis, so the limits fall back to what was last seen, else the defaults.
      () => known ?? null,
    );
    if (known) return check(input, known);
    return loading.then((s) => check(input, s));
  };
}
