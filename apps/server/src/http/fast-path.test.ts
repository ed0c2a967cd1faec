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

describe('prepared answers (issue 20: one header list per answer, filled in per request)', () => {
  async function startPrepared(availabilityText: () => string): Promise<string> {
    const soldOut = new DomainError('sold_out', undefined, { zone: 'ga', available: 0 });
    const holds = {
      availability: { json: () => Promise.resolve(availabilityText()) },
      holdSeats: { place: () => soldOut },
    } as unknown as FastPathDeps['holds'];
    const fastPath = createFastPath({
      holds,
      resolveBuyer: () => ({ kind: 'buyer', buyerId: 'b1', email: 'b@example.test' }),
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

  it('answers every sold-out request with its own request id and the same bytes', async () => {
    const url = await startPrepared(() => '{}');
    const hold = (requestId?: string) =>
      fetch(`${url}/api/showtimes/st_1/holds`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': 'k1',
          ...(requestId ? { 'x-request-id': requestId } : {}),
        },
        body: '{"zone":"ga","quantity":1}',
      });
    const answers = [await hold('rid-a'), await hold(), await hold('rid-b'), await hold()];
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    expect(ids[0]).toBe('rid-a');
    expect(ids[2]).toBe('rid-b');
    expect(ids[1]).toMatch(/^.+-\d+$/);
    expect(ids[3]).toMatch(/^.+-\d+$/);
    expect(ids[1]).not.toBe(ids[3]);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    for (const [i, r] of answers.entries()) {
      expect(r.status).toBe(409);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(JSON.parse(bodies[i]!)).toMatchObject({ ok: false, error: { code: 'sold_out' } });
      expect(bodies[i]).toBe(bodies[0]);
    }
  });

  it('serves the availability text the use case gives, re-encoded when it changes (byte length, not characters)', async () => {
    let text = '{"version":1,"zones":{"ga":{"available":3}}}';
    const url = await startPrepared(() => text);
    const read = async (query = '') => {
      const r = await fetch(`${url}/api/showtimes/st_1/availability${query}`);
      return { status: r.status, length: r.headers.get('content-length'), body: await r.text() };
    };
    expect(await read()).toEqual({ status: 200, length: String(text.length), body: text });
    expect(await read('?seatLabels=false')).toMatchObject({ body: text });
    text = '{"version":2,"zones":{"ga":{"available":2}},"name":"Café ☕"}';
    expect(await read()).toEqual({ status: 200, length: String(Buffer.byteLength(text)), body: text });
    expect(await read('?seatLabels=false')).toMatchObject({ body: text });
    // A query the schema refuses is still refused, every time (only valid spellings are remembered).
    expect((await read('?seatLabels=maybe')).status).toBe(400);
    expect((await read('?seatLabels=maybe')).status).toBe(400);
  });
});
