import { spawn, type ChildProcess } from 'node:child_process';
import { showtimeKeys } from '../src/inventory/keys.ts';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExtraNode, startTestStack, type ExtraNode, type TestStack } from './support/env.ts';
import { ordersSettled, ordersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';

/**
 * Failure recovery of order persistence: a hold whose outbox entry never reached the relay, and a worker
 * process killed with SIGKILL in the middle of persisting batches. Both must end with exactly one order per
 * hold — none lost, none doubled.
 */
let stack: TestStack;
const extra: ExtraNode[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  // Web role only: nothing relays or persists until a test starts a worker.
  stack = await startTestStack({
    worker: false,
    env: { ORDER_RECONCILE_AFTER_MS: '1000', ORDER_JOB_LOCK_MS: '2000', ORDER_BATCH_SIZE: '200' },
  });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const n of extra) await n.close();
  await stack?.close();
});

const prisma = () => stack.container.prisma;

describe('order persistence recovers', () => {
  it('a hold whose outbox entry was lost (crash between hold and enqueue) still gets its order, via the reconciler', async () => {
    const w = await ordersWorld(stack, { holdTtlSeconds: 60, buyers: 1 });
    const h = await w.inv.hold(w.f.showtimeId, {
      buyerId: w.buyers[0]!.id,
      requestId: 'lost',
      seats: ['A-1-1'],
    });
    const outbox = showtimeKeys(w.stack.config.redisPrefix, w.f.showtimeId).outbox;
    const entries = await stack.container.redis.xrange(outbox, '-', '+');
    expect(entries.some(([, f]) => f.includes(h.holdId))).toBe(true);
    // The crash: the entry is gone before any relay saw it.
    await stack.container.redis.del(outbox);

    const worker = await startExtraNode(stack, { web: false, worker: true });
    extra.push(worker);
    const o = await waitFor(
      () => prisma().order.findUnique({ where: { holdId: h.holdId } }),
      60_000,
      'reconciled order',
    );
    expect(o.status).toBe('PENDING');
    expect(await prisma().order.count({ where: { holdId: h.holdId } })).toBe(1);
    await worker.close();
    extra.splice(extra.indexOf(worker), 1);
  });

  it('a worker process killed mid-batch loses and doubles no order', async () => {
    const seats = 400;
    const w = await ordersWorld(stack, {
      holdTtlSeconds: 900,
      buyers: 1,
      sections: [{ key: 'A', rows: 20, seatsPerRow: 20, category: 'std' }],
      gaZones: [{ key: 'ga', capacity: 10_000, category: 'ga' }],
    });
    const serverDir = fileURLToPath(new URL('..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', 'worker'], {
      cwd: serverDir,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        DATABASE_URL: stack.config.databaseUrl,
        REDIS_URL: stack.config.redisUrl,
        REDIS_PREFIX: stack.config.redisPrefix,
        ORDER_JOB_LOCK_MS: '2000',
        ORDER_BATCH_SIZE: '200',
        ORDER_RECONCILE_AFTER_MS: '1000',
        PORT: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));

    // Holds keep coming while the worker persists them.
    const buyerId = w.buyers[0]!.id;
    const holdIds: string[] = [];
    let tickets = 0;
    let gaUnits = 0;
    const makeHolds = async (from: number, to: number) => {
      const jobs: Array<Promise<void>> = [];
      for (let i = from; i < to; i++) {
        const ask = i < seats ? { seats: [w.f.seatLabels[i]!] } : { zone: 'ga', quantity: 1 + (i % 3) };
        jobs.push(
          w.inv.hold(w.f.showtimeId, { buyerId, requestId: `k${i}`, ...ask }).then((h) => {
            holdIds.push(h.holdId);
            const n = 'seats' in ask ? 1 : ask.quantity;
            tickets += n;
            if (!('seats' in ask)) gaUnits += n;
          }),
        );
        if (jobs.length >= 100) await Promise.all(jobs.splice(0));
      }
      await Promise.all(jobs);
    };
    await makeHolds(0, 1500);
    const total = 3000;
    const rest = makeHolds(1500, total);
    // Kill it while a batch is being written: its INSERT is running in PostgreSQL right now.
    await waitFor(
      async () => (await prisma().order.count({ where: { showtimeId: w.f.showtimeId } })) >= 200,
      60_000,
      `worker progress ${stderr}`,
    );
    const midBatch = await waitFor(
      async () => {
        const rows = await prisma().$queryRaw<Array<{ n: number }>>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND query LIKE '%INSERT INTO "Order"%'
            AND pid <> pg_backend_pid()`;
        return (rows[0]?.n ?? 0) > 0;
      },
      30_000,
      'a batch being written',
    ).catch(() => false);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await rest;
    const atKill = await prisma().order.count({ where: { showtimeId: w.f.showtimeId } });
    expect(atKill).toBeLessThan(total);
    console.log(
      `killed the worker with ${atKill}/${total} orders written, ${midBatch ? 'during' : 'between'} batches`,
    );

    // A new worker takes over: stalled jobs after their lock, pending outbox entries after the claim delay.
    const worker = await startExtraNode(stack, { web: false, worker: true });
    extra.push(worker);
    await waitFor(
      async () => (await prisma().order.count({ where: { showtimeId: w.f.showtimeId } })) >= total,
      90_000,
      'every order',
    );
    // Stalled jobs retried, outbox drained: anything doubled would be written by now.
    await ordersSettled(w, undefined, 60_000);
    const orders = await prisma().order.findMany({
      where: { showtimeId: w.f.showtimeId },
      select: { holdId: true, status: true },
    });
    expect(orders).toHaveLength(total);
    expect(new Set(orders.map((o) => o.holdId))).toEqual(new Set(holdIds));
    expect(orders.every((o) => o.status === 'PENDING')).toBe(true);
    expect(await prisma().orderItem.count({ where: { showtimeId: w.f.showtimeId } })).toBe(tickets);
    expect(await prisma().seatClaim.count({ where: { showtimeId: w.f.showtimeId } })).toBe(seats);
    const zone = await prisma().zoneInventory.findUniqueOrThrow({
      where: { showtimeId_zoneKey: { showtimeId: w.f.showtimeId, zoneKey: 'ga' } },
    });
    expect(zone.claimed).toBe(gaUnits);
  });
});
