import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buyerOrderListSchema,
  type BuyerOrderListDto,
  type CheckoutResponse,
  type ErrorBody,
  type OrderDto,
} from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';
import { connected, openSocket } from './support/realtime-client.ts';

/**
 * Issue 7: "my orders" for the buyer session — `GET /api/buyer/orders` lists the orders made in this session,
 * newest first, a page at a time, and nobody else's: not another buyer's, and not those of another session opened
 * with the same email (a guest session is an email claim, not proof).
 */

let stack: TestStack;
/** The main showtime, where Ada and Bob buy. */
let w: OrdersWorld;
/** Another showtime (another event) where Ada also buys. */
let other: OrdersWorld;

type Err = { error: ErrorBody };
type Held = { holdId: string; holdToken: string; expiresAt: string };

beforeAll(async () => {
  stack = await startTestStack({ worker: true });
  w = await ordersWorld(stack, {
    sections: [{ key: 'A', rows: 2, seatsPerRow: 10, category: 'std' }],
    gaZones: [{ key: 'ga', capacity: 10, category: 'ga' }],
    prices: { std: 2500, ga: 1500 },
    buyers: 2,
  });
  other = await ordersWorld(stack, { prices: { std: 4000 }, buyers: 0 });
});
afterAll(async () => {
  await stack?.close();
});

const ada = () => w.buyers[0]!;
const bob = () => w.buyers[1]!;

let req = 0;
/** A hold over HTTP in the buyer session `token`, in `world`'s showtime, once the worker made it a PENDING order. */
async function orderFor(
  world: OrdersWorld,
  token: string,
  ask: { seats: string[] } | { zone: string; quantity: number },
): Promise<Held & { code: string }> {
  const r = await world.api<Held>('post', `/api/showtimes/${world.f.showtimeId}/holds`, {
    body: ask,
    headers: { 'x-buyer-token': token, 'idempotency-key': `bo${req++}` },
  });
  expect(r.status, r.text).toBe(201);
  const h = r.json;
  const row = await waitFor(
    () => stack.container.prisma.order.findUnique({ where: { holdId: h.holdId } }),
    30_000,
    'order row',
  );
  return { ...h, code: row.code };
}

async function sessionOf(email: string): Promise<{ token: string; buyerId: string }> {
  const r = await w.api<{ token: string; buyerId: string }>('post', '/api/buyer/session', {
    body: { email },
  });
  expect(r.status, r.text).toBe(201);
  return r.json;
}

async function list(token: string, query = ''): Promise<BuyerOrderListDto> {
  const r = await w.api<BuyerOrderListDto>('get', `/api/buyer/orders${query}`, {
    headers: { 'x-buyer-token': token },
  });
  expect(r.status, r.text).toBe(200);
  // The contract the web app checks what arrives with.
  return buyerOrderListSchema.parse(r.json);
}

async function pay(h: Held, email: string, code: string): Promise<void> {
  const co = await w.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
    body: { holdToken: h.holdToken, email },
  });
  expect(co.status, co.text).toBe(201);
  const paid = await w.api('post', `/sandbox-pay/${co.json.paymentUrl.split('/').pop()}`, {
    body: { card: '4242424242424242' },
  });
  expect(paid.status, paid.text).toBe(200);
  await waitFor(
    async () =>
      (await w.api<OrderDto>('get', `/api/orders/${code}?email=${encodeURIComponent(email)}`)).json.status ===
      'PAID',
    30_000,
    'order paid',
  );
}

describe('GET /api/buyer/orders', () => {
  let adaToken: string;
  let bobToken: string;
  let first: Held & { code: string };
  let second: Held & { code: string };
  let third: Held & { code: string };
  let bobs: Held & { code: string };

  beforeAll(async () => {
    const adaSession = await sessionOf(ada().email);
    expect(adaSession.buyerId).toBe(ada().id);
    adaToken = adaSession.token;
    bobToken = (await sessionOf(bob().email)).token;
  });

  it('is empty for a buyer without orders', async () => {
    expect(await list(adaToken)).toEqual({ orders: [], nextCursor: null });
  });

  it("lists the session buyer's orders newest first, with event, start, items, total and the PENDING deadline", async () => {
    // One after the other, so their creation times are in this order.
    first = await orderFor(w, adaToken, { seats: ['A-1-1', 'A-1-2'] });
    second = await orderFor(other, adaToken, { seats: ['A-1-1'] });
    third = await orderFor(w, adaToken, { zone: 'ga', quantity: 3 });
    bobs = await orderFor(w, bobToken, { seats: ['A-2-1'] });
    await pay(first, ada().email, first.code);

    const prisma = stack.container.prisma;
    const showtimeOf = (id: string) =>
      prisma.showtime.findUniqueOrThrow({ where: { id }, include: { event: true } });
    const [st, st2] = await Promise.all([showtimeOf(w.f.showtimeId), showtimeOf(other.f.showtimeId)]);
    expect(st.event.name).not.toBe(st2.event.name);

    const page = await list(adaToken);
    expect(page.nextCursor).toBeNull();
    expect(page.orders.map((o) => o.code)).toEqual([third.code, second.code, first.code]);
    const [ga, elsewhere, paid] = page.orders;
    expect(ga).toEqual({
      code: third.code,
      status: 'PENDING',
      showtimeId: w.f.showtimeId,
      eventName: st.event.name,
      startsAt: st.startsAt.toISOString(),
      itemCount: 3,
      totalCents: 4500,
      refundedCents: 0,
      currency: 'EUR',
      createdAt: expect.any(String) as string,
      expiresAt: third.expiresAt,
    });
    expect(elsewhere).toMatchObject({
      code: second.code,
      status: 'PENDING',
      showtimeId: other.f.showtimeId,
      eventName: st2.event.name,
      startsAt: st2.startsAt.toISOString(),
      itemCount: 1,
      totalCents: 4000,
      expiresAt: second.expiresAt,
    });
    // Paid: no deadline any more.
    expect(paid).toMatchObject({
      code: first.code,
      status: 'PAID',
      itemCount: 2,
      totalCents: 5000,
      expiresAt: null,
    });
    const created = page.orders.map((o) => Date.parse(o.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it('pages with limit and cursor without skipping or repeating an order', async () => {
    const p1 = await list(adaToken, '?limit=2');
    expect(p1.orders.map((o) => o.code)).toEqual([third.code, second.code]);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const p2 = await list(adaToken, `?limit=2&cursor=${p1.nextCursor!}`);
    expect(p2.orders.map((o) => o.code)).toEqual([first.code]);
    expect(p2.nextCursor).toBeNull();
    const ones: string[] = [];
    let cursor: string | null = null;
    do {
      const p: BuyerOrderListDto = await list(adaToken, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      ones.push(...p.orders.map((o) => o.code));
      cursor = p.nextCursor;
    } while (cursor);
    expect(ones).toEqual([third.code, second.code, first.code]);
  });

  it('shows another buyer only their own orders, whatever cursor they send', async () => {
    const mine = await list(bobToken);
    expect(mine.orders.map((o) => o.code)).toEqual([bobs.code]);
    const adaCodes = new Set([first.code, second.code, third.code]);
    // Ada's cursor (from her first page) does not open her orders to Bob.
    const adaCursor = (await list(adaToken, '?limit=1')).nextCursor!;
    const withHers = await list(bobToken, `?cursor=${adaCursor}`);
    expect(withHers.orders.some((o) => adaCodes.has(o.code))).toBe(false);
  });

  it("does not show a session opened with Ada's email the orders of her other session", async () => {
    // Anyone can open a session for any address; only the code and email, or Ada's own session, show her orders.
    const stranger = await sessionOf(ada().email);
    expect(stranger.buyerId).toBe(ada().id);
    expect(await list(stranger.token)).toEqual({ orders: [], nextCursor: null });
    // An order made in that session is listed there, and not in Ada's first session.
    const mine = await orderFor(w, stranger.token, { seats: ['A-2-5'] });
    expect((await list(stranger.token)).orders.map((o) => o.code)).toEqual([mine.code]);
    expect((await list(adaToken)).orders.map((o) => o.code)).toEqual([third.code, second.code, first.code]);
  });

  it('accepts the session cookie as well as the token header', async () => {
    const r = await w.api<BuyerOrderListDto>('get', '/api/buyer/orders', { cookie: `sr_buyer=${bobToken}` });
    expect(r.status, r.text).toBe(200);
    expect(r.json.orders.map((o) => o.code)).toEqual([bobs.code]);
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('needs a buyer session: none, a forged one or a staff token get 401', async () => {
    const staff = await staffWithToken(stack.container, 'admin');
    for (const opts of [
      {},
      { headers: { 'x-buyer-token': `${adaToken.slice(0, -4)}AAAA` } },
      { cookie: 'sr_buyer=srb1.nobody.eA.9999999999.c2Vzc2lvbg.forged' },
      { token: staff.token },
    ]) {
      const r = await w.api<Err>('get', '/api/buyer/orders', opts);
      expect(r.status, JSON.stringify(opts)).toBe(401);
      expect(r.json.error.code).toBe('unauthenticated');
    }
  });

  it('refuses a limit beyond the maximum and a cursor it did not make', async () => {
    for (const q of [
      '?limit=0',
      '?limit=51',
      '?limit=abc',
      '?cursor=not*a*cursor',
      '?cursor=Zm9v',
      '?page=2',
    ]) {
      const r = await w.api<Err>('get', `/api/buyer/orders${q}`, { headers: { 'x-buyer-token': adaToken } });
      expect(r.status, q).toBe(400);
      expect(r.json.error.code, q).toBe('validation_failed');
    }
  });

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = await w.api<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>('get', '/api/openapi.json');
    expect(doc.json.paths['/api/buyer/orders']?.get?.responses['200']).toBeDefined();
  });
  it('lists an order whose hold was made over the socket in the session', async () => {
    const s = await connected(openSocket(stack.url, { token: bobToken }));
    try {
      const ack = (await s.timeout(5_000).emitWithAck('hold:create', {
        showtimeId: w.f.showtimeId,
        requestId: 'bo-socket',
        seats: ['A-2-9'],
      })) as {
        ok: boolean;
        data: Held;
      };
      expect(ack.ok).toBe(true);
      const row = await waitFor(
        () => stack.container.prisma.order.findUnique({ where: { holdId: ack.data.holdId } }),
        30_000,
        'order row',
      );
      expect((await list(bobToken)).orders.map((o) => o.code)).toEqual([row.code, bobs.code]);
    } finally {
      s.disconnect();
    }
  });
});
