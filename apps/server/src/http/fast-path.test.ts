import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.ts';
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

describe('the queue join on the fast path', () => {
  async function startJoin(
    join: NonNullable<FastPathDeps['queue']>['room']['join'],
    limit: NonNullable<FastPathDeps['queue']>['limit'] = () => Promise.resolve(null),
  ): Promise<string> {
    const fastPath = createFastPath({
      holds: {} as FastPathDeps['holds'],
      resolveBuyer: () => ({ kind: 'buyer', buyerId: 'b1', email: 'b@example.test' }),
      checkCsrf: () => {},
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(),
      trustProxy: () => false,
      queue: { room: { join }, limit },
    });
    server = createServer((req, res) => {
      if (!fastPath(req, res)) res.writeHead(404).end();
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }
  const post = (url: string, body = '{}') =>
    fetch(`${url}/api/showtimes/st_1/queue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'rid-7' },
      body,
    });

  it('passes the buyer, the showtime and the challenge to the use case, and answers its status', async () => {
    const calls: unknown[] = [];
    const url = await startJoin((showtimeId, buyerId, opts) => {
      calls.push([showtimeId, buyerId, opts]);
      return Promise.resolve({ showtimeId, status: 'waiting' } as never);
    });
    const r = await post(url, JSON.stringify({ challenge: 'abc' }));
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toBe('rid-7');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.json()).toEqual({ showtimeId: 'st_1', status: 'waiting' });
    expect(calls).toEqual([['st_1', 'b1', { challenge: 'abc' }]]);
  });

  it('answers the rate limit with 429 and Retry-After before validating the body', async () => {
    const url = await startJoin(
      () => Promise.reject(new Error('not reached')),
      () => Promise.resolve(new DomainError('rate_limited', 'Too many attempts.', { retryAfterSeconds: 42 })),
    );
    const r = await post(url, '{"nope":1}');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('42');
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('maps a Redis outage during the join to 503 unavailable + Retry-After', async () => {
    const url = await startJoin(() => Promise.reject(redisDown));
    const r = await post(url);
    expect(r.status).toBe(503);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
