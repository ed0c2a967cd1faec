/**
 * Preload for a Seatrush node under a rehearsal: every 2 s it appends to POOL_WATCH_LOG (default
 * /tmp/pool-watch-<pid>.log) how long the node's PostgreSQL pool made callers wait for a connection (p50/p90/p99/max
 * of the acquisitions in those 2 s), the connections in use, idle and waited for, the event loop's delay and the
 * process's CPU. A connection held across round trips to a busy event loop (an interactive transaction) shows as
 * waits here while PostgreSQL idles (bench/README.md, "rehearsal"). Measurement only: it wraps pg-pool's
 * `connect`, which every query of Prisma's pg adapter goes through.
 *
 *   node --import tsx --import ./bench/rehearsal/pool-watch.ts apps/server/src/main.ts --role web
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

interface WatchedPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  connect: (cb?: (err: unknown, client: unknown, release: unknown) => void) => Promise<unknown> | undefined;
}

const require = createRequire(import.meta.url);
const server = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps', 'server');
const pg = dirname(require.resolve('pg/package.json', { paths: [server] }));
const Pool = require(require.resolve('pg-pool', { paths: [pg] })) as { prototype: WatchedPool };
const log = process.env.POOL_WATCH_LOG ?? `/tmp/pool-watch-${process.pid}.log`;

const pools = new Set<WatchedPool>();
let waits: number[] = [];
const connect = Pool.prototype.connect;
Pool.prototype.connect = function (this: WatchedPool, cb) {
  pools.add(this);
  const t0 = performance.now();
  const done = () => waits.push(performance.now() - t0);
  if (typeof cb === 'function')
    return connect.call(this, (err, client, release) => {
      done();
      cb(err, client, release);
    });
  return connect.call(this)!.then((client) => {
    done();
    return client;
  });
};

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const ms = (ns: number) => (ns / 1e6).toFixed(0);
setInterval(() => {
  const w = waits.sort((a, b) => a - b);
  waits = [];
  const q = (p: number) => (w.length ? w[Math.min(w.length - 1, Math.floor(p * w.length))]!.toFixed(1) : '-');
  const state = [...pools].map((p) => `${p.totalCount}/${p.idleCount}/${p.waitingCount}`).join(' ');
  const cpu = process.cpuUsage();
  appendFileSync(
    log,
    `${new Date().toISOString()} acquired ${w.length} wait p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${q(1)} ms;` +
      ` pool total/idle/waiting ${state || '-'}; loop delay p50 ${ms(loop.percentile(50))}` +
      ` p99 ${ms(loop.percentile(99))} max ${ms(loop.max)} ms; cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s\n`,
  );
  loop.reset();
}, 2000).unref();
