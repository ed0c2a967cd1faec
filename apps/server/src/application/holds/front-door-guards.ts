import type { FrontDoor, FrontDoorSettings } from '../../catalog/front-door.ts';
import type { DomainError } from '../../domain/errors.ts';
import type { HoldGuard, HoldSeatsInput } from './hold-seats.ts';

type Refusal = DomainError | null | Promise<DomainError | null>;

/**
 * A hold guard that depends on the showtime's front-door settings (the waiting room, verified buyers, hold rate
 * limits). `applies` tells from the settings alone whether the guard has anything to check on that showtime
 * (`null`: a showtime PostgreSQL does not know); `check` decides for one request.
 */
export interface FrontDoorGuard {
  applies(settings: FrontDoorSettings | null): boolean;
  check(input: HoldSeatsInput, settings: FrontDoorSettings | null): Refusal;
}

/**
 * The front-door guards as one hold guard. The showtime's settings are read once per request, from the front
 * door's memory (its last copy, also while PostgreSQL is away), and which guards apply is worked out once per
 * copy of the settings, not per request: on a showtime whose front door is all off — the flash sale's sold-out
 * flood — a hold costs one map lookup here. Only a showtime this node has not seen yet waits for PostgreSQL, once;
 * if PostgreSQL cannot answer then, the hold fails with `unavailable` (whether the room is on cannot be known).
 */
export function frontDoorGuards(
  frontDoor: Pick<FrontDoor, 'peek' | 'get'>,
  guards: readonly FrontDoorGuard[],
): HoldGuard {
  const plans = new WeakMap<FrontDoorSettings, readonly FrontDoorGuard[]>();
  let unknownShowtimePlan: readonly FrontDoorGuard[] | undefined;
  const planFor = (settings: FrontDoorSettings | null): readonly FrontDoorGuard[] => {
    if (settings === null) return (unknownShowtimePlan ??= guards.filter((g) => g.applies(null)));
    let plan = plans.get(settings);
    if (plan === undefined) plans.set(settings, (plan = guards.filter((g) => g.applies(settings))));
    return plan;
  };

  const rest = async (
    input: HoldSeatsInput,
    settings: FrontDoorSettings | null,
    plan: readonly FrontDoorGuard[],
    pending: Promise<DomainError | null>,
    from: number,
  ): Promise<DomainError | null> => {
    const first = await pending;
    if (first) return first;
    for (let i = from; i < plan.length; i++) {
      const refused = await plan[i]!.check(input, settings);
      if (refused) return refused;
    }
    return null;
  };

  const run = (input: HoldSeatsInput, settings: FrontDoorSettings | null): Refusal => {
    const plan = planFor(settings);
    for (let i = 0; i < plan.length; i++) {
      const refused = plan[i]!.check(input, settings);
      if (refused instanceof Promise) return rest(input, settings, plan, refused, i + 1);
      if (refused) return refused;
    }
    return null;
  };

  return (input) => {
    const settings = frontDoor.peek(input.showtimeId);
    if (settings !== undefined) return run(input, settings);
    return frontDoor.get(input.showtimeId).then((s) => run(input, s));
  };
}
