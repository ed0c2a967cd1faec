import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '../src/db/prisma.ts';
import { isOutage, outageError } from '../src/db/outage.ts';
import { toDomainError } from '../src/http/errors.ts';
import { adminUrl } from './support/db.ts';
import { redisUrl } from './support/env.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 14, finding 1: what PostgreSQL and Redis failures really look like when they reach our code (caught from
 * real clients against a closed port, a server that hangs up, a terminated backend) — each is an outage, answered
 * `503 unavailable`; ordinary query errors are not.
 */

const caught = async (fn: () => Promise<unknown>): Promise<unknown> => {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
};

/** A TCP server that accepts and immediately hangs up (a store dying under its clients). */
let hangUp: Server;
let hangUpPort: number;
/** A port nothing listens on. */
let closedPort: number;

beforeAll(async () => {
  hangUp = createServer((s) => s.destroy()).listen(0, '127.0.0.1');
  await once(hangUp, 'listening');
  hangUpPort = (hangUp.address() as { port: number }).port;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
});
afterAll(() => new Promise((r) => hangUp.close(r)));

describe('PostgreSQL failures', () => {
  it('Prisma against a closed port (P1001 from a transaction, P2010 + DatabaseNotReachable from a raw query)', async () => {
    const prisma = createPrisma(`postgres://postgres@127.0.0.1:${closedPort}/x`);
    try {
      const tx = await caught(() => prisma.$transaction(async (t) => t.$queryRaw`select 1`));
      expect((tx as { code: string }).code).toBe('P1001');
      const raw = await caught(() => prisma.$queryRaw`select 1`);
      expect((raw as { code: string }).code).toBe('P2010');
      const model = await caught(() => prisma.buyer.findFirst());
      for (const e of [tx, raw, model]) {
        expect(isOutage(e)).toBe(true);
        expect(toDomainError(e)?.code).toBe('unavailable');
      }
    } finally {
      await prisma.$disconnect();
    }
  });

  it('pg when the server hangs up ("Connection terminated unexpectedly")', async () => {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${hangUpPort}/x` });
    const e = await caught(() => client.connect());
    expect((e as Error).message).toMatch(/Connection terminated/);
    expect(isOutage(e)).toBe(true);
  });

  it('a backend terminated mid-query (57P01, as at a PostgreSQL shutdown), through Prisma', async () => {
    const prisma = createPrisma(adminUrl(), 1);
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      const [{ pid }] = await prisma.$queryRaw<[{ pid: number }]>`select pg_backend_pid() as pid`;
      const sleeping = caught(() => prisma.$queryRaw`select pg_sleep(10)`);
      await waitFor(
        async () =>
          (
            await admin.query(
              `select 1 from pg_stat_activity where pid = $1 and state = 'active' and query like '%pg_sleep%'`,
              [pid],
            )
          ).rowCount === 1,
        5_000,
        'the query to be running',
      );
      await admin.query('select pg_terminate_backend($1)', [pid]);
      const e = await sleeping;
      expect(JSON.stringify((e as { meta?: unknown }).meta)).toContain('57P01');
      expect(outageError(e)?.code).toBe('unavailable');
      expect(outageError(e)?.details).toEqual({ retryAfterSeconds: expect.any(Number) as number });
    } finally {
      await admin.end();
      await prisma.$disconnect();
    }
  });

  it('is not an outage: a syntax error, a NUL byte in the query text (08P01), a unique violation', async () => {
    const prisma = createPrisma(adminUrl(), 1);
    try {
      const syntax = await caught(() => prisma.$queryRawUnsafe('selec 1'));
      const nul = await caught(() => prisma.$queryRawUnsafe("select 'a\u0000b'::text"));
      expect(JSON.stringify((nul as { meta?: unknown }).meta)).toContain('08P01');
      for (const e of [syntax, nul, new Error('boom'), { code: 'P2002' }]) expect(isOutage(e)).toBe(false);
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe('Redis failures', () => {
  it('ioredis: retries used up, offline queue off, connection closed, refused', async () => {
    const retries = new Redis(closedPort, '127.0.0.1', {
      maxRetriesPerRequest: 0,
      retryStrategy: () => 50,
      lazyConnect: false,
    });
    retries.on('error', () => {});
    const offline = new Redis(closedPort, '127.0.0.1', {
      enableOfflineQueue: false,
      retryStrategy: () => 50,
    });
    offline.on('error', () => {});
    const closed = new Redis(redisUrl(), { lazyConnect: true });
    try {
      const maxRetries = await caught(() => retries.get('k'));
      expect((maxRetries as Error).name).toBe('MaxRetriesPerRequestError');
      const notWritable = await caught(() => offline.get('k'));
      expect((notWritable as Error).message).toMatch(/Stream isn't writeable/);
      closed.disconnect();
      const isClosed = await caught(() => closed.get('k'));
      expect((isClosed as Error).message).toMatch(/Connection is closed/);
      const gone = new Redis(closedPort, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
      const emitted = once(gone, 'error');
      const refusedConnect = await caught(() => gone.connect());
      expect((refusedConnect as Error).message).toMatch(/Connection is closed/);
      const [refused] = (await emitted) as [Error & { code?: string }];
      expect(refused.code).toBe('ECONNREFUSED');
      for (const e of [maxRetries, notWritable, isClosed, refusedConnect, refused]) {
        expect(isOutage(e)).toBe(true);
        expect(toDomainError(e)?.code).toBe('unavailable');
      }
    } finally {
      retries.disconnect();
      offline.disconnect();
    }
  });

  it('is not an outage: a command error (WRONGTYPE, wrong number of arguments)', async () => {
    const r = new Redis(redisUrl());
    try {
      const args = await caught(() => r.call('hmget', 'only-a-key'));
      expect(isOutage(args)).toBe(false);
    } finally {
      r.disconnect();
    }
  });
});
