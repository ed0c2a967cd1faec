import type { HoldView } from '@seatrush/shared';
import type { Inventory } from '../../inventory/inventory.ts';

/**
 * What the holder of a hold can do with it, over HTTP (`Authorization: Bearer <holdToken>`) or a socket
 * (`hold:release` with the token): the hold token is the capability, whoever presents it.
 */
export interface ManageHold {
  /** Releases the hold; its seats go back on sale at once. Errors: `hold_token_invalid`, `hold_not_found`, … */
  release(input: { holdId: string; holdToken: string }): Promise<void>;
  /** The hold as its holder sees it. */
  view(input: { holdId: string; holdToken: string }): Promise<HoldView>;
}

export function createManageHold(deps: { inventory: Inventory }): ManageHold {
  const { inventory } = deps;
  return {
    async release({ holdId, holdToken }) {
      await inventory.release(holdId, holdToken);
    },
    async view({ holdId, holdToken }) {
      const h = await inventory.verifyHoldToken(holdId, holdToken);
      return {
        holdId: h.id,
        showtimeId: h.showtimeId,
        status: h.status,
        expiresAt: new Date(h.expiresAt).toISOString(),
        extended: h.extended,
        items: h.items,
        totalCents: h.totalCents,
        currency: h.currency,
      };
    },
  };
}
