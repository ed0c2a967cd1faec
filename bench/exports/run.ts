/**
 * bench/exports — memory of a streamed CSV export (issue 16: "a CSV of 100,000 tickets streamed with bounded
 * memory").
 *
 *   pnpm exec tsx --expose-gc bench/exports/run.ts [--rows 100000] [--small 10000] [--rate 4M] [--json]
 *
 * A fresh database (`seatrush_bench_exports`, re-created and migrated) with one showtime. This process serves the
 * tickets export the way the route does (`exportShowtimeCsv` through `backpressuredWriter`, on a plain HTTP server)
 * and `curl --limit-rate` downloads it, so the reader is slower than PostgreSQL and backpressure has to hold the
 * rows back. Memory (RSS and V8 heap) of this process is sampled every 20 ms; the figures are the peak minus the
 * reading just before the download; "live heap" is the heap right after a forced GC (run with --expose-gc), taken
 * every 10 pages, which is what the export actually keeps. Three runs:
 *   1. streamed, `--small` tickets;  2. streamed, `--rows` tickets (the same showtime, topped up);
 *   3. for contrast, the same `--rows` rows read in one query and written as one string (what a naive export does).
 * Bounded means run 2's peak stays near run 1's although it has 10× the rows, and far below run 3's.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { createPrisma, type PrismaClient } from '../../apps/server/src/db/prisma.ts';
import { exportShowtimeCsv } from '../../apps/server/src/application/exports/showtime-export.ts';
import { backpressuredWriter } from '../../apps/server/src/http/exports.ts';
import { seedSoldTickets } from '../../apps/server/test/support/export-fixtures.ts';
import { csvRow } from '../../apps/server/src/application/exports/csv.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const requireFromServer = createRequire(path.join(REPO, 'apps/server/package.json'));
type PgModule = typeof import('../../apps/server/node_modules/@types/pg/index.js');
const pg = requireFromServer('pg') as PgModule;

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    small: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '4M' },
    json: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const SMALL = Number(args.small);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = 'seatrush_bench_exports';
const log = (s: string) => process.stdout.write(`${s}\n`);

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function freshDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  const { applyMigrations } = await import('../../prisma/migrate.ts');
  await applyMigrations(dbUrl(DB));
  return dbUrl(DB);
}

async function dropDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
}

async function showtime(prisma: PrismaClient, capacity: number): Promise<string> {
  const tag = randomBytes(4).toString('hex');
  const venue = await prisma.venue.create({
    data: {
      slug: `bench-exports-${tag}`,
      name: `Bench exports ${tag}`,
      seatMap: {},
      categories: { create: [{ key: 'floor', name: 'Floor', color: '#cc3366' }] },
      gaZones: { create: [{ key: 'ga', name: 'Floor', capacity, category: 'floor' }] },
    },
  });
  const event = await prisma.event.create({ data: { slug: `bench-exports-${tag}`, name: 'Bench exports' } });
  const st = await prisma.showtime.create({
    data: {
      eventId: event.id,
      venueId: venue.id,
      startsAt: new Date(Date.now() + 30 * 86_400_000),
      saleOpensAt: new Date(Date.now() - 60_000),
      saleClosesAt: new Date(Date.now() + 29 * 86_400_000),
      saleState: 'on_sale',
      prices: { create: [{ category: 'floor', priceCents: 4900 }] },
      zones: { create: [{ zoneKey: 'ga', capacity }] },
    },
  });
  return st.id;
}

interface Run {
  mode: 'streamed' | 'buffered';
  rows: number;
  bytes: number;
  seconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  /** Largest heap right after a forced GC, taken every 10 pages (streamed) or with all rows read (buffered). */
  liveHeapMb: number;
}

const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;

/** Serves one export on a fresh port, downloads it with curl at `--rate`, and samples memory meanwhile. */
async function measure(prisma: PrismaClient, showtimeId: string, mode: Run['mode']): Promise<Run> {
  let rows = 0;
  let liveHeap = 0;
  const live = () => {
    global.gc?.();
    liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    const done = (err?: unknown) => {
      if (err) {
        log(`export failed: ${err instanceof Error ? err.message : 'unknown error'}`);
        res.destroy();
      } else res.end();
    };
    if (mode === 'streamed') {
      const write = backpressuredWriter(res);
      let chunks = 0;
      const sampled = async (chunk: string) => {
        if (++chunks % 10 === 0) live();
        await write(chunk);
      };
      exportShowtimeCsv(prisma, showtimeId, 'tickets', sampled).then((n) => {
        rows = n;
        done();
      }, done);
    } else {
      // The naive way: every row in memory, then the whole file as one string.
      prisma
        .$queryRawUnsafe<Array<Record<string, unknown>>>(
          `SELECT i."ticketCode", o.code, o.status::text AS s, i.status::text AS t, i."seatLabel", i."zoneKey",
                  i.category, i."priceCents", o.currency, b.email, o."paidAt"
           FROM "OrderItem" i JOIN "Order" o ON o.id = i."orderId" JOIN "Buyer" b ON b.id = o."buyerId"
           WHERE i."showtimeId" = $1 ORDER BY o."createdAt", o.id, i.id`,
          showtimeId,
        )
        .then((all) => {
          rows = all.length;
          live();
          res.write(all.map((r) => csvRow(Object.values(r) as never[])).join(''));
          done();
        }, done);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const started = performance.now();
  const bytes = await new Promise<number>((resolve, reject) => {
    const curl = spawn('curl', [
      '-sS',
      '--limit-rate',
      args.rate,
      '-o',
      '/dev/null',
      '-w',
      '%{size_download}',
      `http://127.0.0.1:${port}/`,
    ]);
    let out = '';
    curl.stdout.on('data', (d: Buffer) => (out += d.toString()));
    curl.on('error', reject);
    curl.on('close', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`curl exited ${code}`)),
    );
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await new Promise<void>((r) => server.close(() => r()));
  return {
    mode,
    rows,
    bytes,
    seconds: Math.round(seconds * 10) / 10,
    peakRssMb: mb(peakRss - base.rss),
    peakHeapMb: mb(peakHeap - base.heapUsed),
    // Without --expose-gc there is no forced collection, so no "live" figure to give.
    liveHeapMb: global.gc ? mb(liveHeap - base.heapUsed) : Number.NaN,
  };
}

async function main(): Promise<void> {
  const url = await freshDatabase();
  const prisma = createPrisma(url, 4);
  try {
    const st = await showtime(prisma, ROWS);
    await seedSoldTickets(prisma, st, SMALL, { category: 'floor' });
    const runs: Run[] = [];
    runs.push(await measure(prisma, st, 'streamed'));
    await seedSoldTickets(prisma, st, ROWS - SMALL, { category: 'floor' });
    runs.push(await measure(prisma, st, 'streamed'));
    runs.push(await measure(prisma, st, 'buffered'));
    if (args.json) log(JSON.stringify({ cpus: cpus().length, load: loadavg()[0], runs }));
    else {
      log(
        `machine: ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}; curl --limit-rate ${args.rate}`,
      );
      log(
        '| mode | rows | MB sent | seconds | peak RSS growth | peak heap growth | live heap growth (after GC) |',
      );
      log('|---|---|---|---|---|---|---|');
      for (const r of runs)
        log(
          `| ${r.mode} | ${r.rows.toLocaleString('en')} | ${mb(r.bytes)} | ${r.seconds} | ${r.peakRssMb} MB | ${r.peakHeapMb} MB | ${r.liveHeapMb} MB |`,
        );
    }
  } finally {
    await prisma.$disconnect();
    await dropDatabase();
  }
}

await main();
