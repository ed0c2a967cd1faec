import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Envelope, HoldRequest, HoldResponse } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import {
  apiClient,
  staffWithToken,
  type Api,
  type ApiResponse,
  type ErrorEnvelope,
} from './support/catalog-fixtures.ts';
import { createShowtimeFixture } from './support/inventory-fixtures.ts';
import { ROUTE_LIMITS } from '../src/http/rate-limits.ts';
import { connected, type ClientSocket } from './support/realtime-client.ts';

/**
 * The abuse limits (issue 15): each limited action answers 429 `rate_limited` with Retry-After (sockets: the same
 * code and details.retryAfterSeconds) once its per-address or per-buyer budget for the minute is spent. The
 * address is the client's own behind a trusted proxy (test config: loopback stands in for it), and the socket
 * peer when no proxy is configured — whatever X-Forwarded-For says.
 */

const GA: HoldRequest = { zone: 'ga', quantity: 1 };
let ipSeq = 0;
/** A client address nobody else in this file uses. */
const freshIp = () => `10.77.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

type Reply = ApiResponse<ErrorEnvelope & { token: string; buyerId: string }>;

function expectLimited(r: Reply, what: RegExp): void {
  expect(r.status, r.text).toBe(429);
  expect(r.json.error.code).toBe('rate_limited');
  expect(r.json.error.message).toMatch(what);
  expect(r.json.error.message).toMatch(/Try again in \d+ s\.$/);
  const retry = Number(r.headers.get('retry-after'));
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(60);
  expect(r.json.error.details).toEqual({ retryAfterSeconds: retry });
}

interface Buyer {
  token: string;
  email: string;
}

async function newBuyer(api: Api, ip = freshIp()): Promise<Buyer> {
  const email = `rl-${randomUUID()}@example.test`;
  const r: Reply = await api('post', '/api/buyer/session', {
    body: { email },
    headers: { 'x-forwarded-for': ip },
  });
  expect(r.status, r.text).toBe(201);
  return { token: r.json.token, email };
}

const sockets: ClientSocket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

describe('behind a trusted proxy (limits per real client)', () => {
  let stack: TestStack;
  let api: Api;

  beforeAll(async () => {
    stack = await startTestStack({
      env: {
        RATE_LIMIT_SESSION_PER_ADDRESS: '3',
        RATE_LIMIT_SESSION_PER_BUYER: '2',
        RATE_LIMIT_HOLD_PER_BUYER: '2',
        RATE_LIMIT_HOLD_PER_ADDRESS: '4',
        RATE_LIMIT_ORDER_LOOKUP_PER_ADDRESS: '3',
        RATE_LIMIT_QUEUE_JOIN_PER_ADDRESS: '3',
        RATE_LIMIT_CODE_PER_ADDRESS: '2',
      },
    });
    api = apiClient(stack.url);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const gaShowtime = async (
    limits: {
      holdLimitPerBuyer?: number;
      holdLimitPerAddress?: number;
      queueJoinLimitPerAddress?: number;
    } = {},
  ) => {
    const f = await createShowtimeFixture(stack.container.prisma, {
      sections: [],
      gaZones: [{ key: 'ga', capacity: 100, category: 'ga' }],
    });
    if (Object.keys(limits).length)
      await stack.container.prisma.showtime.update({ where: { id: f.showtimeId }, data: limits });
    return f.showtimeId;
  };

  const holdOverHttp = (path: string, buyer: Buyer, ip: string): Promise<Reply> =>
    api('post', path, {
      body: GA,
      token: buyer.token,
      headers: { 'idempotency-key': randomUUID(), 'x-forwarded-for': ip },
    });

  it('names only routes the table serves (a renamed path would lose its limit silently)', () => {
    const served = new Set(stack.node.routes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(ROUTE_LIMITS).filter((route) => !served.has(route))).toEqual([]);
  });

  it('limits session creation per address and per e-mail', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) await newBuyer(api, ip);
    const fourth: Reply = await api('post', '/api/buyer/session', {
      body: { email: `rl-${randomUUID()}@example.test` },
      headers: { 'x-forwarded-for': ip },
    });
    expectLimited(fourth, /^Too many sign-ins/);
    // Another client behind the same proxy is counted on its own.
    await newBuyer(api, freshIp());

    // One e-mail from many addresses: its own budget of 2 (case does not make a new buyer).
    const email = `rl-${randomUUID()}@example.test`;
    for (const variant of [email, email.toUpperCase()])
      expect(
        (
          await api('post', '/api/buyer/session', {
            body: { email: variant },
            headers: { 'x-forwarded-for': freshIp() },
          })
        ).status,
      ).toBe(201);
    expectLimited(
      await api('post', '/api/buyer/session', { body: { email }, headers: { 'x-forwarded-for': freshIp() } }),
      /^Too many sign-ins/,
    );
  });

  describe.each([
    { name: 'hot path', path: (id: string) => `/api/showtimes/${id}/holds` },
    { name: 'Express', path: (id: string) => `/api/showtimes/${id}/holds/` },
  ])('holds through the $name', ({ path }) => {
    it('are limited per buyer, and a counter sale for that buyer is exempt', async () => {
      const id = await gaShowtime();
      const buyer = await newBuyer(api);
      for (let i = 0; i < 2; i++) expect((await holdOverHttp(path(id), buyer, freshIp())).status).toBe(201);
      expectLimited(await holdOverHttp(path(id), buyer, freshIp()), /^Too many hold requests/);
      // The budget is per showtime: another sale is not spent.
      expect((await holdOverHttp(path(await gaShowtime()), buyer, freshIp())).status).toBe(201);

      const staff = await staffWithToken(stack.container, 'box_office');
      const sale = await api('post', `/api/staff/showtimes/${id}/counter-sale`, {
        body: { ...GA, buyerEmail: buyer.email, method: 'cash', requestId: randomUUID() },
        token: staff.token,
      });
      expect(sale.status, sale.text).toBe(201);
    });

    it('are limited per client address, each client behind the proxy on its own', async () => {
      const id = await gaShowtime();
      const ip = freshIp();
      for (let i = 0; i < 4; i++)
        expect((await holdOverHttp(path(id), await newBuyer(api), ip)).status).toBe(201);
      const late = await newBuyer(api);
      expectLimited(await holdOverHttp(path(id), late, ip), /^Too many hold requests/);
      expect((await holdOverHttp(path(id), late, freshIp())).status).toBe(201);
    });
  });

  it('limits holds through the socket (hold:create) per buyer and per address', async () => {
    const id = await gaShowtime();
    const open = async (buyer: Buyer, ip: string) => {
      const socket: ClientSocket = connect(stack.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token: buyer.token },
        extraHeaders: { 'x-forwarded-for': ip },
      });
      sockets.push(socket);
      return connected(socket);
    };
    const hold = (socket: ClientSocket): Promise<Envelope<HoldResponse>> =>
      socket.timeout(10_000).emitWithAck('hold:create', { showtimeId: id, requestId: randomUUID(), ...GA });

    const buyer = await open(await newBuyer(api), freshIp());
    for (let i = 0; i < 2; i++) expect((await hold(buyer)).ok).toBe(true);
    const refused = await hold(buyer);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('rate_limited');
    expect(refused.error.details).toEqual({ retryAfterSeconds: expect.any(Number) as number });

    const ip = freshIp();
    const a = await open(await newBuyer(api), ip);
    const b = await open(await newBuyer(api), ip);
    for (const s of [a, a, b, b]) expect((await hold(s)).ok).toBe(true);
    const third = await open(await newBuyer(api), ip);
    expect(await hold(third)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it("follows the showtime's own hold limits: 0 turns a limit off, a number replaces the default", async () => {
    const ip = freshIp();
    const open = await gaShowtime({ holdLimitPerBuyer: 0, holdLimitPerAddress: 0 });
    const buyer = await newBuyer(api);
    for (let i = 0; i < 6; i++)
      expect((await holdOverHttp(`/api/showtimes/${open}/holds`, buyer, ip)).status).toBe(201);

    const strict = await gaShowtime({ holdLimitPerBuyer: 1 });
    expect((await holdOverHttp(`/api/showtimes/${strict}/holds`, buyer, freshIp())).status).toBe(201);
    expectLimited(await holdOverHttp(`/api/showtimes/${strict}/holds`, buyer, freshIp()), /^Too many hold/);
  });

  it('limits order look-ups by code per address (the buyer refund by code counts too)', async () => {
    const ip = freshIp();
    const lookUp = (headers: Record<string, string>): Promise<Reply> =>
      api('get', `/api/orders/K7Q2-9XPM?email=${encodeURIComponent('who@example.test')}`, { headers });
    expect((await lookUp({ 'x-forwarded-for': ip })).status).toBe(404);
    const refund: Reply = await api('post', '/api/orders/K7Q2-9XPM/refund', {
      body: { email: 'who@example.test' },
      headers: { 'x-forwarded-for': ip },
    });
    expect(refund.status).not.toBe(429);
    expect((await lookUp({ 'x-forwarded-for': ip })).status).toBe(404);
    expectLimited(await lookUp({ 'x-forwarded-for': ip }), /^Too many order look-ups/);
    expect((await lookUp({ 'x-forwarded-for': freshIp() })).status).toBe(404);
  });

  it("limits queue joins per address, with the showtime's own limit (0 = none)", async () => {
    const join = (id: string, buyer: Buyer, ip: string): Promise<Reply> =>
      api('post', `/api/showtimes/${id}/queue`, { token: buyer.token, headers: { 'x-forwarded-for': ip } });
    const id = await gaShowtime();
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect((await join(id, await newBuyer(api), ip)).status).not.toBe(429);
    expectLimited(await join(id, await newBuyer(api), ip), /^Too many attempts to join the queue/);
    expect((await join(id, await newBuyer(api), freshIp())).status).not.toBe(429);

    const unlimited = await gaShowtime({ queueJoinLimitPerAddress: 0 });
    for (let i = 0; i < 5; i++) expect((await join(unlimited, await newBuyer(api), ip)).status).not.toBe(429);
  });

  it('limits one-time code requests per address', async (ctx) => {
    if (!stack.node.routes.some((r) => r.method === 'post' && r.path === '/api/buyer/session/code'))
      return ctx.skip('POST /api/buyer/session/code is not in the route table yet');
    const ask = async (ip: string): Promise<Reply> =>
      api('post', '/api/buyer/session/code', {
        token: (await newBuyer(api)).token,
        body: {},
        headers: { 'x-forwarded-for': ip },
      });
    const ip = freshIp();
    for (let i = 0; i < 2; i++)
      expect((await ask(ip)).json.error?.message ?? '').not.toMatch(/^Too many codes/);
    expectLimited(await ask(ip), /^Too many codes asked for/);
  });
});

describe('without a configured proxy (the default)', () => {
  let stack: TestStack;
  let api: Api;

  beforeAll(async () => {
    stack = await startTestStack({
      env: { TRUST_PROXY: '', RATE_LIMIT_SESSION_PER_ADDRESS: '4', RATE_LIMIT_HOLD_PER_ADDRESS: '2' },
    });
    api = apiClient(stack.url);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('ignores X-Forwarded-For: a client naming a new address each time is still limited', async () => {
    const f = await createShowtimeFixture(stack.container.prisma, {
      sections: [],
      gaZones: [{ key: 'ga', capacity: 100, category: 'ga' }],
    });
    const buyers = [await newBuyer(api), await newBuyer(api), await newBuyer(api)];
    const hold = (buyer: Buyer): Promise<Reply> =>
      api('post', `/api/showtimes/${f.showtimeId}/holds`, {
        body: GA,
        token: buyer.token,
        headers: { 'idempotency-key': randomUUID(), 'x-forwarded-for': freshIp() },
      });
    expect((await hold(buyers[0]!)).status).toBe(201);
    expect((await hold(buyers[1]!)).status).toBe(201);
    expectLimited(await hold(buyers[2]!), /^Too many hold requests/);

    await newBuyer(api);
    expectLimited(
      await api('post', '/api/buyer/session', {
        body: { email: `rl-${randomUUID()}@example.test` },
        headers: { 'x-forwarded-for': freshIp() },
      }),
      /^Too many sign-ins/,
    );
  });
});
