import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@seatrush/shared';
import { startExtraNode, startTestStack, testConfig, type ExtraNode, type TestStack } from './support/env.ts';
import { apiClient, signIn, staffWithToken, unique, type Api } from './support/catalog-fixtures.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { stackInventory } from './support/env.ts';
import { io as connect } from 'socket.io-client';
import { connected } from './support/realtime-client.ts';

/**
 * Issue 14, finding 10: a request authenticated by a cookie is always origin-checked — an `Authorization` header
 * that authenticates nothing does not switch the check off — and `X-Forwarded-Host` is believed only from a
 * configured proxy (TRUST_PROXY), so a browser's request cannot vouch for its own foreign Origin.
 */

type Err = { ok: false; error: ErrorBody };
const EVIL = 'https://evil.example';

let stack: TestStack;
let api: Api;
let admin: Awaited<ReturnType<typeof staffWithToken>>;
let staffCookie: string;
let buyerCookie: string;
let f: Fixture;

beforeAll(async () => {
  // No proxy configured: the production default.
  stack = await startTestStack({ env: { TRUST_PROXY: '' } });
  api = apiClient(stack.url);
  admin = await staffWithToken(stack.container, 'admin');
  staffCookie = await signIn(api, admin.email, admin.password);
  const s = await api('post', '/api/buyer/session', { body: { email: `csrf-${randomUUID()}@example.test` } });
  expect(s.status).toBe(201);
  buyerCookie = s.headers.get('set-cookie')!.split(';')[0]!;
  f = await createShowtimeFixture(stack.container.prisma, { prices: { std: 1000 } });
  await stackInventory(stack).load(f.showtimeId);
});
afterAll(async () => {
  await stack?.close();
});

const createEvent = (via: Api, headers: Record<string, string>, cookie = staffCookie) =>
  via<Err>('post', '/api/staff/events', { cookie, body: { slug: unique('csrf'), name: 'CSRF' }, headers });

const hold = (via: Api, headers: Record<string, string>) =>
  via<Err>('post', `/api/showtimes/${f.showtimeId}/holds`, {
    cookie: buyerCookie,
    body: { seats: ['A-1-1'] },
    headers: { 'idempotency-key': randomUUID(), ...headers },
  });

describe('CSRF: a cookie-authenticated request is always origin-checked', () => {
  it('an Authorization header that authenticates nothing does not skip the check (staff, Express)', async () => {
    const r = await createEvent(api, { origin: EVIL, authorization: 'Bearer whatever' });
    expect([r.status, r.json?.error?.code]).toEqual([403, 'csrf_failed']);
  });

  it('nor a buyer bearer token of another format (buyer, hot path)', async () => {
    const r = await hold(api, { origin: EVIL, authorization: 'Bearer srt_not-a-real-token' });
    expect([r.status, r.json?.error?.code]).toEqual([403, 'csrf_failed']);
  });

  it('nor an auth.token on the socket handshake that is no token (it becomes a bearer header)', async () => {
    const socket = connect(stack.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: 'whatever' },
      extraHeaders: { cookie: buyerCookie, origin: EVIL },
    });
    await expect(connected(socket)).rejects.toThrow(/csrf_failed/);
    socket.disconnect();
  });

  it('a real bearer token still needs no Origin check (the cookie is not what authenticates)', async () => {
    const r = await createEvent(api, { origin: EVIL, authorization: `Bearer ${admin.token}` });
    expect(r.status).toBe(201);
  });
});

describe('CSRF: X-Forwarded-Host only from a configured proxy', () => {
  it('ignores X-Forwarded-Host equal to the foreign Origin when no proxy is configured', async () => {
    const host = { origin: EVIL, 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    const staff = await createEvent(api, host);
    expect([staff.status, staff.json?.error?.code]).toEqual([403, 'csrf_failed']);
    const buyer = await hold(api, host);
    expect([buyer.status, buyer.json?.error?.code]).toEqual([403, 'csrf_failed']);
    // The socket handshake (a browser's websocket sends its page's Origin).
    const socket = connect(stack.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: buyerCookie, ...host },
    });
    await expect(connected(socket)).rejects.toThrow(/csrf_failed/);
    socket.disconnect();
  });

  describe('with TRUST_PROXY naming the proxy', () => {
    let trusting: ExtraNode;
    let elsewhere: ExtraNode;
    const node = (trust: string) =>
      startExtraNode({
        config: testConfig({
          DATABASE_URL: stack.config.databaseUrl,
          REDIS_PREFIX: stack.config.redisPrefix,
          TRUST_PROXY: trust,
        }),
      });
    beforeAll(async () => {
      trusting = await node('loopback');
      elsewhere = await node('10.9.9.9');
    });
    afterAll(async () => {
      await trusting?.close();
      await elsewhere?.close();
    });

    it('believes X-Forwarded-Host from that proxy (here: loopback)', async () => {
      const r = await createEvent(apiClient(trusting.url), {
        origin: 'http://shop.example:8080',
        'x-forwarded-host': 'shop.example:8080',
      });
      expect(r.status, r.text).toBe(201);
    });

    it('ignores it from any other peer', async () => {
      const r = await createEvent(apiClient(elsewhere.url), {
        origin: 'http://shop.example:8080',
        'x-forwarded-host': 'shop.example:8080',
      });
      expect([r.status, r.json?.error?.code]).toEqual([403, 'csrf_failed']);
    });
  });
});
