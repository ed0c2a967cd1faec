/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any --
   Response bodies are read untyped on purpose: the assertions are what check their shape. */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateVenue,
  showtimeCreateSchema,
  type GenerateSectionOptions,
  type SeatMapDocument,
} from '@seatrush/shared';
import { createVenue } from '../src/catalog/venues.ts';
import { createEvent } from '../src/catalog/events.ts';
import { createShowtime } from '../src/catalog/showtimes.ts';
import type { Inventory } from '../src/inventory/inventory.ts';
import {
  stackInventory,
  startExtraNode,
  startTestStack,
  type ExtraNode,
  type TestStack,
} from './support/env.ts';
import { waitFor } from './support/wait.ts';
import { connected, openSocket } from './support/realtime-client.ts';

/**
 * Best available over HTTP (and the socket's hold:create) through real nodes, Redis and PostgreSQL: the venue is
 * created from a seat-map document by the catalog use case, as staff would, so the ranking sees real rows.
 */

let stack: TestStack;
let inv: Inventory;

beforeAll(async () => {
  stack = await startTestStack({ worker: true });
  inv = stackInventory(stack);
});
afterAll(async () => {
  await stack?.close();
});

interface Res {
  status: number;
  body: any;
}

async function call(url: string, method: string, path: string, json?: unknown, headers = {}): Promise<Res> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function session(): Promise<{ token: string; buyerId: string }> {
  const r = await call(stack.url, 'POST', '/api/buyer/session', {
    email: `best-${randomUUID()}@example.test`,
  });
  expect(r.status).toBe(201);
  return { token: r.body.token, buyerId: r.body.buyerId };
}

const as = (token: string, key: string = randomUUID()) => ({
  authorization: `Bearer ${token}`,
  'idempotency-key': key,
});

const holdBest = (token: string, best: unknown, opts: { key?: string; url?: string } = {}) =>
  call(opts.url ?? stack.url, 'POST', `/api/showtimes/${showtimeId}/holds`, { best }, as(token, opts.key));

let showtimeId = '';

/** A venue from a seat-map document, an event, a showtime on sale with its inventory loaded. */
async function onSale(
  sections: GenerateSectionOptions[],
  opts: { perBuyerLimit?: number | null } = {},
): Promise<{ id: string; doc: SeatMapDocument }> {
  const tag = randomBytes(4).toString('hex');
  const doc = generateVenue({
    name: `Best ${tag}`,
    slug: `best-${tag}`,
    categories: [
      { key: 'premium', name: 'Premium', color: '#b8860b' },
      { key: 'standard', name: 'Standard', color: '#1f77b4' },
      { key: 'floor', name: 'Floor', color: '#9467bd' },
    ],
    sections,
    gaZones: [{ key: 'FLOOR', name: 'Floor', capacity: 20, category: 'floor' }],
  });
  const deps = { prisma: stack.container.prisma };
  const venue = await createVenue(deps, doc, 'system');
  const event = await createEvent(deps, { slug: `best-${tag}`, name: `Best ${tag}` }, 'system');
  const day = 86_400_000;
  const st = await createShowtime(
    deps,
    showtimeCreateSchema.parse({
      eventId: event.id,
      venueId: venue.id,
      startsAt: new Date(Date.now() + 7 * day).toISOString(),
      saleOpensAt: new Date(Date.now() - day).toISOString(),
      saleClosesAt: new Date(Date.now() + 6 * day).toISOString(),
      holdTtlSeconds: 600,
      perBuyerLimit: opts.perBuyerLimit === undefined ? 10 : opts.perBuyerLimit,
      prices: { premium: 6000, standard: 4000, floor: 2500 },
    }),
    'system',
  );
  await stack.container.prisma.showtime.update({ where: { id: st.id }, data: { saleState: 'on_sale' } });
  await inv.load(st.id);
  showtimeId = st.id;
  return { id: st.id, doc };
}

/** Seat label → state character ('0' free, '1' held, '2' sold, '3' blocked), from the public availability. */
async function states(id: string): Promise<Map<string, string>> {
  const r = await call(stack.url, 'GET', `/api/showtimes/${id}/availability`);
  expect(r.status).toBe(200);
  return new Map((r.body.seatLabels as string[]).map((l, i) => [l, r.body.seatStates[i] as string]));
}

/** The seats of a hold response, and a check that they are adjacent in one row of the seat map. */
function seatsOf(doc: SeatMapDocument, hold: any, category: string): string[] {
  const seats = (hold.items as any[]).map((it) => {
    expect(it).toMatchObject({ kind: 'seat', category });
    return it.seat as string;
  });
  const rows = doc.sections.flatMap((s) =>
    s.rows.map((r) => r.seats.map((seat) => `${s.key}-${r.label}-${seat.number}`)),
  );
  const row = rows.find((r) => r.includes(seats[0]!));
  expect(row, `row of ${seats[0]}`).toBeDefined();
  const at = row!.indexOf(seats[0]!);
  expect(seats, 'adjacent seats in one row, in row order').toEqual(row!.slice(at, at + seats.length));
  return seats;
}

/** STALLS: row A premium, rows B-D standard, 10 seats each; D-1 is a wheelchair space and D-2 its companion. */
const stalls: GenerateSectionOptions = {
  key: 'STALLS',
  name: 'Stalls',
  shape: 'rect',
  origin: { x: 0, y: 0 },
  rows: 4,
  seatsPerRow: 10,
  category: (r) => (r === 0 ? 'premium' : 'standard'),
  accessible: [{ row: 3, seats: [1] }],
};

describe('best available over HTTP', () => {
  it('holds the best adjacent seats, avoids stranding single seats, and answers a retry with the first pick', async () => {
    const { id, doc } = await onSale([stalls]);
    const [a, b, c, d, e] = await Promise.all([session(), session(), session(), session(), session()]);

    const key = randomUUID();
    const first = await holdBest(a.token, { category: 'premium', quantity: 3 }, { key });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ showtimeId: id, totalCents: 18_000, replayed: false });
    // Row A is the front premium row; 4-6 is the middle block (4-6 and 5-7 tie; the first in the row wins).
    expect(seatsOf(doc, first.body, 'premium')).toEqual(['STALLS-A-4', 'STALLS-A-5', 'STALLS-A-6']);
    const live = await states(id);
    for (const s of ['STALLS-A-4', 'STALLS-A-5', 'STALLS-A-6']) expect(live.get(s)).toBe('1');
    expect(live.get('STALLS-A-3')).toBe('0');

    // The same key again: the same hold (a new pick would choose other seats), 200.
    const replay = await holdBest(a.token, { category: 'premium', quantity: 3 }, { key });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ...first.body, replayed: true });
    const conflict = await call(
      stack.url,
      'POST',
      `/api/showtimes/${id}/holds`,
      { seats: ['STALLS-A-1'] },
      as(a.token, key),
    );
    expect([conflict.status, conflict.body.error.code]).toEqual([409, 'idempotency_conflict']);

    // Free now: A-1..3 and A-7..10. A-7..9 would be nearer the middle but strand A-10; A-1..3 strands nothing.
    const second = await holdBest(b.token, { category: 'premium', quantity: 3 });
    expect(second.status).toBe(201);
    expect(seatsOf(doc, second.body, 'premium')).toEqual(['STALLS-A-1', 'STALLS-A-2', 'STALLS-A-3']);
    // A-7..10: every block of 3 strands a seat, so the more central one is taken.
    const third = await holdBest(c.token, { category: 'premium', quantity: 3 });
    expect(seatsOf(doc, third.body, 'premium')).toEqual(['STALLS-A-7', 'STALLS-A-8', 'STALLS-A-9']);

    // Only A-10 is left of premium: 2 together is a 409 with a stable code, never a split party.
    const none = await holdBest(d.token, { category: 'premium', quantity: 2 });
    expect([none.status, none.body.error.code]).toEqual([409, 'no_adjacent_seats']);
    expect(none.body.error.details).toEqual({ category: 'premium', quantity: 2, largestBlock: 1 });
    expect(none.body.error.message).toMatch(/together/);
    const lastKey = randomUUID();
    const last = await holdBest(d.token, { category: 'premium', quantity: 1 }, { key: lastKey });
    expect(seatsOf(doc, last.body, 'premium')).toEqual(['STALLS-A-10']);

    // A retry of the request that took the last block finds no seats to pick, yet still gets its hold back.
    const lastReplay = await holdBest(d.token, { category: 'premium', quantity: 1 }, { key: lastKey });
    expect(lastReplay.status).toBe(200);
    expect(lastReplay.body).toEqual({ ...last.body, replayed: true });
    const fresh = await holdBest(d.token, { category: 'premium', quantity: 1 });
    expect(fresh.body.error.code).toBe('no_adjacent_seats');
    const elsewhere = await holdBest(d.token, { category: 'standard', quantity: 1 }, { key: lastKey });
    expect(elsewhere.body.error.code).toBe('idempotency_conflict');

    // Standard, blocked and held seats skipped: B-3..B-8 blocked by staff, B-1..2 and B-9..10 are pairs.
    await inv.block(
      id,
      ['STALLS-B-3', 'STALLS-B-4', 'STALLS-B-5', 'STALLS-B-6', 'STALLS-B-7', 'STALLS-B-8'],
      'press',
    );
    const std = await holdBest(e.token, { category: 'standard', quantity: 4 });
    expect(seatsOf(doc, std.body, 'standard')).toEqual([
      'STALLS-C-4',
      'STALLS-C-5',
      'STALLS-C-6',
      'STALLS-C-7',
    ]);
    const pair = await holdBest(e.token, { category: 'standard', quantity: 2 });
    expect(seatsOf(doc, pair.body, 'standard')).toEqual(['STALLS-B-1', 'STALLS-B-2']);

    // The hold is an ordinary hold: its outbox fact becomes a PENDING order with the picked seats.
    const order = await waitFor(
      () =>
        stack.container.prisma.order.findUnique({
          where: { holdId: first.body.holdId },
          include: { items: true },
        }),
      30_000,
      'order row',
    );
    expect(order.status).toBe('PENDING');
    expect(order.items.map((i) => i.seatLabel).sort()).toEqual(['STALLS-A-4', 'STALLS-A-5', 'STALLS-A-6']);
    expect((await inv.recount(id)).diffs).toEqual([]);
  });

  it('never picks wheelchair spaces or companion seats', async () => {
    const { id, doc } = await onSale([
      { ...stalls, rows: 1, seatsPerRow: 6, category: 'standard', accessible: [{ row: 0, seats: [3] }] },
    ]);
    // Row A: 1 2 [3 wheelchair] [4 companion] 5 6 — no 3 together; 2 together are 1-2 (equally central as 5-6).
    const b = await session();
    const three = await holdBest(b.token, { category: 'standard', quantity: 3 });
    expect([three.status, three.body.error.code]).toEqual([409, 'no_adjacent_seats']);
    const two = await holdBest(b.token, { category: 'standard', quantity: 2 });
    expect(seatsOf(doc, two.body, 'standard')).toEqual(['STALLS-A-1', 'STALLS-A-2']);
    const live = await states(id);
    expect([live.get('STALLS-A-3'), live.get('STALLS-A-4')]).toEqual(['0', '0']);
  });

  it('refuses what cannot be picked with its code: bad body, unknown or GA-only category, limits, sale state', async () => {
    const { id } = await onSale([stalls], { perBuyerLimit: 4 });
    const b = await session();
    const post = (body: unknown) => call(stack.url, 'POST', `/api/showtimes/${id}/holds`, body, as(b.token));
    const expectError = async (p: Promise<Res>, status: number, code: string) => {
      const r = await p;
      expect([r.status, r.body?.error?.code], JSON.stringify(r.body)).toEqual([status, code]);
      return r.body.error;
    };
    const zero = await expectError(
      post({ best: { category: 'premium', quantity: 0 } }),
      400,
      'validation_failed',
    );
    expect(zero.issues).toEqual([{ path: 'body.best.quantity', message: 'Ask for at least 1 seat.' }]);
    await expectError(post({ best: { category: 'premium', quantity: 51 } }), 400, 'validation_failed');
    await expectError(post({ best: { category: 'premium' } }), 400, 'validation_failed');
    await expectError(
      post({ best: { category: 'premium', quantity: 2 }, seats: ['STALLS-A-1'] }),
      400,
      'validation_failed',
    );
    await expectError(
      post({ best: { category: 'premium', quantity: 2, row: 'A' } }),
      400,
      'validation_failed',
    );
    const unknown = await expectError(
      post({ best: { category: 'vip', quantity: 2 } }),
      400,
      'validation_failed',
    );
    expect(unknown.issues[0].path).toBe('body.best.category');
    // A category sold only as standing places has no seats to pick.
    await expectError(post({ best: { category: 'floor', quantity: 2 } }), 400, 'validation_failed');

    await expectError(post({ best: { category: 'premium', quantity: 11 } }), 409, 'no_adjacent_seats');
    await expectError(post({ best: { category: 'standard', quantity: 5 } }), 409, 'limit_exceeded');
    expect((await post({ best: { category: 'standard', quantity: 4 } })).status).toBe(201);
    await expectError(post({ best: { category: 'standard', quantity: 1 } }), 409, 'limit_exceeded');

    const other = await session();
    await inv.setSaleState(id, 'paused');
    await expectError(
      call(
        stack.url,
        'POST',
        `/api/showtimes/${id}/holds`,
        { best: { category: 'premium', quantity: 2 } },
        as(other.token),
      ),
      409,
      'sale_not_open',
    );
    await inv.setSaleState(id, 'on_sale');
    expect((await inv.recount(id)).diffs).toEqual([]);
  });

  it('answers no_adjacent_seats when the free seats are scattered, and sold_out when none are left', async () => {
    const { id } = await onSale(
      [{ ...stalls, rows: 1, seatsPerRow: 5, category: 'standard', accessible: [] }],
      {
        perBuyerLimit: null,
      },
    );
    const b = await session();
    await inv.block(id, ['STALLS-A-2', 'STALLS-A-4'], 'press');
    const r = await holdBest(b.token, { category: 'standard', quantity: 2 });
    expect([r.status, r.body.error.code, r.body.error.details.largestBlock]).toEqual([
      409,
      'no_adjacent_seats',
      1,
    ]);
    for (let i = 0; i < 3; i++)
      expect((await holdBest(b.token, { category: 'standard', quantity: 1 })).status).toBe(201);
    const out = await holdBest(b.token, { category: 'standard', quantity: 1 });
    expect([out.status, out.body.error.code]).toEqual([409, 'sold_out']);
  });
});

describe('best available under a rush', () => {
  it('many buyers on two nodes at once: no seat in two holds, no oversell, every hold adjacent', async () => {
    // 6 rows × 12 standard seats; two seats blocked by staff.
    const { id, doc } = await onSale(
      [{ ...stalls, rows: 6, seatsPerRow: 12, category: 'standard', accessible: [] }],
      { perBuyerLimit: null },
    );
    await inv.block(id, ['STALLS-C-6', 'STALLS-C-7'], 'production');
    const extra: ExtraNode = await startExtraNode(stack);
    try {
      const buyers = await Promise.all(Array.from({ length: 48 }, () => session()));
      const results = await Promise.all(
        buyers.map((b, i) =>
          holdBest(b.token, { category: 'standard', quantity: 2 }, { url: i % 2 ? extra.url : stack.url }),
        ),
      );
      const won = results.filter((r) => r.status === 201);
      const lost = results.filter((r) => r.status !== 201);
      for (const r of lost) {
        expect(r.status, JSON.stringify(r.body)).toBe(409);
        expect(['no_adjacent_seats', 'seat_unavailable']).toContain(r.body.error.code);
      }
      const taken = won.flatMap((r) => seatsOf(doc, r.body, 'standard'));
      expect(new Set(taken).size, 'no seat in two holds').toBe(taken.length);
      expect(taken).not.toContain('STALLS-C-6');
      expect(taken).not.toContain('STALLS-C-7');
      const live = await states(id);
      const held = [...live].filter(([, s]) => s === '1').map(([l]) => l);
      expect(held.sort()).toEqual([...taken].sort());
      expect(held.length).toBeLessThanOrEqual(70);
      // Retries after lost races fill the hall: a pair for most buyers (at most a stranded seat per block end).
      expect(won.length).toBeGreaterThanOrEqual(25);
      expect((await inv.recount(id)).diffs).toEqual([]);
    } finally {
      await extra.close();
    }
  });

  it('on one node, concurrent picks avoid each other (no lost races) and pack rows greedily', async () => {
    const { id, doc } = await onSale(
      [{ ...stalls, rows: 6, seatsPerRow: 12, category: 'standard', accessible: [] }],
      { perBuyerLimit: null },
    );
    const buyers = await Promise.all(Array.from({ length: 40 }, () => session()));
    const results = await Promise.all(
      buyers.map((b) => holdBest(b.token, { category: 'standard', quantity: 2 })),
    );
    const won = results.filter((r) => r.status === 201);
    // Each row of 12 takes five pairs (the middle pair first, then pairs that strand nothing while possible).
    expect(won.length).toBe(30);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(
      Array.from({ length: 10 }, () => 'no_adjacent_seats'),
    );
    const taken = won.flatMap((r) => seatsOf(doc, r.body, 'standard'));
    expect(new Set(taken).size).toBe(60);
    expect((await inv.recount(id)).diffs).toEqual([]);
  });
});

describe('best available over the socket', () => {
  it('hold:create accepts { best } and answers the same hold envelope', async () => {
    const { doc } = await onSale([stalls]);
    const b = await session();
    const socket = await connected(openSocket(stack.url, { token: b.token }));
    try {
      const ack: any = await socket.timeout(5_000).emitWithAck('hold:create', {
        showtimeId,
        requestId: 'socket-best-1',
        best: { category: 'standard', quantity: 2 },
      });
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
      expect(seatsOf(doc, ack.data, 'standard')).toEqual(['STALLS-B-5', 'STALLS-B-6']);
      const none: any = await socket.timeout(5_000).emitWithAck('hold:create', {
        showtimeId,
        requestId: 'socket-best-2',
        best: { category: 'premium', quantity: 11 },
      });
      expect(none).toMatchObject({ ok: false, error: { code: 'no_adjacent_seats' } });
    } finally {
      socket.disconnect();
    }
  });
});
