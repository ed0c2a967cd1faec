/**
 * bench/cluster — one hot GA showtime's hold script against one Redis and against a three-master Redis Cluster,
 * with its stock in K = 1, 4 and 16 buckets on K slots; the CPU each Redis process used.
 *
 *   pnpm exec tsx bench/cluster/run.ts      DATABASE_URL defaults to this machine's seatrush_bench database
 *                                           (created and migrated when missing). Redis: a redis-server and a
 *                                           3-master cluster of its own (ports 7320 and 7321–7323, or
 *                                           BENCH_CLUSTER_PORT=<first>), so each Redis process's CPU is this run's.
 *   --holds N      holds per measurement (default 50,000)
 *   --batch B      requests per script call in the batched rows (default 50, what a node sends in a rush)
 *   --k 1,4,16     bucket counts
 *
 * The measurement is bench/holds' script-level one (section 1 there): raw EVALSHA calls of hold-11+2n.lua, 256
 * calls in flight from this one process, each GA hold of 1 ticket by its own request id, first 1 request per
 * call (a quiet node) and then B per call (a node in a rush); then the same through `inventory.hold()`, which
 * batches what arrives while its calls are in flight (as a web node does).
 *
 * The showtime is one flash-sale showtime with the setting `gaBuckets` = K (docs/inventory.md, "GA buckets"): the
 * inventory's loader splits its 10⁷ tickets over K bucket slots, evenly spaced over the slot space (keys.ts
 * `bucketSlotIds`). The raw rows call the hold script on the buckets in turn; the `inventory.hold()` row goes
 * through the whole bucket path — the home bucket by request tag, batching per bucket, and the rollup of the
 * buckets onto the showtime's own slot (whose cost shows on that slot's master). The table prints how many buckets
 * landed on each master, and where the showtime's own slot is.
 *
 * What this machine can show: 2 cores run the three masters and this driver together, so the cluster's total rate
 * cannot exceed one Redis's by much. What it measures that carries over: the Redis CPU each hold costs on the
 * master that served it (µs per hold), hence one master's rate on a core of its own (10⁶ / µs per hold), and how
 * evenly K buckets spread the holds over the masters. bench/README.md has the projection for N masters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis as SingleRedis } from 'ioredis';
import { createPrisma } from '../../apps/server/src/db/prisma.ts';
import { connectRedis, createRedis, isCluster, type Redis } from '../../apps/server/src/db/redis.ts';
import { createInventory } from '../../apps/server/src/inventory/inventory.ts';
import { requestTag } from '../../apps/server/src/inventory/changes.ts';
import {
  bucketSlotIds,
  buyerHoldsKey,
  holdScriptKeys,
  idempotencyKey,
  changesChannel,
  showtimeKeys,
} from '../../apps/server/src/inventory/keys.ts';
import { runScript } from '../../apps/server/src/inventory/scripts.ts';
import { createLogger } from '../../apps/server/src/observability/logger.ts';
import { startOwnRedis, startRedisCluster } from '../../scripts/lib/redis.ts';
import { createFlashSale } from '../holds/fixtures.ts';
import { ensureDatabase } from '../holds/lib.ts';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/seatrush_bench';
const FIRST_PORT = Number(process.env.BENCH_CLUSTER_PORT ?? 7320);
const CONC = 256;
/** The row of holds made through `inventory.hold()` (which batches by itself) rather than raw script calls. */
const API = 'api';
const log = (s: string) => process.stdout.write(`${s}\n`);

const { values: argv } = parseArgs({
  options: {
    holds: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '50' },
    k: { type: 'string', default: '1,4,16' },
  },
});
const HOLDS = Number(argv.holds);
const BATCH = Number(argv.batch);
const KS = argv.k.split(',').map(Number);

/** One Redis process: its address and a connection of its own, for INFO CPU. */
interface Server {
  name: string;
  conn: SingleRedis;
}

async function cpuMs(s: Server): Promise<number> {
  const info = await s.conn.info('cpu');
  const g = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (g('used_cpu_user') + g('used_cpu_sys')) * 1000;
}

interface Row {
  target: string;
  k: number;
  /** Requests per raw script call, or `inventory.hold()`. */
  perCall: string;
  holdsPerSec: number;
  /** Redis CPU in this measurement, ms, per server in order. */
  cpu: number[];
  /** Holds served per server in order. */
  served: number[];
  driverUsPerHold: number;
  placement: string;
}

async function main() {
  await ensureDatabase(DATABASE_URL);
  const prisma = createPrisma(DATABASE_URL);
  // The bench database is scratch: close what earlier runs left on sale.
  await prisma.showtime.updateMany({
    where: { saleState: { in: ['on_sale', 'paused'] } },
    data: { saleState: 'closed' },
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'seatrush-bench-cluster-'));
  const single = await startOwnRedis({ port: FIRST_PORT, dir: path.join(dir, 'single'), aof: false });
  const cluster = await startRedisCluster({
    ports: [FIRST_PORT + 1, FIRST_PORT + 2, FIRST_PORT + 3],
    dir: path.join(dir, 'cluster'),
  });
  const logger = createLogger({ logLevel: 'warn' });
  const conns: Redis[] = [];
  const rows: Row[] = [];
  try {
    const targets: Array<{ name: string; redis: Redis; servers: Server[] }> = [
      {
        name: 'one Redis',
        redis: createRedis(single.url),
        servers: [{ name: `:${single.port}`, conn: new SingleRedis(single.url) }],
      },
      {
        name: '3-master cluster',
        redis: connectRedis({
          kind: 'cluster',
          nodes: cluster.nodes.map((n) => ({ host: n.split(':')[0]!, port: Number(n.split(':')[1]) })),
          password: undefined,
        }),
        servers: cluster.nodes.map((n) => ({
          name: `:${n.split(':')[1]}`,
          conn: new SingleRedis(`redis://${n}`),
        })),
      },
    ];
    for (const t of targets) conns.push(t.redis, ...t.servers.map((s) => s.conn));

    for (const t of targets) {
      const prefix = `bench-cluster-${Date.now().toString(36)}`;
      const inventory = createInventory({ redis: t.redis, prisma, prefix, logger, tokenSecret: 'bench' });
      for (const k of KS) {
        // One showtime, 10⁷ tickets, its stock in K buckets on K slots (see the header).
        const st = await createFlashSale(prisma, 10_000_000);
        await prisma.showtime.update({ where: { id: st }, data: { gaBuckets: k } });
        await inventory.load(st);
        const buckets = k > 1 ? bucketSlotIds(st, k) : [st];
        const serverOf = await bucketServers(
          t.redis,
          t.servers,
          buckets.map((b) => showtimeKeys(prefix, b).meta),
        );
        const [ownServer] = await bucketServers(t.redis, t.servers, [showtimeKeys(prefix, st).meta]);
        const placement =
          t.servers.map((_, i) => serverOf.filter((s) => s === i).length).join('/') +
          (k > 1 ? `, own slot on ${t.servers[ownServer!]!.name}` : '');
        const holdKeys = buckets.map((b) => holdScriptKeys(showtimeKeys(prefix, b)));
        let seq = 0;
        const call = (bucket: number, n: number) => {
          const slot = buckets[bucket]!;
          const idPart = k > 1 ? `b${slot.slice(slot.indexOf('~') + 1)}-` : '';
          const reqs = Array.from({ length: n }, () => {
            const r = `r${seq++}`;
            return {
              h: `${st}.${idPart}${r}xxxxxxxxx`,
              t: 'x',
              b: 'b',
              r,
              f: 'z:ga:1',
              m: 'ga',
              z: 'ga',
              q: 1,
            };
          });
          const keys = [...holdKeys[bucket]!];
          for (const r of reqs)
            keys.push(idempotencyKey(prefix, slot, 'b', r.r), buyerHoldsKey(prefix, slot, 'b'));
          return runScript(t.redis, 'hold', keys, [
            Date.now(),
            st,
            changesChannel(prefix, slot),
            JSON.stringify(reqs),
            600_000,
          ]);
        };
        // Warm-up: scripts loaded on every master, JIT, connections.
        await Promise.all(buckets.map((_, b) => call(b, 1)));

        // 1 and BATCH requests per raw script call, then `inventory.hold()`: one request per call from here, batched
        // by the inventory itself per bucket (at most 2 calls in flight per showtime, the rest in the next call).
        for (const mode of [1, BATCH, API] as const) {
          const perCall = mode === API ? 1 : mode;
          const calls = Math.ceil(HOLDS / perCall);
          const served = t.servers.map(() => 0);
          const cpu0 = await Promise.all(t.servers.map(cpuMs));
          const drv0 = process.cpuUsage();
          let next = 0;
          const t0 = performance.now();
          await Promise.all(
            Array.from({ length: CONC }, async () => {
              while (next < calls) {
                let bucket = next++ % k;
                if (mode === API) {
                  const requestId = `api${seq++}`;
                  // The inventory picks the home bucket itself: the request tag mod K.
                  bucket = requestTag('b2', requestId) % k;
                  await inventory.hold(st, { buyerId: 'b2', requestId, zone: 'ga', quantity: 1 });
                } else {
                  const reply = await call(bucket, perCall);
                  for (let i = 1; i <= perCall; i++)
                    if (Number((reply[i] as unknown[])[0]) !== 1)
                      throw new Error(`hold refused: ${JSON.stringify(reply[i])}`);
                }
                served[serverOf[bucket]!]! += perCall;
              }
            }),
          );
          const seconds = (performance.now() - t0) / 1000;
          const drv = process.cpuUsage(drv0);
          const cpu1 = await Promise.all(t.servers.map(cpuMs));
          const holds = calls * perCall;
          rows.push({
            target: t.name,
            k,
            perCall: mode === API ? 'inventory.hold()' : String(mode),
            holdsPerSec: holds / seconds,
            cpu: cpu1.map((c, i) => c - cpu0[i]!),
            served,
            driverUsPerHold: (drv.user + drv.system) / holds,
            placement,
          });
          const r = rows[rows.length - 1]!;
          log(
            `${t.name.padEnd(17)} K=${String(k).padEnd(3)} ${r.perCall.padStart(16)}  ` +
              `${Math.round(r.holdsPerSec).toLocaleString('en-US').padStart(7)} holds/s`,
          );
        }
        const rc = await inventory.recount(st);
        if (!rc.ok) throw new Error(`recount of ${st} (K=${k}): ${rc.diffs.slice(0, 5).join('; ')}`);
        await prisma.showtime.update({ where: { id: st }, data: { saleState: 'closed' } });
      }
    }
    report(
      rows,
      targets.map((t) => t.servers.map((s) => s.name)),
    );
  } finally {
    for (const c of conns) c.disconnect();
    await cluster.stop();
    await single.stop();
    await prisma.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which server (index into `servers`) holds each key's slot. */
async function bucketServers(redis: Redis, servers: Server[], keys: string[]): Promise<number[]> {
  if (!isCluster(redis)) return keys.map(() => 0);
  const c = redis;
  const ranges = await c.cluster('SLOTS');
  const out: number[] = [];
  for (const key of keys) {
    const slot = Number(await c.cluster('KEYSLOT', key));
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`slot ${slot} is served by no master`);
    out.push(servers.findIndex((s) => s.name === `:${range[2]?.[1]}`));
  }
  return out;
}

function report(rows: Row[], serverNames: string[][]) {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  log('\nhold script (GA, 1 ticket per request), 256 calls in flight from one driver process:\n');
  log(
    '| target | K | requests per call | holds/s | Redis CPU per process (ms) | holds per process | ' +
      'Redis µs per hold, per process | one such process alone (holds/s per core) | driver µs per hold |',
  );
  log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const names = serverNames[r.target === 'one Redis' ? 0 : 1]!;
    const us = r.cpu.map((c, i) => (r.served[i]! ? (c * 1000) / r.served[i] : NaN));
    log(
      `| ${r.target} | ${r.k}${r.k > 1 && r.target !== 'one Redis' ? ` (${r.placement})` : ''} | ${r.perCall} | ` +
        `${fmt(r.holdsPerSec)} | ${r.cpu.map((c, i) => `${names[i]} ${fmt(c)}`).join(', ')} | ` +
        `${r.served.map(fmt).join(' / ')} | ${us.map((u) => (Number.isNaN(u) ? '–' : u.toFixed(1))).join(' / ')} | ` +
        `${us.map((u) => (Number.isNaN(u) ? '–' : fmt(1e6 / u))).join(' / ')} | ${r.driverUsPerHold.toFixed(1)} |`,
    );
  }
  log(
    '\nK (a/b/c): how many of the K buckets landed on each master. "One such process alone" = 10⁶ / (its µs per' +
      ' hold): the rate that master would reach with a core to itself; N masters each with K/N buckets project' +
      ' to N times that, while the web nodes in front keep up (see bench/README.md).',
  );
}

await main();
