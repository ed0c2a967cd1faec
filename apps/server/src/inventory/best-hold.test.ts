import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { PrismaClient } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import { createBestAvailable } from './best-hold.ts';
import type { HoldRequest, HoldResult, Inventory, Snapshot } from './inventory.ts';

/**
 * The use case around the pick, with the inventory and the database replaced by scripted fakes: what it reads,
 * what it asks the hold script to hold, and how it retries. (Against real Redis: test/best-available.int.test.ts.)
 */

const labels = ['S-A-1', 'S-A-2', 'S-A-3', 'S-A-4', 'S-A-5', 'S-A-6'];
const doc = {
  sections: [
    {
      key: 'S',
      name: 'S',
      rows: [
        {
          label: 'A',
          seats: [1, 2, 3, 4, 5, 6].map((n) => ({ number: n, x: n * 24, y: 0, category: 'std' })),
        },
      ],
    },
  ],
};

function snapshot(states: string, labelsKey = '1.a', state: Snapshot['state'] = 'on_sale'): Snapshot {
  return {
    showtimeId: 'st1',
    version: 1,
    state,
    labelsKey,
    seatLabels: labels,
    seatStates: states,
    seatsAvailable: [...states].filter((c) => c === '0').length,
    zones: {},
    categories: {},
  };
}

function result(seats: string[], replayed = false): HoldResult {
  return {
    holdId: 'st1.hold',
    holdToken: 'ht_x',
    showtimeId: 'st1',
    expiresAt: new Date(0).toISOString(),
    items: seats.map((seat) => ({ kind: 'seat', seat, category: 'std', priceCents: 100 })),
    totalCents: seats.length * 100,
    currency: 'EUR',
    replayed,
  };
}

/** An inventory whose snapshots and hold answers are scripted, recording what it was asked. */
function fakes(script: {
  snapshots: Snapshot[];
  holds: Array<'ok' | DomainError>;
  replay?: HoldResult | null;
}) {
  const asked: HoldRequest[] = [];
  const replays: HoldRequest[] = [];
  let venueReads = 0;
  let s = 0;
  let h = 0;
  const inventory = {
    snapshot: () => Promise.resolve(script.snapshots[Math.min(s++, script.snapshots.length - 1)]!),
    hold: (_: string, req: HoldRequest) => {
      asked.push(req);
      const outcome = script.holds[h++] ?? 'ok';
      return outcome === 'ok' ? Promise.resolve(result(req.seats!)) : Promise.reject(outcome);
    },
    replay: (_: string, req: HoldRequest) => {
      replays.push(req);
      return Promise.resolve(script.replay ?? null);
    },
  } as unknown as Inventory;
  const prisma = {
    showtime: {
      findUnique: () => {
        venueReads++;
        return Promise.resolve({ venue: { seatMap: doc } });
      },
    },
  } as unknown as PrismaClient;
  const best = createBestAvailable({ inventory, prisma, logger: pino({ level: 'silent' }) });
  return { best, asked, replays, venueReads: () => venueReads };
}

const req = { buyerId: 'b1', requestId: 'r1', category: 'std', quantity: 2 };
const taken = () => new DomainError('seat_unavailable', undefined, { seats: ['S-A-3'] });

describe('best available: the hold around the pick', () => {
  it('holds the pick through the ordinary hold, marked as a best-available ask (for the idempotency fingerprint)', async () => {
    const f = fakes({ snapshots: [snapshot('000000')], holds: ['ok'] });
    const hold = await f.best.hold('st1', req);
    expect(hold.items.map((i) => (i.kind === 'seat' ? i.seat : ''))).toEqual(['S-A-3', 'S-A-4']);
    expect(f.asked).toEqual([
      { buyerId: 'b1', requestId: 'r1', seats: ['S-A-3', 'S-A-4'], best: { category: 'std', quantity: 2 } },
    ]);
  });

  it('reads the states again after losing a race and holds a new pick', async () => {
    const f = fakes({ snapshots: [snapshot('000000'), snapshot('001100')], holds: [taken(), 'ok'] });
    const hold = await f.best.hold('st1', req);
    expect(f.asked.map((r) => r.seats)).toEqual([
      ['S-A-3', 'S-A-4'],
      ['S-A-1', 'S-A-2'],
    ]);
    expect(hold.totalCents).toBe(200);
  });

  it('gives up with seat_unavailable after 1 + 3 lost races', async () => {
    const f = fakes({ snapshots: [snapshot('000000')], holds: [taken(), taken(), taken(), taken(), 'ok'] });
    await expect(f.best.hold('st1', req)).rejects.toMatchObject({ code: 'seat_unavailable' });
    expect(f.asked).toHaveLength(4);
  });

  it('answers no_adjacent_seats when the states leave no block, after checking for an earlier answer', async () => {
    const f = fakes({ snapshots: [snapshot('010101')], holds: [] });
    await expect(f.best.hold('st1', req)).rejects.toMatchObject({
      code: 'no_adjacent_seats',
      details: { category: 'std', quantity: 2, largestBlock: 1 },
    });
    expect(f.asked).toEqual([]);
    expect(f.replays).toEqual([{ ...req, best: { category: 'std', quantity: 2 } }]);
  });

  it('answers a retried request from its idempotency record when no block is left', async () => {
    const f = fakes({ snapshots: [snapshot('111111')], holds: [], replay: result(['S-A-3', 'S-A-4'], true) });
    expect(await f.best.hold('st1', req)).toMatchObject({ replayed: true, totalCents: 200 });
  });

  it('says sale_not_open, sold_out or validation_failed when those explain the missing block', async () => {
    const paused = fakes({ snapshots: [snapshot('111111', '1.a', 'paused')], holds: [] });
    await expect(paused.best.hold('st1', req)).rejects.toMatchObject({
      code: 'sale_not_open',
      details: { state: 'paused' },
    });
    const full = fakes({ snapshots: [snapshot('121312')], holds: [] });
    await expect(full.best.hold('st1', req)).rejects.toMatchObject({ code: 'sold_out' });
    const unknown = fakes({ snapshots: [snapshot('000000')], holds: [] });
    await expect(unknown.best.hold('st1', { ...req, category: 'vip' })).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'body.best.category' }],
    });
  });

  it('reads the venue once per loaded layout, again when the layout is reloaded', async () => {
    const f = fakes({
      snapshots: [snapshot('000000'), snapshot('000000'), snapshot('000000', '1.b')],
      holds: [],
    });
    await f.best.hold('st1', req);
    await f.best.hold('st1', req);
    expect(f.venueReads()).toBe(1);
    await f.best.hold('st1', req);
    expect(f.venueReads()).toBe(2);
  });

  it('keeps concurrent picks on one node apart: seats being held are not picked again', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    // Three picks fit the row; the fourth is refused before it asks. All three are in flight once asked.
    let allAsked: () => void = () => undefined;
    const threeAsked = new Promise<void>((r) => (allAsked = r));
    const asked: string[][] = [];
    const inventory = {
      snapshot: () => Promise.resolve(snapshot('000000')),
      hold: async (_: string, r: HoldRequest) => {
        asked.push(r.seats!);
        if (asked.length === 3) allAsked();
        await gate;
        return result(r.seats!);
      },
      replay: () => Promise.resolve(null),
    } as unknown as Inventory;
    const prisma = {
      showtime: { findUnique: () => Promise.resolve({ venue: { seatMap: doc } }) },
    } as unknown as PrismaClient;
    const best = createBestAvailable({ inventory, prisma, logger: pino({ level: 'silent' }) });
    const all = Promise.allSettled([1, 2, 3, 4].map(() => best.hold('st1', req)));
    await threeAsked;
    release();
    const outcomes = await all;
    expect(asked).toEqual([
      ['S-A-3', 'S-A-4'],
      ['S-A-1', 'S-A-2'],
      ['S-A-5', 'S-A-6'],
    ]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as DomainError).code : 'held'))).toEqual([
      'held',
      'held',
      'held',
      'no_adjacent_seats',
    ]);
  });
});
