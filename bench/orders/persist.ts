/**
 * bench/orders/persist.ts — the worker's own CPU per persisted order, without Redis, the relay or the load
 * generator: `persistHolds` writes batches of hold records straight into a fresh database, and this process's CPU
 * time (user + system, from `process.cpuUsage()`) is divided by the orders written. PostgreSQL's own work is in its
 * own processes and not counted; the wall time per batch is printed beside it.
 *
 *   pnpm exec tsx bench/orders/persist.ts [--batches 40] [--batch 500] [--rounds 3] [--db seatrush_bench_persist]
 *                                         [--profile FILE.cpuprofile]   (a V8 CPU profile of the measured rounds)
 *
 * Each round writes `--batches` new batches (half seat holds, half GA holds of 1–2, as bench/orders/run.ts makes
 * them), then writes the last batch again (every order exists: the duplicate path). Run it in two checkouts in
 * turn to compare them; the figures of one run are comparable with each other only.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createPrisma } from '../../apps/server/src/db/prisma.ts';
import type { HoldRecord } from '../../apps/server/src/domain/hold.ts';
import { persistHolds } from '../../apps/server/src/orders/persist.ts';
import { freshDatabase, showtime } from './fixtures.ts';

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '40' },
    batch: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    db: { type: 'string', default: 'seatrush_bench_persist' },
    profile: { type: 'string' },
  },
});
const BATCHES = Number(args.batches);
const BATCH = Number(args.batch);
const ROUNDS = Number(args.rounds);
const log = (s: string) => process.stdout.write(`${s}\n`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function main(): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(args.db))
    throw new Error(`--db ${args.db}: lower-case letters, digits and _ only`);
  const holdsNeeded = BATCHES * BATCH * ROUNDS;
  const url = await freshDatabase(args.db);
  const prisma = createPrisma(url, 4);
  // No seat rows: an order item names its seat by label, and nothing refers to the Seat table.
  const st = await showtime(prisma, { rows: 0, seatsPerRow: 0, ga: holdsNeeded * 2, ttl: 900 });
  const buyer = await prisma.buyer.create({ data: { email: `bench-persist-${Date.now()}@example.test` } });
  let n = 0;
  const makeHold = (): HoldRecord => {
    const i = n++;
    const now = Date.now();
    const items: HoldRecord['items'] =
      i % 2 === 0
        ? [{ kind: 'seat', seat: `S-${i}`, category: 'std', priceCents: 5900 }]
        : [
            {
              kind: 'ga',
              zone: 'ga',
              category: 'floor',
              priceCents: 4900,
              quantity: 1 + (i % 3 === 0 ? 1 : 0),
            },
          ];
    const total = items.reduce((t, it) => t + it.priceCents * (it.kind === 'ga' ? it.quantity : 1), 0);
    return {
      id: `${st.id}.${randomBytes(9).toString('base64url')}`,
      showtimeId: st.id,
      tokenHash: randomBytes(32).toString('hex'),
      buyerId: buyer.id,
      requestId: `p${i}`,
      items,
      totalCents: total,
      currency: 'EUR',
      expiresAt: now + 900_000,
      extended: false,
      createdAt: now,
      status: 'held',
    };
  };
  log(
    `bench/orders/persist: ${ROUNDS} rounds of ${BATCHES} batches of ${BATCH} holds; load average ${load()}`,
  );
  // One warm-up batch: JIT, the pool's connections, the prepared statement.
  await persistHolds(prisma, Array.from({ length: BATCH }, makeHold), { now: Date.now() });
  const inspector = args.profile ? new Session() : null;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
  }
  for (let r = 1; r <= ROUNDS; r++) {
    const batches = Array.from({ length: BATCHES }, () => Array.from({ length: BATCH }, makeHold));
    if (inspector) await inspector.post('Profiler.start');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let created = 0;
    for (const b of batches)
      for (const o of await persistHolds(prisma, b, { now: Date.now() })) if (o.created) created++;
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - t0;
    const last = batches[batches.length - 1]!;
    const dcpu0 = process.cpuUsage();
    const d0 = performance.now();
    const again = await persistHolds(prisma, last, { now: Date.now() });
    const dcpu = process.cpuUsage(dcpu0);
    const dwall = performance.now() - d0;
    if (inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(`${args.profile}.${r}`, JSON.stringify(profile));
    }
    if (created !== BATCHES * BATCH || again.some((o) => o.created))
      throw new Error(`round ${r}: ${created} created, ${again.filter((o) => o.created).length} doubled`);
    log(
      `  round ${r}: ${((cpu.user + cpu.system) / created).toFixed(1)} µs CPU per order, ` +
        `${(wall / BATCHES).toFixed(1)} ms wall per batch; duplicate batch ${((dcpu.user + dcpu.system) / BATCH).toFixed(1)} µs CPU ` +
        `per order, ${dwall.toFixed(1)} ms; load ${load()}`,
    );
  }
  await prisma.$disconnect();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/orders/persist failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
