import type { HoldRequest, HoldResponse } from '@seatrush/shared';
import { holdLimitKey } from '../../auth/limit-keys.ts';
import type { BuyerPrincipal } from '../../auth/principal.ts';
import type { SessionHolds } from '../../auth/session-holds.ts';
import { DomainError } from '../../domain/errors.ts';
import type { BestAvailableHolds } from '../../inventory/best-hold.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import type { Metrics, Tally } from '../../observability/metrics.ts';

/**
 * The one hold use case. Every way a hold enters — the hot-path dispatcher, the Express route, the socket's
 * `hold:create`, the box office's counter sale — calls it, so the steps around the inventory happen once, here:
 *
 * 1. the guards (admission to the sale, rate limits): buyers only, a counter sale is exempt;
 * 2. the node's sold-out gate, answered from memory;
 * 3. the inventory's hold script (or best available's pick, then the hold script);
 * 4. the outcome counted in `seatrush_holds_total{outcome}`;
 * 5. the hold noted in the buyer session's hold list ("my orders").
 *
 * The hold's audit trail is the order the worker writes for it in batches (orders/persist.ts); a counter sale
 * adds its own `order.counter_sold` entry.
 */
export interface HoldSeatsInput {
  showtimeId: string;
  buyer: Pick<BuyerPrincipal, 'buyerId' | 'sessionId' | 'verified'>;
  /** The client's key: the same key always answers with the same hold (on any node). */
  idempotencyKey: string;
  request: HoldRequest;
  /** `online` (default): a buyer, guarded. `counter`: a staff sale at the box office, exempt from the guards. */
  channel?: 'online' | 'counter';
  /** The waiting room's admission token, as the buyer presented it (HTTP `X-Admission-Token`, socket field). */
  admissionToken?: string;
  /** The client's address (behind trusted proxies: the one they saw), for per-address limits. */
  clientAddress?: string;
}

export interface HoldOutcome {
  hold: HoldResponse;
  /** True when the idempotency key had already been answered with this hold. */
  replayed: boolean;
}

/**
 * A check before a buyer's hold (the waiting room's admission, rate limits): the refusal, or null to go on.
 * Answer synchronously whenever possible (from memory, a signature): it runs for every request of a flood on the
 * hot path, and a guard that returns a promise costs every request a promise. One that must ask Redis (a rate
 * limit) may return a promise.
 */
export type HoldGuard = (input: HoldSeatsInput) => DomainError | null | Promise<DomainError | null>;

export interface HoldSeats {
  /**
   * Places a hold. A refusal known without Redis (a guard, or the sold-out gate) comes back synchronously as a
   * `DomainError` value — a sold-out flood then costs no promise per request; otherwise the pending outcome,
   * which rejects with the inventory's refusal.
   */
  place(input: HoldSeatsInput): DomainError | Promise<HoldOutcome>;
  /** `place` as one promise (sockets, the counter): a refusal rejects. */
  hold(input: HoldSeatsInput): Promise<HoldOutcome>;
}

export interface HoldSeatsDeps {
  inventory: Inventory;
  metrics: Metrics;
  /** Best available (`{ best }` requests are refused with `validation_failed` without it). */
  bestAvailable?: BestAvailableHolds;
  /** Records which buyer session made each hold ("my orders"). */
  sessionHolds?: SessionHolds;
  /** Run in order before every online hold; none by default. */
  guards?: readonly HoldGuard[];
}

export function createHoldSeats(deps: HoldSeatsDeps): HoldSeats {
  const { inventory, metrics, bestAvailable, sessionHolds } = deps;
  const guards = deps.guards ?? [];
  const outcomes = new Map<string, Tally>();
  const countOutcome = (outcome: string) => {
    let t = outcomes.get(outcome);
    if (!t) outcomes.set(outcome, (t = metrics.tally(metrics.holds, { outcome })));
    t.inc();
  };

  /** The gate's refusal (the sale is sold out here), from memory. */
  const gateRefusal = (input: HoldSeatsInput): DomainError | null =>
    inventory.refusalFromMemory(input.showtimeId, input.buyer.buyerId, input.idempotencyKey, input.request);

  /** The rest of the guards from `from`, then the gate, once a guard has answered with a promise. */
  const refusalLater = async (
    input: HoldSeatsInput,
    pending: Promise<DomainError | null>,
    from: number,
  ): Promise<DomainError | null> => {
    const first = await pending;
    if (first) return first;
    for (let i = from; i < guards.length; i++) {
      const refused = await guards[i]!(input);
      if (refused) return refused;
    }
    return gateRefusal(input);
  };

  const refusal = (input: HoldSeatsInput): DomainError | null | Promise<DomainError | null> => {
    if (input.channel !== 'counter')
      for (let i = 0; i < guards.length; i++) {
        const refused = guards[i]!(input);
        if (refused instanceof Promise) return refusalLater(input, refused, i + 1);
        if (refused) return refused;
      }
    return gateRefusal(input);
  };

  const refuse = (refused: DomainError): DomainError => {
    countOutcome(refused.code);
    return refused;
  };

  const run = async (input: HoldSeatsInput): Promise<HoldOutcome> => {
    try {
      const { best, ...ask } = input.request;
      const buyerId = input.buyer.buyerId;
      const requestId = input.idempotencyKey;
      // A session that has not proved the e-mail spends a per-buyer limit of its own (auth/limit-keys.ts).
      const limitKey = input.channel === 'counter' ? undefined : holdLimitKey(input.buyer);
      let hold;
      // `place` has asked the gate already: the inventory does not ask it again.
      if (best === undefined)
        hold = await inventory.hold(
          input.showtimeId,
          { buyerId, limitKey, requestId, ...ask },
          { gateChecked: true },
        );
      else if (bestAvailable)
        hold = await bestAvailable.hold(input.showtimeId, { buyerId, limitKey, requestId, ...best });
      else throw new DomainError('validation_failed', 'Best available is not offered here; name the seats.');
      countOutcome(hold.replayed ? 'replayed' : 'created');
      if (input.buyer.sessionId && !hold.replayed) sessionHolds?.note(input.buyer.sessionId, hold.holdId);
      return { hold, replayed: hold.replayed };
    } catch (err) {
      countOutcome(err instanceof DomainError ? err.code : 'error');
      throw err;
    }
  };

  const place = (input: HoldSeatsInput): DomainError | Promise<HoldOutcome> => {
    const refused = refusal(input);
    if (refused instanceof Promise)
      return refused.then((r) => {
        if (r) throw refuse(r);
        return run(input);
      });
    if (refused) return refuse(refused);
    return run(input);
  };

  return {
    place,
    hold(input) {
      const r = place(input);
      return r instanceof DomainError ? Promise.reject(r) : r;
    },
  };
}
