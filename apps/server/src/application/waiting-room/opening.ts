import type { WaitingRoomState } from '@seatrush/shared';
import type { FrontDoor } from '../../catalog/front-door.ts';
import { DomainError } from '../../domain/errors.ts';
import type { SaleHooks } from '../../domain/sale-hooks.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Room } from '../../waiting-room/room.ts';

/**
 * A waiting room opens when its sale does (docs/waiting-room.md), whether or not anybody is in line: the admission
 * tick visits only rooms that have been joined, so without this a room whose sale had opened read "before opening"
 * on the staff dashboard and to a buyer's GET until someone joined.
 *
 * - Sale control's hook (`waitingRoomSaleHooks`) opens the room at the moment the sale opens, on the node that
 *   opened it.
 * - A read of a room still before opening (a buyer's standing, the staff view) looks at the sale's state — at most
 *   once a second per showtime and node — and opens the room when the sale is on sale: a room turned on during
 *   the sale, a sale opened where the hook failed.
 *
 * Opening is `control-1`'s `open`: idempotent, it keeps a staff pause and the first opening time.
 */
export interface RoomOpening {
  /** Opens the room when it is still before opening (`state`) and its sale is on sale; true when it did. */
  openIfSaleOpen(showtimeId: string, state: WaitingRoomState, now: number): Promise<boolean>;
  /** Sale control changed the sale's state: a room (if the showtime has one) opens with its sale. */
  saleChanged(showtimeId: string, state: string, now: number): Promise<void>;
}

/** How long a node trusts its last look at a sale's state while a room is still before opening. */
const SALE_RECHECK_MS = 1000;
const MAX_LOOKS = 10_000;

export function createRoomOpening(deps: {
  room: Pick<Room, 'control' | 'snapshot'>;
  inventory: Pick<Inventory, 'snapshot'>;
  frontDoor: Pick<FrontDoor, 'get'>;
  /** Tells the room's watchers (`queue:progress`). */
  publish: (showtimeId: string) => Promise<void>;
}): RoomOpening {
  const { room, inventory, frontDoor } = deps;
  const looks = new Map<string, { at: number; onSale: boolean }>();

  async function onSale(showtimeId: string, now: number): Promise<boolean> {
    const seen = looks.get(showtimeId);
    if (seen && now >= seen.at && now - seen.at < SALE_RECHECK_MS) return seen.onSale;
    let yes = false;
    try {
      yes = (await inventory.snapshot(showtimeId)).state === 'on_sale';
    } catch (err) {
      // No live inventory: the sale has not opened (or is over).
      if (!(err instanceof DomainError && err.code === 'sale_not_open')) throw err;
    }
    if (looks.size >= MAX_LOOKS) looks.clear();
    looks.set(showtimeId, { at: now, onSale: yes });
    return yes;
  }

  async function open(showtimeId: string, now: number): Promise<void> {
    await room.control(showtimeId, 'open', now);
    await deps.publish(showtimeId);
  }

  return {
    async openIfSaleOpen(showtimeId, state, now) {
      if (state !== 'pre' || !(await onSale(showtimeId, now))) return false;
      await open(showtimeId, now);
      return true;
    },
    async saleChanged(showtimeId, state, now) {
      looks.delete(showtimeId);
      if (state !== 'on_sale') return;
      if (!(await frontDoor.get(showtimeId))?.waitingRoom) return;
      if ((await room.snapshot(showtimeId, now)).state === 'pre') await open(showtimeId, now);
    },
  };
}

/**
 * Sale control's hooks (`hooks`, the inventory's) followed by the waiting room's: a room opens with its sale. The
 * room's part never fails a sale change that has been committed (the next read of the room opens it anyway).
 */
export function waitingRoomSaleHooks(
  hooks: SaleHooks,
  rooms: { saleChanged(showtimeId: string, state: string): Promise<void> },
  logger: Logger,
): SaleHooks {
  return {
    ...hooks,
    async stateChanged(showtimeId, state) {
      await hooks.stateChanged(showtimeId, state);
      try {
        await rooms.saleChanged(showtimeId, state);
      } catch (err) {
        logger.warn({ err, showtimeId }, 'could not open the waiting room with its sale');
      }
    },
  };
}
