import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CounterSaleResult,
  Envelope,
  SeatBlockListDto,
  SeatBlockResult,
  SeatOwnerList,
  ShowtimeSalesDto,
  StaffStats,
} from '@seatrush/shared';
import { showtimeKeys } from '../src/inventory/keys.ts';
import { startTestStack, type TestStack } from './support/env.ts';
import { signIn, staffWithToken, type ErrorEnvelope } from './support/catalog-fixtures.ts';
import { createShowtimeFixture } from './support/inventory-fixtures.ts';
import { ordersWorld, seatState, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';
import { connected, openSocket, type ClientSocket } from './support/realtime-client.ts';

let stack: TestStack;
let w: OrdersWorld;
let admin: Awaited<ReturnType<typeof staffWithToken>>;
let agent: Awaited<ReturnType<typeof staffWithToken>>;

beforeAll(async () => {
  stack = await startTestStack({ worker: true, env: { STAFF_STATS_INTERVAL_MS: '200' } });
  w = await ordersWorld(stack, {
    sections: [{ key: 'A', rows: 4, seatsPerRow: 10, category: 'std' }],
    gaZones: [{ key: 'ga', capacity: 20, category: 'ga' }],
    prices: { std: 2500, ga: 1500 },
    perBuyerLimit: 6,
    buyers: 6,
  });
  admin = await staffWithToken(stack.container, 'admin');
  agent = await staffWithToken(stack.container, 'box_office');
});
afterAll(async () => {
  await stack?.close();
});

const prisma = () => stack.container.prisma;
const st = () => w.f.showtimeId;
const path = (rest: string) => `/api/staff/showtimes/${st()}${rest}`;
let seq = 0;

/** The state buyers see: the public availability endpoint (what their maps are drawn from). */
async function publicState(label: string): Promise<string> {
  const r = await w.api('get', `/api/showtimes/${st()}/availability`);
  expect(r.status, r.text).toBe(200);
  const body = r.json as { seatLabels: string[]; seatStates: string };
  return body.seatStates[body.seatLabels.indexOf(label)]!;
}

describe('seat blocks', () => {
  it('refuses anonymous callers, buyers and bad bodies; names the field that is wrong', async () => {
    const body = { seats: ['A-1-1'], reason: 'press' };
    expect((await w.api('post', path('/seats/block'), { body })).status).toBe(401);
    const buyer = await w.api('post', '/api/buyer/session', { body: { email: w.buyers[0]!.email } });
    expect(buyer.status, buyer.text).toBeLessThan(300);
    const buyerToken = (buyer.json as { token: string }).token;
    expect((await w.api('post', path('/seats/block'), { body, token: buyerToken })).status).toBe(401);

    const bad = await w.api<ErrorEnvelope>('post', path('/seats/block'), {
      body: { seats: [] },
      token: agent.token,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('validation_failed');
    expect(bad.json.error.issues?.map((i) => i.path).sort()).toEqual(['body.reason', 'body.seats']);
    const dup = await w.api<ErrorEnvelope>('post', path('/seats/block'), {
      body: { seats: ['A-1-1', 'A-1-1'], reason: 'x' },
      token: agent.token,
    });
    expect(dup.json.error.issues?.[0]?.path).toBe('body.seats.1');
    const missing = await w.api<ErrorEnvelope>('post', '/api/staff/showtimes/nope/seats/block', {
      body,
      token: agent.token,
    });
    expect(missing.status).toBe(404);
  });

  it('a box-office agent blocks free seats: buyers see them blocked at once, holds are refused, it is audited', async () => {
    const h = await w.inv.hold(st(), { buyerId: w.buyers[1]!.id, requestId: `b${seq++}`, seats: ['A-1-3'] });
    const r = await w.api<SeatBlockResult>('post', path('/seats/block'), {
      body: { seats: ['A-1-1', 'A-1-2', 'A-1-3', 'A-9-9'], reason: 'Press night' },
      token: agent.token,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.changed).toEqual(['A-1-1', 'A-1-2']);
    expect(r.json.skipped.sort()).toEqual(['A-1-3', 'A-9-9']);

    expect(await publicState('A-1-1')).toBe('3');
    expect(await publicState('A-1-2')).toBe('3');
    expect(await publicState('A-1-3')).toBe('1'); // the held seat is left alone
    const taken = await w.inv
      .hold(st(), { buyerId: w.buyers[2]!.id, requestId: `b${seq++}`, seats: ['A-1-1'] })
      .catch((e: { code?: string }) => e.code);
    expect(taken).toBe('seat_unavailable');

    const rows = await prisma().seatBlock.findMany({
      where: { showtimeId: st() },
      orderBy: { seatLabel: 'asc' },
    });
    expect(rows.map((b) => [b.seatLabel, b.reason, b.blockedBy])).toEqual([
      ['A-1-1', 'Press night', `token:${agent.tokenId}`],
      ['A-1-2', 'Press night', `token:${agent.tokenId}`],
    ]);
    const audit = await prisma().auditEntry.findMany({ where: { showtimeId: st(), action: 'seat.blocked' } });
    expect(audit.map((a) => [a.entityId, a.actor]).sort()).toEqual([
      ['A-1-1', `token:${agent.tokenId}`],
      ['A-1-2', `token:${agent.tokenId}`],
    ]);

    const list = await w.api<SeatBlockListDto>('get', path('/seats/blocks'), { token: agent.token });
    expect(list.json.blocks.map((b) => b.seatLabel)).toEqual(['A-1-1', 'A-1-2']);
    const owners = await w.api<SeatOwnerList>('get', path('/seats/owners?seats=A-1-1,A-1-3'), {
      token: agent.token,
    });
    expect(owners.json.seats).toEqual([
      expect.objectContaining({ seat: 'A-1-1', state: 'blocked', reason: 'Press night' }),
      expect.objectContaining({ seat: 'A-1-3', state: 'held', holdId: h.holdId, email: w.buyers[1]!.email }),
    ]);
    expect((await w.api('get', path('/seats/owners'))).status).toBe(401);
  });

  it('unblocking puts the seats back on sale for buyers and records the reason it had', async () => {
    const r = await w.api<SeatBlockResult>('post', path('/seats/unblock'), {
      body: { seats: ['A-1-2', 'A-2-2'], reason: 'Press cancelled' },
      token: admin.token,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ changed: ['A-1-2'], skipped: ['A-2-2'] });
    expect(await publicState('A-1-2')).toBe('0');
    expect(await prisma().seatBlock.count({ where: { showtimeId: st(), seatLabel: 'A-1-2' } })).toBe(0);
    const [entry] = await prisma().auditEntry.findMany({
      where: { showtimeId: st(), action: 'seat.unblocked' },
    });
    expect(entry).toMatchObject({
      entityId: 'A-1-2',
      actor: `token:${admin.tokenId}`,
      before: { state: 'blocked', reason: 'Press night' },
      after: { state: 'free', note: 'Press cancelled' },
    });
    const h = await w.inv.hold(st(), { buyerId: w.buyers[2]!.id, requestId: `b${seq++}`, seats: ['A-1-2'] });
    expect(h.items).toHaveLength(1);
  });

  it('before the sale opens, blocks are kept in the database and applied when the inventory loads', async () => {
    const f = await createShowtimeFixture(prisma(), { saleState: 'scheduled', prices: { std: 1000 } });
    const p = `/api/staff/showtimes/${f.showtimeId}`;
    const r = await w.api<SeatBlockResult>('post', `${p}/seats/block`, {
      body: { seats: ['A-1-1', 'A-1-2', 'Z-1-1'], reason: 'Production' },
      token: agent.token,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ changed: ['A-1-1', 'A-1-2'], skipped: ['Z-1-1'] });
    const un = await w.api<SeatBlockResult>('post', `${p}/seats/unblock`, {
      body: { seats: ['A-1-2'] },
      token: agent.token,
    });
    expect(un.json.changed).toEqual(['A-1-2']);
    // A box-office agent may not open a sale; an admin may.
    expect((await w.api('post', `${p}/sale/open`, { token: agent.token })).status).toBe(403);
    const open = await w.api('post', `${p}/sale/open`, { token: admin.token });
    expect(open.status, open.text).toBe(200);
    const av = await w.api('get', `/api/showtimes/${f.showtimeId}/availability`);
    const states = av.json as { seatLabels: string[]; seatStates: string };
    expect(states.seatStates[states.seatLabels.indexOf('A-1-1')]).toBe('3');
    expect(states.seatStates[states.seatLabels.indexOf('A-1-2')]).toBe('0');
  });
});

describe('counter sales', () => {
  it('sells seats through the inventory: a PAID counter order, seats sold in Redis and claimed in PostgreSQL', async () => {
    const requestId = `counter-${seq++}`;
    const r = await w.api<CounterSaleResult>('post', path('/counter-sale'), {
      body: { seats: ['A-3-1', 'A-3-2'], method: 'cash', buyerEmail: 'Walk.In@Example.test', requestId },
      token: agent.token,
    });
    expect(r.status, r.text).toBe(201);
    const o = r.json.order;
    expect(o).toMatchObject({
      status: 'PAID',
      channel: 'counter',
      totalCents: 5000,
      email: 'walk.in@example.test',
    });
    expect(o.items.map((i) => i.seatLabel).sort()).toEqual(['A-3-1', 'A-3-2']);
    expect(o.tickets).toHaveLength(2);
    expect(o.payments).toMatchObject([{ provider: 'counter', status: 'confirmed', amountCents: 5000 }]);
    expect(o.audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['order.paid', 'order.counter_sold', 'payment.confirmed']),
    );
    expect(o.audit.find((a) => a.action === 'order.counter_sold')).toMatchObject({
      actor: `token:${agent.tokenId}`,
      after: expect.objectContaining({ method: 'cash' }) as unknown,
    });

    expect(await seatState(w, 'A-3-1')).toBe(2);
    expect(await seatState(w, 'A-3-2')).toBe(2);
    expect(await publicState('A-3-1')).toBe('2');
    const claims = await prisma().seatClaim.findMany({
      where: { showtimeId: st(), seatLabel: { in: ['A-3-1', 'A-3-2'] } },
    });
    expect(claims).toHaveLength(2);
    expect((await w.inv.recount(st())).ok).toBe(true);

    // The same request again answers with the same order and sells nothing twice.
    const again = await w.api<CounterSaleResult>('post', path('/counter-sale'), {
      body: { seats: ['A-3-1', 'A-3-2'], method: 'cash', buyerEmail: 'walk.in@example.test', requestId },
      token: agent.token,
    });
    expect(again.status, again.text).toBe(200);
    expect(again.json.replayed).toBe(true);
    expect(again.json.order.code).toBe(o.code);
    expect(
      await prisma().order.count({
        where: { showtimeId: st(), channel: 'counter', buyer: { email: 'walk.in@example.test' } },
      }),
    ).toBe(1);

    const search = await w.api<{ orders: Array<{ code: string }> }>('get', `/api/staff/orders?q=A-3-1`, {
      token: agent.token,
    });
    expect(search.json.orders.map((x) => x.code)).toContain(o.code);
  });

  it('sells GA places to a walk-in buyer, and refuses seats someone has', async () => {
    const r = await w.api<CounterSaleResult>('post', path('/counter-sale'), {
      body: { zone: 'ga', quantity: 3, method: 'card_present' },
      token: agent.token,
    });
    expect(r.status, r.text).toBe(201);
    expect(r.json.order.items.filter((i) => i.zoneKey === 'ga')).toHaveLength(3);
    expect(r.json.order.email).toMatch(/@walk-in\.box-office\.invalid$/);
    const zone = await prisma().zoneInventory.findUniqueOrThrow({
      where: { showtimeId_zoneKey: { showtimeId: st(), zoneKey: 'ga' } },
    });
    expect(zone.claimed).toBeGreaterThanOrEqual(3);

    const taken = await w.api<ErrorEnvelope>('post', path('/counter-sale'), {
      body: { seats: ['A-3-1', 'A-3-5'], method: 'cash' },
      token: agent.token,
    });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatchObject({ code: 'seat_unavailable', details: { seats: ['A-3-1'] } });
    expect(await seatState(w, 'A-3-5')).toBe(0); // all or nothing

    const both = await w.api<ErrorEnvelope>('post', path('/counter-sale'), {
      body: { seats: ['A-3-6'], zone: 'ga', quantity: 1, method: 'cash' },
      token: agent.token,
    });
    expect(both.status).toBe(400);
    const method = await w.api<ErrorEnvelope>('post', path('/counter-sale'), {
      body: { seats: ['A-3-6'], method: 'cheque' },
      token: agent.token,
    });
    expect(method.json.error.issues?.[0]?.path).toBe('body.method');
  });

  it('refuses while the sale is not open', async () => {
    const f = await createShowtimeFixture(prisma(), { saleState: 'scheduled', prices: { std: 1000 } });
    const r = await w.api<ErrorEnvelope>('post', `/api/staff/showtimes/${f.showtimeId}/counter-sale`, {
      body: { seats: ['A-1-1'], method: 'cash' },
      token: agent.token,
    });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('sale_not_open');
  });

  it('a staff refund of a counter sale returns the seats to sale', async () => {
    const sale = await w.api<CounterSaleResult>('post', path('/counter-sale'), {
      body: { seats: ['A-3-8', 'A-3-9'], method: 'cash' },
      token: agent.token,
    });
    expect(sale.status, sale.text).toBe(201);
    const item = sale.json.order.items.find((i) => i.seatLabel === 'A-3-9')!;
    const r = await w.api<{ order: { status: string } }>(
      'post',
      `/api/staff/orders/${sale.json.order.code}/refund`,
      {
        body: { itemIds: [item.id], reason: 'Changed mind' },
        token: agent.token,
      },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.json.order.status).toBe('PARTIALLY_REFUNDED');
    expect(await publicState('A-3-9')).toBe('0');
    expect(await publicState('A-3-8')).toBe('2');
    // Cash goes back at the desk: the refund completes without asking the online payment provider.
    const refund = await waitFor(
      () =>
        prisma().refund.findFirst({
          where: { order: { code: sale.json.order.code }, status: { in: ['done', 'failed'] } },
        }),
      10_000,
      'settled refund',
    );
    expect(refund.status).toBe('done');
  });
});

describe('cancel a pending order', () => {
  it('releases its hold: the order is CANCELLED and the seats are free', async () => {
    // Through the server's own hold route: the hold's token is derived with the node's secret.
    const session = await w.api('post', '/api/buyer/session', { body: { email: w.buyers[3]!.email } });
    const held = await w.api('post', `/api/showtimes/${st()}/holds`, {
      body: { seats: ['A-4-1'] },
      token: (session.json as { token: string }).token,
      headers: { 'idempotency-key': `c${seq++}` },
    });
    expect(held.status, held.text).toBe(201);
    const h = held.json as { holdId: string };
    const o = await waitFor(
      () => prisma().order.findUnique({ where: { holdId: h.holdId } }),
      10_000,
      'order row',
    );
    expect((await w.api('post', `/api/staff/orders/${o.code}/cancel`)).status).toBe(401);
    const r = await w.api<{ status: string }>('post', `/api/staff/orders/${o.code}/cancel`, {
      token: agent.token,
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status).toBe('CANCELLED');
    expect(await seatState(w, 'A-4-1')).toBe(0);
    const again = await w.api<ErrorEnvelope>('post', `/api/staff/orders/${o.code}/cancel`, {
      token: agent.token,
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('invalid_transition');
  });
});

describe('admin-only parts', () => {
  it('bull-board is for admins: agents get 403, browsers without a session are sent to sign in', async () => {
    const anon = await w.api('get', '/box-office/queues/', { headers: { accept: 'text/html' } });
    expect(anon.status).toBe(302);
    expect(anon.headers.get('location')).toMatch(/^\/box-office\/login\?next=/);
    expect(
      (await w.api('get', '/box-office/queues/api/queues', { headers: { accept: 'application/json' } }))
        .status,
    ).toBe(401);
    expect((await w.api('get', '/box-office/queues/', { token: agent.token })).status).toBe(403);
    const cookie = await signIn(w.api, admin.email, admin.password, '10.9.9.9');
    const page = await w.api('get', '/box-office/queues/', { cookie, headers: { accept: 'text/html' } });
    expect(page.status, page.text.slice(0, 200)).toBe(200);
    expect(page.text).toContain('<div id="root">');
    // Nothing fetched from another site (bull-board links Google Fonts), and a way back to the dashboard.
    expect(page.text).not.toContain('fonts.googleapis.com');
    expect(page.text).toContain('<a href="/box-office"');
    const api = await w.api('get', '/box-office/queues/api/queues', { token: admin.token });
    expect(api.status, api.text.slice(0, 200)).toBe(200);
    expect(JSON.stringify(api.json)).toContain('"orders"');
  });
});

/** A staff socket in the showtime's staff room: every `staff:stats` it is pushed, newest last. */
async function staffRoom(
  token: string,
): Promise<{ socket: ClientSocket; latest: () => StaffStats | null; first: StaffStats }> {
  const socket = await connected(openSocket(stack.url, { token }));
  let last: StaffStats | null = null;
  socket.on('staff:stats', (s) => {
    if (s.showtimeId === st()) last = s;
  });
  const ack = (await socket
    .timeout(5000)
    .emitWithAck('staff:join', { showtimeId: st() })) as Envelope<StaffStats>;
  if (!ack.ok) throw new Error(`staff:join refused: ${ack.error.code}`);
  return { socket, latest: () => last, first: ack.data };
}

describe('the dashboard numbers during a scripted sale', () => {
  it('equal an inventory recount and the database', async () => {
    const room = await staffRoom(agent.token);
    const viewer = openSocket(stack.url);
    try {
      // Nobody follows the map yet (the staff socket watches figures, it is no buyer); then one anonymous viewer.
      expect(room.first.connectedBuyers).toBe(0);
      await connected(viewer);
      const joined = (await viewer
        .timeout(5000)
        .emitWithAck('showtime:join', { showtimeId: st() })) as Envelope<unknown>;
      expect(joined.ok).toBe(true);
      // The script: online purchases (hold → checkout → sandbox card), holds left pending, a counter sale,
      // a block, a refund.
      const paid: string[] = [];
      for (const [buyer, seats] of [
        [0, ['A-2-1', 'A-2-2']],
        [4, ['A-2-3']],
      ] as const) {
        const h = await w.inv.hold(st(), {
          buyerId: w.buyers[buyer]!.id,
          requestId: `s${seq++}`,
          seats: [...seats],
        });
        const co = await w.api<{ paymentUrl: string; orderCode: string }>(
          'post',
          `/api/holds/${h.holdId}/checkout`,
          {
            body: { holdToken: h.holdToken, email: w.buyers[buyer]!.email },
          },
        );
        expect(co.status, co.text).toBe(201);
        const pay = await w.api('post', `/sandbox-pay/${co.json.paymentUrl.split('/').pop()}`, {
          body: { card: '4242424242424242' },
        });
        expect(pay.status, pay.text).toBe(200);
        paid.push(co.json.orderCode);
      }
      await w.inv.hold(st(), { buyerId: w.buyers[5]!.id, requestId: `s${seq++}`, seats: ['A-2-5', 'A-2-6'] });
      await w.inv.hold(st(), { buyerId: w.buyers[5]!.id, requestId: `s${seq++}`, zone: 'ga', quantity: 2 });
      const counter = await w.api<CounterSaleResult>('post', path('/counter-sale'), {
        body: { zone: 'ga', quantity: 4, method: 'cash' },
        token: agent.token,
      });
      expect(counter.status, counter.text).toBe(201);
      await w.api('post', path('/seats/block'), {
        body: { seats: ['A-4-9', 'A-4-10'], reason: 'Camera' },
        token: agent.token,
      });
      for (const code of paid)
        await waitFor(
          async () => (await prisma().order.findUnique({ where: { code } }))?.status === 'PAID',
          10_000,
          `${code} paid`,
        );
      const refund = await w.api('post', `/api/staff/orders/${paid[0]}/refund`, {
        body: {},
        token: agent.token,
      });
      expect(refund.status, refund.text).toBe(200);

      // Every hold has its order row, so the database can be compared with Redis.
      await waitFor(
        async () => {
          const holdIds = await stack.container.redis.hkeys(
            showtimeKeys(stack.config.redisPrefix, st()).holds,
          );
          return (await prisma().order.count({ where: { holdId: { in: holdIds } } })) === holdIds.length;
        },
        10_000,
        'orders persisted',
      );

      const settled = await waitFor(
        async () => {
          const s = room.latest();
          const snap = await w.inv.snapshot(st());
          return s && s.version === snap.version && s.at > Date.now() - 2000 ? { s, snap } : null;
        },
        10_000,
        'stats at the current version',
      );
      const { s: stats, snap } = settled;

      // 1. The inventory's counts are consistent with its per-seat states and holds.
      expect(await w.inv.recount(st())).toEqual({ ok: true, diffs: [] });

      // 2. The dashboard equals a recount of the seat states and GA zones of the same version.
      const seatsBy = { available: 0, held: 0, sold: 0, blocked: 0 };
      const names = ['available', 'held', 'sold', 'blocked'] as const;
      for (const c of snap.seatStates) seatsBy[names[Number(c)]!]++;
      const zones = Object.values(snap.zones);
      const recount = {
        available: seatsBy.available + zones.reduce((n, z) => n + z.available, 0),
        held: seatsBy.held + zones.reduce((n, z) => n + z.held, 0),
        sold: seatsBy.sold + zones.reduce((n, z) => n + z.sold, 0),
        blocked: seatsBy.blocked,
      };
      expect(stats.totals).toEqual(recount);
      expect(stats.categories).toEqual(snap.categories);
      expect(stats.zones).toEqual(snap.zones);

      // 3. The dashboard equals the database: sold = active items of paid orders, held = active items of live
      //    pending orders, blocked = SeatBlock rows, and the rest is available.
      const now = new Date();
      const [soldDb, heldDb, blockedDb] = await Promise.all([
        prisma().orderItem.count({
          where: {
            showtimeId: st(),
            status: 'active',
            order: { status: { in: ['PAID', 'PARTIALLY_REFUNDED'] } },
          },
        }),
        prisma().orderItem.count({
          where: { showtimeId: st(), status: 'active', order: { status: 'PENDING', expiresAt: { gt: now } } },
        }),
        prisma().seatBlock.count({ where: { showtimeId: st() } }),
      ]);
      const capacity = w.f.seatLabels.length + 20;
      expect(stats.totals).toEqual({
        sold: soldDb,
        held: heldDb,
        blocked: blockedDb,
        available: capacity - soldDb - heldDb - blockedDb,
      });

      // 4. The sales figures the dashboard shows next to them agree too.
      const sales = await w.api<ShowtimeSalesDto>('get', path('/sales'), { token: agent.token });
      expect(sales.status, sales.text).toBe(200);
      expect(sales.json.ticketsSold).toBe(stats.totals.sold);
      expect(sales.json.blockedSeats).toBe(stats.totals.blocked);
      const revenue = await prisma().orderItem.aggregate({
        _sum: { priceCents: true },
        where: {
          showtimeId: st(),
          status: 'active',
          order: { status: { in: ['PAID', 'PARTIALLY_REFUNDED'] } },
        },
      });
      expect(sales.json.revenueCents).toBe(revenue._sum.priceCents);
      expect(sales.json.channels.counter.tickets).toBeGreaterThanOrEqual(4);
      const paidTickets = await prisma().orderItem.count({
        where: { showtimeId: st(), order: { paidAt: { not: null } } },
      });
      expect(stats.salesPerMinute.reduce((n, m) => n + m.tickets, 0)).toBe(paidTickets);
      expect(stats.connectedBuyers).toBe(1);
    } finally {
      viewer.disconnect();
      room.socket.disconnect();
    }
  });
});
