import type { SessionHolds } from '../../auth/session-holds.ts';
import type { BestAvailableHolds } from '../../inventory/best-hold.ts';
import type { SoldOutGate } from '../../inventory/gate.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { createAvailability, type Availability } from './availability.ts';
import { createHoldSeats, type HoldGuard, type HoldSeats } from './hold-seats.ts';
import { createManageHold, type ManageHold } from './manage-hold.ts';

/** The hold use cases of a node, shared by every adapter (hot path, Express, sockets, box office). */
export interface HoldUseCases {
  holdSeats: HoldSeats;
  manageHold: ManageHold;
  availability: Availability;
}

export function createHoldUseCases(deps: {
  inventory: Inventory;
  gate?: SoldOutGate;
  metrics: Metrics;
  bestAvailable?: BestAvailableHolds;
  sessionHolds?: SessionHolds;
  guards?: readonly HoldGuard[];
}): HoldUseCases {
  const { gate, ...rest } = deps;
  return {
    holdSeats: createHoldSeats(rest),
    manageHold: createManageHold(deps),
    availability: createAvailability({ inventory: deps.inventory, ...(gate ? { gate } : {}) }),
  };
}
