import { randomInt } from 'node:crypto';
import type { WaitingRoomState } from '@seatrush/shared';
import type { Redis } from '../db/redis.ts';
import { createScriptBatches } from '../db/script-batches.ts';
import { DomainError } from '../domain/errors.ts';
import { activeRoomsKey, challengeKey, lineScriptKeys, roomKeys, type RoomKeys } from './keys.ts';
import { runRoomScript } from './scripts.ts';

/**
 * A showtime's waiting room in Redis: the line (a sorted set of buyer ids), the admitted buyers with the end of
 * their shopping windows, and a small meta hash of counters. Every change is one Lua script (lua/); reads are one
 * MULTI. About 125 bytes per waiting buyer (one sorted-set entry) and nothing else per buyer.
 */
export interface RoomSnapshot {
  state: WaitingRoomState;
  paused: boolean;
  soldOut: boolean;
  waiting: number;
  shopping: number;
  served: number;
  admitted: number;
  /** Tickets left at the last tick (null before the first tick). */
  supply: number | null;
  /** Admissions per minute as measured (an average over about 10 s of ticks). */
  measuredPerMinute: number;
}

export interface BuyerStanding extends RoomSnapshot {
  /** 0-based rank in line, or null. */
  rank: number | null;
  /** End of the buyer's open shopping window (ms), or null. */
  windowEnd: number | null;
}

export type JoinResult = { status: 'waiting' } | { status: 'admitted'; windowEnd: number };

export interface TickInput {
  now: number;
  ratePerMinute: number;
  maxShoppers: number;
  ticketsLeft: number;
  avgTickets: number;
  windowMs: number;
  maxBatch?: number;
  /** How much unused allowance carries over (default 5 s worth). */
  burstMs?: number;
}

export interface TickResult {
  admitted: number;
  shopping: number;
  waiting: number;
  served: number;
  /** `sold_out`: admission just stopped for want of tickets; `resumed`: tickets came back. */
  change: 'sold_out' | 'resumed' | null;
  measuredPerMinute: number;
}

export interface Room {
  /**
   * A buyer joins (as `join`) and reads their standing in the same script call — one round trip — batched with
   * the other buyers joining the same showtime on this node meanwhile (db/script-batches.ts, as holds are): the
   * batch's buyers are decided in the order they arrived, each exactly as a separate `join` would be. Throws
   * `waiting_room_closed`.
   */
  enter(
    showtimeId: string,
    buyerId: string,
    now: number,
    initialState: 'pre' | 'open',
  ): Promise<BuyerStanding>;
  /** Joins the line (idempotent: a buyer in line keeps their place; an admitted buyer is told so). Throws
   * `waiting_room_closed`. `initialState` applies to a room seen for the first time. */
  join(showtimeId: string, buyerId: string, now: number, initialState: 'pre' | 'open'): Promise<JoinResult>;
  /** Joins a batch of buyers in one script call (a flood's batcher, the bench). Returns how many of them are
   * waiting afterwards. */
  joinMany(
    showtimeId: string,
    buyerIds: readonly string[],
    now: number,
    initialState: 'pre' | 'open',
  ): Promise<number>;
  standing(showtimeId: string, buyerId: string, now: number): Promise<BuyerStanding>;
  snapshot(showtimeId: string, now: number): Promise<RoomSnapshot>;
  tick(showtimeId: string, t: TickInput): Promise<TickResult>;
  admitList(showtimeId: string, buyerIds: readonly string[], now: number, windowMs: number): Promise<number>;
  control(
    showtimeId: string,
    action: 'start' | 'open' | 'pause' | 'close',
    now: number,
  ): Promise<{ state: WaitingRoomState; paused: boolean }>;
  /** Showtimes with a room that has been joined (the admission loop ticks these). */
  active(): Promise<string[]>;
  /** Takes the tick lock for `ms` (false: another node has it). */
  lock(showtimeId: string, owner: string, ms: number): Promise<boolean>;
  /** Marks a solved bot challenge used (kept `ms`): false when it was used already. */
  spendChallenge(showtimeId: string, challengeId: string, ms: number): Promise<boolean>;
  /** Drops a room's state (tests, benches). */
  drop(showtimeId: string): Promise<void>;
}

function parseMeta(m: Array<string | null>, waiting: number, shopping: number): RoomSnapshot {
  const [state, paused, soldOut, served, admitted, supply, mr] = m;
  return {
    state: (state as WaitingRoomState | null) ?? 'pre',
    paused: paused === '1',
    soldOut: soldOut === '1',
    waiting,
    shopping,
    served: Number(served ?? 0),
    admitted: Number(admitted ?? 0),
    supply: supply === null || supply === undefined ? null : Number(supply),
    measuredPerMinute: Math.round(Number(mr ?? 0) * 10) / 10,
  };
}
const META = ['state', 'paused', 'soldOut', 'served', 'admitted', 'supply', 'mr'] as const;

async function exec(m: ReturnType<Redis['multi']>): Promise<unknown[]> {
  const res = await m.exec();
  if (!res) throw new Error('waiting room transaction aborted');
  return res.map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}

/** One join-3 call in standing mode for a batch of buyers entering; null for a buyer refused (closed). */
async function enterBatch(
  redis: Redis,
  k: RoomKeys,
  draw: () => number,
  items: ReadonlyArray<{ buyerId: string; now: number }>,
  initialState: 'pre' | 'open',
): Promise<{ out: Array<BuyerStanding | null>; now: number }> {
  // The batch is decided at one moment: the latest of its buyers' (they arrived within a round trip).
  let now = 0;
  const args: Array<string | number> = [0, initialState, 1];
  for (const it of items) {
    if (it.now > now) now = it.now;
    args.push(it.buyerId, draw());
  }
  args[0] = now;
  const r = (await runRoomScript(redis, 'join', lineScriptKeys(k), args)) as Array<string | number | null>;
  const room = parseMeta(r.slice(0, 7) as Array<string | null>, Number(r[7]), Number(r[8]));
  const out: Array<BuyerStanding | null> = [];
  for (let i = 9; i < r.length; i += 3) {
    const code = Number(r[i]);
    const rank = Number(r[i + 2]);
    out.push(
      code < 0
        ? null
        : {
            ...room,
            rank: rank < 0 ? null : rank,
            windowEnd: code === 2 ? Number(r[i + 1]) : null,
          },
    );
  }
  return { out, now };
}

/** A uniform random score for the pre-queue: an integer in [0, 2^52). */
const drawScore = () => randomInt(0, 2 ** 26) * 2 ** 26 + randomInt(0, 2 ** 26);

export function createRoom(redis: Redis, prefix: string, draw: () => number = drawScore): Room {
  const keys = (id: string) => roomKeys(prefix, id);
  /** When this node last listed each room in the active set (again every 10 s: Redis may have lost the set). */
  const listed = new Map<string, number>();

  /** Listed now and then by each node, not on every join: a flood's joins pay one round trip each. */
  async function list(showtimeId: string, now: number): Promise<void> {
    if (now - (listed.get(showtimeId) ?? -Infinity) < 10_000) return;
    await redis.sadd(activeRoomsKey(prefix), showtimeId);
    listed.set(showtimeId, now);
  }

  /** One join-3 call for a batch; null for a buyer refused (the room is closed). */
  async function joinBatch(
    showtimeId: string,
    buyerIds: readonly string[],
    now: number,
    initialState: 'pre' | 'open',
  ): Promise<Array<JoinResult | null>> {
    const args: Array<string | number> = [now, initialState, 0];
    for (const id of buyerIds) args.push(id, draw());
    const r = (await runRoomScript(redis, 'join', lineScriptKeys(keys(showtimeId)), args)) as number[];
    const out: Array<JoinResult | null> = [];
    for (let i = 0; i < r.length; i += 2) {
      const code = r[i];
      if (code === 2) out.push({ status: 'admitted', windowEnd: Number(r[i + 1]) });
      else if (code === 1) out.push({ status: 'waiting' });
      else out.push(null);
    }
    if (out.some((x) => x)) await list(showtimeId, now);
    return out;
  }

  // Buyers entering over HTTP, batched per showtime (one batcher per initial state: the key is the showtime id).
  const batchesOf = (initialState: 'pre' | 'open') =>
    createScriptBatches<{ buyerId: string; now: number }, BuyerStanding | null>({
      inFlight: 2,
      maxBatch: 200,
      async send(showtimeId, items) {
        const { out, now } = await enterBatch(redis, keys(showtimeId), draw, items, initialState);
        if (out.some((x) => x)) await list(showtimeId, now);
        return out;
      },
    });
  const entries = { pre: batchesOf('pre'), open: batchesOf('open') };

  return {
    async enter(showtimeId, buyerId, now, initialState) {
      const s = await entries[initialState].submit(showtimeId, { buyerId, now });
      if (!s) throw new DomainError('waiting_room_closed');
      return s;
    },
    async join(showtimeId, buyerId, now, initialState) {
      const [r] = await joinBatch(showtimeId, [buyerId], now, initialState);
      if (!r) throw new DomainError('waiting_room_closed');
      return r;
    },
    async joinMany(showtimeId, buyerIds, now, initialState) {
      const rs = await joinBatch(showtimeId, buyerIds, now, initialState);
      return rs.filter((r) => r?.status === 'waiting').length;
    },
    async standing(showtimeId, buyerId, now) {
      const k = keys(showtimeId);
      const [m, waiting, shopping, rank, end] = await exec(
        redis
          .multi()
          .hmget(k.meta, ...META)
          .zcard(k.line)
          .zcount(k.admitted, `(${now}`, '+inf')
          .zrank(k.line, buyerId)
          .zscore(k.admitted, buyerId),
      );
      const windowEnd = end === null ? null : Number(end);
      return {
        ...parseMeta(m as Array<string | null>, Number(waiting), Number(shopping)),
        rank: rank === null ? null : Number(rank),
        windowEnd: windowEnd !== null && windowEnd > now ? windowEnd : null,
      };
    },
    async snapshot(showtimeId, now) {
      const k = keys(showtimeId);
      const [m, waiting, shopping] = await exec(
        redis
          .multi()
          .hmget(k.meta, ...META)
          .zcard(k.line)
          .zcount(k.admitted, `(${now}`, '+inf'),
      );
      return parseMeta(m as Array<string | null>, Number(waiting), Number(shopping));
    },
    async tick(showtimeId, t) {
      const r = (await runRoomScript(redis, 'admit', lineScriptKeys(keys(showtimeId)), [
        t.now,
        t.ratePerMinute,
        t.maxShoppers,
        Math.max(0, Math.floor(t.ticketsLeft)),
        t.avgTickets,
        t.windowMs,
        t.maxBatch ?? 10_000,
        t.burstMs ?? 5_000,
      ])) as number[];
      const change = r[4] === 1 ? 'sold_out' : r[4] === 2 ? 'resumed' : null;
      return {
        admitted: Number(r[0]),
        shopping: Number(r[1]),
        waiting: Number(r[2]),
        served: Number(r[3]),
        change,
        measuredPerMinute: Math.round(Number(r[5]) / 100) / 10,
      };
    },
    async admitList(showtimeId, buyerIds, now, windowMs) {
      const r = await runRoomScript(redis, 'admitList', lineScriptKeys(keys(showtimeId)), [
        now,
        windowMs,
        ...buyerIds,
      ]);
      return Number(r);
    },
    async control(showtimeId, action, now) {
      const r = await runRoomScript(redis, 'control', [keys(showtimeId).meta], [action, now]);
      if (!Array.isArray(r)) throw new Error(`control-1 refused action ${action}`);
      await redis.sadd(activeRoomsKey(prefix), showtimeId);
      return { state: r[0] as WaitingRoomState, paused: r[1] === 1 };
    },
    active: () => redis.smembers(activeRoomsKey(prefix)),
    async lock(showtimeId, owner, ms) {
      return (await redis.set(keys(showtimeId).lock, owner, 'PX', ms, 'NX')) === 'OK';
    },
    async spendChallenge(showtimeId, challengeId, ms) {
      return (await redis.set(challengeKey(prefix, showtimeId, challengeId), '1', 'PX', ms, 'NX')) === 'OK';
    },
    async drop(showtimeId) {
      const k = keys(showtimeId);
      await redis.unlink(k.meta, k.line, k.admitted, k.lock);
      await redis.srem(activeRoomsKey(prefix), showtimeId);
      listed.delete(showtimeId);
    },
  };
}
