import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../observability/metrics.ts';
import { createFastPath, type FastPathDeps } from './fast-path.ts';

/**
 * The hot path answers a store outage like Express does (issue 14, finding 1): `503 unavailable` with
 * `Retry-After`, not `500 internal`. The errors are the shapes ioredis and Prisma really throw (see
 * test/outage-errors.int.test.ts, which catches them from real clients).
 */

let server: Server | null = null;
afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r));
  server = null;
});

const redisDown = Object.assign(new Error('Reached the max retries per request limit (which is 0).'), {
  name: 'MaxRetriesPerRequestError',
});
const postgresDown = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), {
  name: 'PrismaClientKnownRequestError',
  code: 'P1001',
});

async function start(fail: Error, buyer = true): Promise<string> {
  const holds = {
    availability: { json: () => Promise.reject(fail) },
    holdSeats: { place: () => Promise.reject(fail) },
  } as unknown as FastPathDeps['holds'];
  const fastPath = createFastPath({
    holds,
    resolveBuyer: () => (buyer ? { kind: 'buyer', buyerId: 'b1', email: 'b@example.test' } : null),
    checkCsrf: () => {},
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    trustProxy: () => false,
  });
  server = createServer((req, res) => {
    if (!fastPath(req, res)) res.writeHead(404).end();
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('fast path during an outage', () => {
  it('availability while Redis is down: 503 unavailable + Retry-After', async () => {
    const url = await start(redisDown);
    const r = await fetch(`${url}/api/showtimes/st_1/availability`);
    expect(r.status).toBe(503);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await r.json()) as { error: { code: string } };
    expect(body.error.code).toBe('unavailable');
  });

  it('a hold while PostgreSQL is down: 503 unavailable + Retry-After', async () => {
    const url = await start(postgresDown);
    const r = await fetch(`${url}/api/showtimes/st_1/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' },
      body: JSON.stringify({ seats: ['A-1-1'] }),
    });
    expect(r.status).toBe(503);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await r.json()) as { error: { code: string } };
    expect(body.error.code).toBe('unavailable');
  });

  it('still answers a bug as 500 internal', async () => {
    const url = await start(new TypeError('x is undefined'));
    const r = await fetch(`${url}/api/showtimes/st_1/availability`);
    expect(r.status).toBe(500);
    expect(r.headers.get('retry-after')).toBeNull();
  });
});
