import type {
  QueueChallenge,
  QueueProgress,
  QueueStatus,
  WaitingRoomControl,
  WaitingRoomStats,
} from '@seatrush/shared';
import type { Logger } from 'pino';
import { writeAudit, type Actor } from '../../audit/audit.ts';
import type { FrontDoor, FrontDoorSettings } from '../../catalog/front-door.ts';
import type { PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import type { BuyerStanding, Room, RoomSnapshot, TickResult } from '../../waiting-room/room.ts';
import type { AdmissionTokens } from '../../waiting-room/tokens.ts';
import type { BotChallenges } from './bot-challenge.ts';
import { createRoomOpening } from './opening.ts';

/**
 * The waiting room's use cases (docs/waiting-room.md): joining, where a buyer stands, the admission tick that
 * follows the inventory, and the staff view and controls.
 *
 * The admission rule, per tick (waiting-room/lua/admit-3.lua does the arithmetic atomically):
 *
 *   ticketsLeft = available + held × (holds expiring within the window / all unconfirmed holds)
 *   admit n     = min(allowance at admissionPerMinute, maxShoppers − shopping,
 *                     ⌈ticketsLeft / AVG_TICKETS_PER_ORDER⌉ − shopping)
 *
 * so the shoppers the room has let in, times the average order, stay at or below what they could get. When
 * ticketsLeft is 0 the room stops and tells everyone (`queue:progress` reason `sold_out`); when tickets come back
 * it resumes and says so (`resumed`).
 */
export const AVG_TICKETS_PER_ORDER = 2;

export interface WaitingRoomDeps {
  room: Room;
  tokens: AdmissionTokens;
  frontDoor: FrontDoor;
  inventory: Pick<Inventory, 'snapshot' | 'countHoldsExpiring'>;
  prisma: PrismaClient;
  logger: Logger;
  /** The bot challenge of showtimes that ask for one (without it, such a showtime's joins are refused). */
  challenges?: BotChallenges;
  now?: () => number;
}

export interface WaitingRoomUseCases {
  /**
   * Joins and answers where the buyer stands, in one Redis round trip shared with the joins in flight
   * (`Room.enter`). Idempotent per buyer: one already in line or admitted is not asked again. `not_found`,
   * `waiting_room_off`, `waiting_room_closed`; where the showtime asks for a bot challenge, `challenge_required` /
   * `challenge_failed` (bot-challenge.ts).
   */
  join(showtimeId: string, buyerId: string, opts?: { challenge?: string }): Promise<QueueStatus>;
  /** A bot challenge for the showtime's queue. `not_found`, `waiting_room_off`. */
  challenge(showtimeId: string): Promise<QueueChallenge>;
  /** Where the buyer stands (with their admission token once admitted). `not_found`, `waiting_room_off`. */
  status(showtimeId: string, buyerId: string): Promise<QueueStatus>;
  /** The live progress of a room (what `queue:progress` carries). */
  progress(showtimeId: string, reason?: QueueProgress['reason']): Promise<QueueProgress>;
  stats(showtimeId: string): Promise<WaitingRoomStats>;
  /** A staff action, audited. `not_found`, `waiting_room_off` (except `settings`). */
  control(showtimeId: string, actor: Actor, action: WaitingRoomControl): Promise<WaitingRoomStats>;
  /** One admission tick of a room at `now` (null: no room there, or its sale is not on sale right now). */
  tick(showtimeId: string, now?: number): Promise<TickResult | null>;
  /** Ticks every active room this node wins the lock of; publishes progress. */
  tickAll(owner: string, lockMs: number): Promise<void>;
  /**
   * The sale of a showtime changed state (sale control's hook, `waitingRoomSaleHooks`): when it opened, its room —
   * if it has one — opens at once, with nobody in line yet, instead of at the first join's tick.
   */
  saleChanged(showtimeId: string, state: string): Promise<void>;
  /** Listeners of progress (the real-time layer pushes it to the room's sockets). */
  onProgress(listener: (p: QueueProgress) => void): () => void;
}

const rateOf = (snap: RoomSnapshot, settings: FrontDoorSettings) =>
  snap.measuredPerMinute > 0 ? snap.measuredPerMinute : settings.admissionPerMinute;

function toStatus(
  tokens: AdmissionTokens,
  showtimeId: string,
  buyerId: string,
  s: BuyerStanding,
  settings: FrontDoorSettings,
): QueueStatus {
  const waitingNow = s.windowEnd === null && s.rank !== null;
  const position = waitingNow && s.state !== 'pre' ? s.rank! + 1 : null;
  const moving = s.state === 'open' && !s.paused && !s.soldOut;
  const rate = rateOf(s, settings);
  const ahead = (position ?? 0) - 1 + s.shopping;
  return {
    showtimeId,
    state: s.state,
    paused: s.paused,
    soldOut: s.soldOut,
    status: s.windowEnd !== null ? 'admitted' : waitingNow ? 'waiting' : 'none',
    position,
    place: position === null ? null : position + s.served,
    waiting: s.waiting,
    etaSeconds: position !== null && moving && rate > 0 ? Math.ceil((position / rate) * 60) : null,
    likelySoldOut:
      s.soldOut || (position !== null && s.supply !== null && ahead * AVG_TICKETS_PER_ORDER >= s.supply),
    ticketsLeft: s.supply ?? 0,
    admittedPerMinute: s.measuredPerMinute,
    admission:
      s.windowEnd === null
        ? null
        : {
            token: tokens.sign(showtimeId, buyerId, s.windowEnd),
            expiresAt: new Date(s.windowEnd).toISOString(),
          },
  };
}

/** Tickets an admitted buyer could get: available now, plus held ones expiring within the window. */
async function ticketsLeft(
  inventory: WaitingRoomDeps['inventory'],
  showtimeId: string,
  now: number,
  windowMs: number,
) {
  const snap = await inventory.snapshot(showtimeId);
  let available = 0;
  let held = 0;
  for (const c of Object.values(snap.categories)) {
    available += c.available;
    held += c.held;
  }
  if (held === 0) return { left: available, saleState: snap.state };
  const [soon, all] = await Promise.all([
    inventory.countHoldsExpiring(showtimeId, now, now + windowMs),
    inventory.countHoldsExpiring(showtimeId, -Infinity, Number.MAX_SAFE_INTEGER),
  ]);
  return { left: available + (all > 0 ? Math.round((held * soon) / all) : 0), saleState: snap.state };
}

const VERBS = {
  start: 'started',
  pause: 'paused',
  close: 'closed',
  admit: 'admitted',
  settings: 'settings_changed',
} as const;

/** Applies a staff action and audits it (before and after). */
async function changeRoom(
  deps: WaitingRoomDeps,
  showtimeId: string,
  actor: Actor,
  action: WaitingRoomControl,
  settings: FrontDoorSettings,
  now: number,
): Promise<void> {
  const { room, prisma, frontDoor } = deps;
  const before = await room.snapshot(showtimeId, now);
  let after: unknown;
  switch (action.action) {
    case 'start':
    case 'pause':
    case 'close':
      after = await room.control(showtimeId, action.action, now);
      break;
    case 'admit': {
      const windowMs = settings.shoppingWindowSeconds * 1000;
      const admitted = await room.admitList(showtimeId, action.buyerIds, now, windowMs);
      after = { admitted, buyerIds: action.buyerIds };
      break;
    }
    case 'settings': {
      const data: { admissionPerMinute?: number; maxShoppers?: number } = {};
      if (action.admissionPerMinute !== undefined) data.admissionPerMinute = action.admissionPerMinute;
      if (action.maxShoppers !== undefined) data.maxShoppers = action.maxShoppers;
      await prisma.showtime.update({ where: { id: showtimeId }, data });
      frontDoor.forget(showtimeId);
      after = data;
      break;
    }
  }
  await writeAudit(prisma, {
    actor,
    action: `waiting_room.${VERBS[action.action]}`,
    entityType: 'showtime',
    entityId: showtimeId,
    showtimeId,
    before: {
      state: before.state,
      paused: before.paused,
      admissionPerMinute: settings.admissionPerMinute,
      maxShoppers: settings.maxShoppers,
    },
    after,
  });
}

function toProgress(showtimeId: string, snap: RoomSnapshot, reason: QueueProgress['reason']): QueueProgress {
  return {
    showtimeId,
    state: snap.state,
    paused: snap.paused,
    soldOut: snap.soldOut,
    served: snap.served,
    waiting: snap.waiting,
    ticketsLeft: snap.supply ?? 0,
    admittedPerMinute: snap.measuredPerMinute,
    reason,
  };
}

function toStats(showtimeId: string, snap: RoomSnapshot, settings: FrontDoorSettings): WaitingRoomStats {
  const rate = rateOf(snap, settings);
  return {
    showtimeId,
    enabled: settings.waitingRoom,
    state: snap.state,
    paused: snap.paused,
    soldOut: snap.soldOut,
    waiting: snap.waiting,
    admitted: snap.admitted,
    shopping: snap.shopping,
    served: snap.served,
    admissionPerMinute: settings.admissionPerMinute,
    admittedPerMinute: snap.measuredPerMinute,
    maxShoppers: settings.maxShoppers,
    shoppingWindowSeconds: settings.shoppingWindowSeconds,
    ticketsLeft: snap.supply ?? 0,
    etaLastSeconds:
      snap.state === 'open' && !snap.paused && !snap.soldOut && rate > 0
        ? Math.ceil((snap.waiting / rate) * 60)
        : null,
  };
}

export function createWaitingRoom(deps: WaitingRoomDeps): WaitingRoomUseCases {
  const { room, tokens, frontDoor, inventory } = deps;
  const clock = deps.now ?? Date.now;
  const listeners = new Set<(p: QueueProgress) => void>();

  async function settingsOf(showtimeId: string, requireOn = true): Promise<FrontDoorSettings> {
    const s = await frontDoor.get(showtimeId);
    if (!s) throw new DomainError('not_found', 'No such showtime.');
    if (requireOn && !s.waitingRoom) throw new DomainError('waiting_room_off');
    return s;
  }

  /**
   * The settings for a join, from the front door's memory when it has a copy (no promise, as the hold path's
   * guards read them); only a showtime this node has not seen yet waits for PostgreSQL.
   */
  function joinSettings(showtimeId: string): FrontDoorSettings | Promise<FrontDoorSettings> {
    const s = frontDoor.peek(showtimeId);
    if (s === undefined) return settingsOf(showtimeId);
    if (!s.waitingRoom) throw new DomainError('waiting_room_off');
    return s;
  }

  const opening = createRoomOpening({ room, inventory, frontDoor, publish: (id) => publish(id, 'progress') });

  async function standing(showtimeId: string, buyerId: string, settings: FrontDoorSettings) {
    const now = clock();
    let s = await room.standing(showtimeId, buyerId, now);
    if (await opening.openIfSaleOpen(showtimeId, s.state, now))
      s = await room.standing(showtimeId, buyerId, now);
    return toStatus(tokens, showtimeId, buyerId, s, settings);
  }

  async function progress(showtimeId: string, reason: QueueProgress['reason'] = 'progress') {
    return toProgress(showtimeId, await room.snapshot(showtimeId, clock()), reason);
  }

  async function publish(showtimeId: string, reason: QueueProgress['reason']) {
    if (listeners.size === 0) return;
    const p = await progress(showtimeId, reason);
    for (const l of listeners) l(p);
  }

  async function stats(showtimeId: string): Promise<WaitingRoomStats> {
    const settings = await settingsOf(showtimeId, false);
    const now = clock();
    let snap = await room.snapshot(showtimeId, now);
    if (settings.waitingRoom && (await opening.openIfSaleOpen(showtimeId, snap.state, now)))
      snap = await room.snapshot(showtimeId, now);
    return toStats(showtimeId, snap, settings);
  }

  async function tick(showtimeId: string, now = clock()): Promise<TickResult | null> {
    const settings = await frontDoor.get(showtimeId);
    if (!settings?.waitingRoom) return null;
    const windowMs = settings.shoppingWindowSeconds * 1000;
    let inv;
    try {
      inv = await ticketsLeft(inventory, showtimeId, now, windowMs);
    } catch (err) {
      // Not on sale yet (or any more): nothing to admit, and nothing to tell (it is not a sell-out).
      if (err instanceof DomainError && err.code === 'sale_not_open') return null;
      throw err;
    }
    // Admit only while buyers can hold: before the sale opens or while it is paused, the line just waits.
    if (inv.saleState !== 'on_sale') return null;
    const left = inv.left;
    let opened = false;
    // The pre-queue's places were drawn as buyers arrived; opening only starts taking from the head.
    if ((await room.snapshot(showtimeId, now)).state === 'pre') {
      await room.control(showtimeId, 'open', now);
      opened = true;
    }
    const r = await room.tick(showtimeId, {
      now,
      ratePerMinute: settings.admissionPerMinute,
      maxShoppers: settings.maxShoppers,
      ticketsLeft: left,
      avgTickets: AVG_TICKETS_PER_ORDER,
      windowMs,
    });
    if (r.change === 'sold_out') await publish(showtimeId, 'sold_out');
    else if (r.change === 'resumed') await publish(showtimeId, 'resumed');
    else if (r.admitted > 0 || opened) await publish(showtimeId, 'progress');
    return r;
  }

  return {
    async join(showtimeId, buyerId, opts = {}) {
      const known = joinSettings(showtimeId);
      const settings = known instanceof Promise ? await known : known;
      if (settings.botChallenge) {
        const now = await standing(showtimeId, buyerId, settings);
        if (now.status !== 'none') return now;
        const refused = deps.challenges
          ? await deps.challenges.check(showtimeId, opts.challenge)
          : new DomainError('challenge_required');
        if (refused) throw refused;
      }
      // One round trip: the join script answers the buyer's standing too, batched with the joins in flight.
      return toStatus(
        tokens,
        showtimeId,
        buyerId,
        await room.enter(showtimeId, buyerId, clock(), 'pre'),
        settings,
      );
    },
    async challenge(showtimeId) {
      await settingsOf(showtimeId);
      if (!deps.challenges)
        throw new DomainError('waiting_room_off', 'This queue asks for no browser check.');
      return deps.challenges.issue(showtimeId);
    },
    async status(showtimeId, buyerId) {
      return standing(showtimeId, buyerId, await settingsOf(showtimeId));
    },
    progress,
    stats,
    async control(showtimeId, actor, action) {
      const settings = await settingsOf(showtimeId, action.action !== 'settings');
      await changeRoom(deps, showtimeId, actor, action, settings, clock());
      if (action.action === 'pause') await publish(showtimeId, 'paused');
      else if (action.action === 'close') await publish(showtimeId, 'closed');
      else if (action.action === 'start') await publish(showtimeId, 'resumed');
      return stats(showtimeId);
    },
    tick,
    async tickAll(owner, lockMs) {
      for (const id of await room.active()) {
        try {
          if (await room.lock(id, owner, lockMs)) await tick(id);
        } catch (err) {
          deps.logger.warn({ err, showtimeId: id }, 'waiting room tick failed');
        }
      }
    },
    saleChanged: (showtimeId, state) => opening.saleChanged(showtimeId, state, clock()),
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
