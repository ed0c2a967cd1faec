/**
 * bench/orders — the order pipeline under a flash sale.
 *
 *   pnpm exec tsx bench/orders/run.ts [--rate 5000] [--seconds 10] [--workers 1] [--expiry-rate 1000]
 *                                     [--expiry-seconds 5] [--ttl 5] [--nice=-10] [--monitor] [--json]
 *                                     [--db seatrush_bench_orders]
 *   (WORKER_LOG=debug logs every batch of the workers; WORKER_PROF=1 writes their CPU profiles to /tmp/prof,
 *   WORKER_PROF=<dir> to that directory)
 *
 * A fresh database (`seatrush_bench_orders`, re-created) and Redis prefix; worker processes of the real build
 * (`src/main.ts --role worker`); holds made by this process through `inventory.hold()` at a fixed rate.
 *
 * 1. hold → order row: `--rate` holds/s for `--seconds` on a showtime with 25,000 seats and a 200,000-place GA
 *    zone (half seat holds, half GA holds of 1–2). Two measures:
 *      visible  — a 2 % sample of holds is polled every 20 ms until its order row is visible (committed);
 *      inserted — every order's insert time (clock_timestamp() in the batch transaction) minus its hold time.
 *    Target: p99 < 1 s.
 * 2. expiry lateness: `--expiry-rate` holds/s for `--expiry-seconds` on a showtime whose holds last `--ttl` s,
 *    then no traffic, so only the payment-window machinery (delayed jobs, sweeper) can end them. Two measures:
 *      back on sale — when the expire script ended the hold (the inventory's `ended` tombstone score) minus the
 *                     deadline;
 *      EXPIRED row  — when the order became EXPIRED in PostgreSQL minus the deadline.
 *    Target: p99 <= 1 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpus, loadavg, setPriority } from 'node:os';
import { createPrisma } from '../../apps/server/src/db/prisma.ts';
import { createRedis } from '../../apps/server/src/db/redis.ts';
import { createLogger } from '../../apps/server/src/observability/logger.ts';
import { createInventory, type Inventory } from '../../apps/server/src/inventory/inventory.ts';
import { showtimeKeys } from '../../apps/server/src/inventory/keys.ts';
import { deletePrefix } from '../lib/redis-prefix.ts';
import { freshDatabase, showtime } from './fixtures.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    workers: { type: 'string', default: '1' },
    'expiry-rate': { type: 'string', default: '1000' },
    'expiry-seconds': { type: 'string', default: '5' },
    ttl: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    /** Print the pipeline's backlog (outbox, queue, orders) every second. */
    monitor: { type: 'boolean', default: false },
    /** Scheduling priority of this process and its workers (e.g. -10 on a machine shared with other work). */
    nice: { type: 'string' },
    /** The database this run re-creates (two checkouts benchmarked side by side need one each). */
    db: { type: 'string', default: 'seatrush_bench_orders' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const WORKERS = Number(args.workers);
const EXPIRY_RATE = Number(args['expiry-rate']);
const EXPIRY_SECONDS = Number(args['expiry-seconds']);
const TTL = Number(args.ttl);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (s: string) => process.stdout.write(`${s}\n`);

const NICE = args.nice === undefined ? undefined : Number(args.nice);

function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.WORKER_PROF
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${process.env.WORKER_PROF === '1' ? '/tmp/prof' : process.env.WORKER_PROF}`,
          ]
        : []),
      '--import',
      'tsx',
      'src/main.ts',
      '--role',
      'worker',
    ],
    {
      cwd: path.join(REPO, 'apps/server'),
      env: { ...process.env, ...env },
      stdio: ['ignore', process.env.WORKER_LOG ? 'inherit' : 'ignore', 'inherit'],
    },
  );
  return child;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const summary = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: pct(xs, 100) });
const ms = (x: number) => (Number.isNaN(x) ? '—' : `${Math.round(x)} ms`);

/** Calls `fn(i)` `rate` times a second for `seconds`, never more than `maxInFlight` at once. */
async function paced(
  rate: number,
  seconds: number,
  fn: (i: number) => Promise<void>,
  maxInFlight = 2000,
): Promise<{ sent: number; elapsed: number }> {
  const total = Math.round(rate * seconds);
  const start = Date.now();
  let sent = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate) + 1);
    while (sent < due && inFlight < maxInFlight) {
      const i = sent++;
      inFlight++;
      const p = fn(i).finally(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(pending);
  return { sent, elapsed: (Date.now() - start) / 1000 };
}

async function main(): Promise<void> {
  if (NICE !== undefined) setPriority(process.pid, NICE);
  const dbName = args.db;
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName))
    throw new Error(`--db ${dbName}: lower-case letters, digits and _ only`);
  const prefix = `bo${randomBytes(3).toString('hex')}`;
  log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  log(
    `bench/orders: rate ${RATE}/s × ${SECONDS} s, ${WORKERS} worker process(es); expiry ${EXPIRY_RATE}/s × ${EXPIRY_SECONDS} s, TTL ${TTL} s`,
  );
  const url = await freshDatabase(dbName);
  const prisma = createPrisma(url, 4);
  const redis = createRedis(REDIS_URL);
  const inv: Inventory = createInventory({
    redis,
    prisma,
    prefix,
    logger: createLogger({ logLevel: 'warn' }),
  });
  const tickets = Math.ceil(RATE * SECONDS);
  const big = await showtime(prisma, {
    rows: 100,
    seatsPerRow: Math.max(50, Math.ceil(tickets / 2 / 100)),
    ga: tickets * 2,
    ttl: 900,
  });
  const short = await showtime(prisma, {
    rows: 0,
    seatsPerRow: 0,
    ga: Math.ceil(EXPIRY_RATE * EXPIRY_SECONDS) + 10,
    ttl: TTL,
  });
  const buyer = await prisma.buyer.create({ data: { email: `bench-${prefix}@example.test` } });
  await inv.load(big.id);
  await inv.load(short.id);

  const benchSecrets = {
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    TICKET_SIGNING_SECRET: randomBytes(32).toString('base64url'),
    PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  };
  const workers = Array.from({ length: WORKERS }, () =>
    startWorker({
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.WORKER_LOG ?? 'warn',
      DATABASE_URL: url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      // This run's own secrets (production refuses ones written in the source), shared by all its workers.
      ...benchSecrets,
      PAYMENT_PROVIDER: 'sandbox',
      PORT: '0',
      // Production mode serves /metrics on 9464 unless told otherwise: another process may have it.
      METRICS_PORT: process.env.METRICS_PORT ?? '0',
      ...(process.env.EXPIRY_SWEEP_INTERVAL_MS
        ? { EXPIRY_SWEEP_INTERVAL_MS: process.env.EXPIRY_SWEEP_INTERVAL_MS }
        : {}),
    }),
  );
  const stop = () => workers.forEach((w) => w.exitCode === null && w.kill('SIGTERM'));
  process.on('exit', stop);
  // Ready when the workers made their consumer group on the outbox.
  const outbox = showtimeKeys(prefix, big.id).outbox;
  const until = Date.now() + 60_000;
  for (;;) {
    const groups = (await redis.xinfo('GROUPS', outbox).catch(() => [])) as unknown[];
    if (groups.length > 0) break;
    if (Date.now() > until) throw new Error('workers did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1000));

  let monitoring = args.monitor;
  const monitor = (async () => {
    const { Queue } = await import('../../apps/server/node_modules/bullmq/dist/esm/index.js');
    const q = new Queue('orders', { connection: redis, prefix: `${prefix}:{q:orders}` });
    const started = Date.now();
    while (monitoring) {
      const [xlen, counts, orders] = await Promise.all([
        redis.xlen(outbox),
        q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed'),
        prisma.order.count({ where: { showtimeId: big.id } }),
      ]);
      log(
        `  t=${((Date.now() - started) / 1000).toFixed(1)}s outbox ${xlen} orders-queue ${JSON.stringify(counts)} order rows ${orders}`,
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
    await q.close();
  })();

  // ---- 1. hold → order row ----
  const holdAt = new Map<string, number>();
  const sample = new Map<string, number>();
  const visible: number[] = [];
  let failures = 0;
  let polling = true;
  let pollDeadline = Infinity;
  const workerCpu0 = workers.reduce((n, w) => n + cpuMs(w.pid!), 0);
  const benchCpu0 = process.cpuUsage();
  const poller = (async () => {
    while (polling || sample.size > 0) {
      if (sample.size > 0) {
        const ids = [...sample.keys()];
        const rows = await prisma.order.findMany({
          where: { holdId: { in: ids } },
          select: { holdId: true },
        });
        const now = Date.now();
        for (const r of rows) {
          visible.push(now - sample.get(r.holdId)!);
          sample.delete(r.holdId);
        }
      }
      await new Promise((r) => setTimeout(r, 20));
      if (!polling && Date.now() > pollDeadline) break;
    }
  })();
  const load = await paced(RATE, SECONDS, async (i) => {
    const ask =
      i % 2 === 0 && i / 2 < big.seats.length
        ? { seats: [big.seats[i / 2]!] }
        : { zone: 'ga', quantity: 1 + (i % 3 === 0 ? 1 : 0) };
    const t = Date.now();
    try {
      const h = await inv.hold(big.id, { buyerId: buyer.id, requestId: `b${i}`, ...ask });
      holdAt.set(h.holdId, t);
      if (i % 50 === 0) sample.set(h.holdId, t);
    } catch {
      failures++;
    }
  });
  log(
    `  made ${holdAt.size} holds in ${load.elapsed.toFixed(2)} s (${Math.round(holdAt.size / load.elapsed)}/s), ${failures} failed`,
  );
  const waitUntil = Date.now() + 120_000;
  while (Date.now() < waitUntil) {
    if ((await prisma.order.count({ where: { showtimeId: big.id } })) >= holdAt.size) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  polling = false;
  monitoring = false;
  await monitor;
  pollDeadline = Date.now() + 5000;
  await poller;
  const workerCpu = workers.reduce((n, w) => n + cpuMs(w.pid!), 0) - workerCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  const rows = await prisma.order.findMany({
    where: { showtimeId: big.id },
    select: { holdId: true, createdAt: true },
  });
  const inserted = rows
    .map((r) => r.createdAt.getTime() - holdAt.get(r.holdId)!)
    .filter((x) => Number.isFinite(x));
  const holdToOrder = {
    orders: rows.length,
    holds: holdAt.size,
    visible: summary(visible),
    inserted: summary(inserted),
    workerCpuMsPer1000: (workerCpu / holdAt.size) * 1000,
    generatorCpuMsPer1000: ((benchCpu.user + benchCpu.system) / 1000 / holdAt.size) * 1000,
  };
  log(`  orders ${rows.length}/${holdAt.size}`);
  log(
    `  CPU per 1,000 holds: worker processes ${Math.round(holdToOrder.workerCpuMsPer1000)} ms, this process (holds + polling) ${Math.round(holdToOrder.generatorCpuMsPer1000)} ms`,
  );
  log(
    `  hold → order row visible (2% sample): p50 ${ms(holdToOrder.visible.p50)}, p99 ${ms(holdToOrder.visible.p99)}, max ${ms(holdToOrder.visible.max)}`,
  );
  log(
    `  hold → order row inserted (all):      p50 ${ms(holdToOrder.inserted.p50)}, p99 ${ms(holdToOrder.inserted.p99)}, max ${ms(holdToOrder.inserted.max)}`,
  );

  // ---- 2. expiry lateness ----
  const deadlines = new Map<string, number>();
  await paced(EXPIRY_RATE, EXPIRY_SECONDS, async (i) => {
    try {
      const h = await inv.hold(short.id, { buyerId: buyer.id, requestId: `e${i}`, zone: 'ga', quantity: 1 });
      deadlines.set(h.holdId, Date.parse(h.expiresAt));
    } catch {
      failures++;
    }
  });
  const lastDeadline = Math.max(...deadlines.values());
  const expUntil = lastDeadline + 60_000;
  // Done when every hold has its "expired" tombstone in the inventory and every order is EXPIRED.
  // The tombstones' scores say when each hold ended, which no read model gives: the bench reads them itself.
  const ended = showtimeKeys(prefix, short.id).ended;
  let expiredRows = 0;
  while (Date.now() < expUntil) {
    expiredRows = await prisma.order.count({ where: { showtimeId: short.id, status: 'EXPIRED' } });
    const tombstones = await redis.zcard(ended);
    if (expiredRows >= deadlines.size && tombstones >= deadlines.size) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const ids = [...deadlines.keys()];
  const backOnSale: number[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const scores = await redis.zmscore(ended, ...chunk.map((id) => `${id}|e`));
    chunk.forEach((id, k) => {
      const s = scores[k];
      if (s !== null && s !== undefined) backOnSale.push(Number(s) - deadlines.get(id)!);
    });
  }
  const expiredOrders = await prisma.order.findMany({
    where: { showtimeId: short.id, status: 'EXPIRED' },
    select: { holdId: true, updatedAt: true },
  });
  const rowLateness = expiredOrders.map((o) => o.updatedAt.getTime() - deadlines.get(o.holdId)!);
  const expiry = { holds: deadlines.size, backOnSale: summary(backOnSale), expiredRow: summary(rowLateness) };
  log(`  expired ${backOnSale.length}/${deadlines.size} holds; ${expiredRows} orders EXPIRED`);
  log(
    `  expiry lateness, seats back on sale: p50 ${ms(expiry.backOnSale.p50)}, p99 ${ms(expiry.backOnSale.p99)}, max ${ms(expiry.backOnSale.max)}`,
  );
  log(
    `  expiry lateness, order EXPIRED:      p50 ${ms(expiry.expiredRow.p50)}, p99 ${ms(expiry.expiredRow.p99)}, max ${ms(expiry.expiredRow.max)}`,
  );

  const ok =
    holdToOrder.orders === holdToOrder.holds &&
    holdToOrder.visible.p99 < 1000 &&
    expiry.backOnSale.p99 <= 1000;
  log(
    `  load average after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  log(
    `  targets: hold → order p99 < 1 s ${holdToOrder.visible.p99 < 1000 ? 'met' : 'MISSED'}; expiry p99 <= 1 s ${expiry.backOnSale.p99 <= 1000 ? 'met' : 'MISSED'}`,
  );
  if (args.json) log(JSON.stringify({ rate: RATE, seconds: SECONDS, workers: WORKERS, holdToOrder, expiry }));

  stop();
  await Promise.all(
    workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))),
  );
  await deletePrefix(redis, prefix);
  await prisma.$disconnect();
  redis.disconnect();
  process.exitCode = ok ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/orders failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
