import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuyerOrderListDto } from '@seatrush/shared';
import { transport } from './client.ts';
import { ApiError } from './errors.ts';
import { listMyOrders } from './orders.ts';

const page: BuyerOrderListDto = {
  orders: [
    {
      code: 'K7Q2-9XPM',
      status: 'PENDING',
      showtimeId: 'st1',
      eventName: 'Hamlet',
      startsAt: '2026-12-01T19:30:00.000Z',
      itemCount: 2,
      totalCents: 5000,
      refundedCents: 0,
      currency: 'EUR',
      createdAt: '2026-11-21T12:00:00.000Z',
      expiresAt: '2026-11-21T12:15:00.000Z',
    },
  ],
  nextCursor: 'abc',
};

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
const unauthenticated = () => json(401, { ok: false, error: { code: 'unauthenticated', message: 'x' } });

describe('listMyOrders', () => {
  const realFetch = transport.fetch;
  const calls: Array<{ method: string; url: string }> = [];
  /** Whether the fake server has a buyer session cookie. */
  let session = false;
  let answer: () => Response = () => json(200, page);

  beforeEach(() => {
    calls.length = 0;
    session = false;
    answer = () => json(200, page);
    localStorage.clear();
    transport.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const method = init?.method ?? 'GET';
      calls.push({ method, url });
      if (url === '/api/buyer/session' && method === 'POST') {
        session = true;
        const { email } = JSON.parse(init?.body as string) as { email: string };
        return Promise.resolve(
          json(201, { buyerId: 'b1', email, token: 'srb1.x', expiresAt: '2026-12-21T12:00:00.000Z' }),
        );
      }
      return Promise.resolve(session ? answer() : unauthenticated());
    };
  });
  afterEach(() => {
    transport.fetch = realFetch;
  });

  it('asks for a page after the cursor and returns it checked against the contract', async () => {
    session = true;
    expect(await listMyOrders({ cursor: 'c_1-2', limit: 10 })).toEqual(page);
    expect(calls).toEqual([{ method: 'GET', url: '/api/buyer/orders?limit=10&cursor=c_1-2' }]);
    await listMyOrders();
    expect(calls[1]!.url).toBe('/api/buyer/orders');
  });

  it('renews the session from the email remembered on this device, then asks again', async () => {
    localStorage.setItem('seatrush.email', 'ada@example.test');
    expect(await listMyOrders()).toEqual(page);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/buyer/orders',
      'POST /api/buyer/session',
      'GET /api/buyer/orders',
    ]);
  });

  it('is unauthenticated when this device knows no email', async () => {
    const err = await listMyOrders().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('unauthenticated');
    expect(calls).toHaveLength(1);
  });

  it('treats an answer that breaks the contract as an internal error', async () => {
    session = true;
    answer = () => json(200, { orders: [{ code: 'K7Q2-9XPM' }], nextCursor: null });
    const err = await listMyOrders().catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('internal');
  });
});
