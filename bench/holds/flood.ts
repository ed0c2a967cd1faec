/**
 * bench/holds/flood — the sold-out answer under sustained load, Seatrush against the floor, alternating rounds.
 *
 *   pnpm exec tsx bench/holds/flood.ts [rounds = 4] [seconds = 5]
 *     FLOOD_HOLDS=1                                       every request makes a hold (no sell-out)
 *     SEATRUSH_NODE_FLAGS="--cpu-prof --cpu-prof-dir /tmp/prof"   extra node flags for the Seatrush node
 *     FLOOR_NODE_FLAGS="..."                              the same for the floor's process
 *     FLOOD_MARKS=1                                       print a line before each flood (to cut --trace-gc output)
 *
 * Starts a Seatrush web node (production mode) and the floor (bench/baseline/floor.ts), each on core 0, sells out a
 * one-ticket showtime, then floods both with `wrk -t2 -c100` on core 1 in alternating rounds. Prints req/s and the
 * server's CPU per answer (from /proc) per round, and the ratios of the medians.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrisma } from '../../apps/server/src/db/prisma.ts';
import { createRedis } from '../../apps/server/src/db/redis.ts';
import { createFlashSale } from './fixtures.ts';
import { benchNodeEnv, ensureDatabase, REPO } from './lib.ts';
import { deletePrefix } from '../lib/redis-prefix.ts';
import { freePort } from '../lib/processes.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/seatrush_bench';
const ROUNDS = Number(process.argv[2] ?? 4);
const SECONDS = Number(process.argv[3] ?? 5);
const log = (s: string) => process.stdout.write(`${s}\n`);
/** FLOOD_HOLDS=1: a showtime that never sells out, so every request makes a hold (the hold path's own cost). */
const HOLDS = process.env.FLOOD_HOLDS === '1';

function start(args: string[], env: Record<string, string>, flags: string[]): ChildProcess {
  return spawn('taskset', ['-c', '0', process.execPath, ...flags, '--import', 'tsx', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function waitHttp(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (r.status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/** CPU (ms) per thread name of a process: the main thread, V8's helper threads (GC), libuv's pool. */
function threadsMs(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '#');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / 100);
    } catch {
      /* gone */
    }
  }
  return out;
}

function flood(
  pid: number,
  url: string,
  auth: string,
): { rps: number; us: number; p99: string; threads: string } {
  if (process.env.FLOOD_MARKS === '1') log(`-- flood ${url}`);
  const c0 = cpuMs(pid);
  const t0 = threadsMs(pid);
  const r = spawnSync(
    'taskset',
    [
      '-c',
      '1',
      'wrk',
      '-t2',
      '-c100',
      `-d${SECONDS}s`,
      '--latency',
      '-s',
      path.join(REPO, 'bench/holds/post.lua'),
      url,
      '--',
      auth,
      '{"zone":"ga","quantity":1}',
    ],
    { encoding: 'utf8' },
  );
  const c1 = cpuMs(pid);
  const t1 = threadsMs(pid);
  const requestsN = Number(/(\d+) requests in/.exec(r.stdout)?.[1]);
  const threads = [...t1]
    .map(([k, v]) => [k, ((v - (t0.get(k) ?? 0)) * 1000) / requestsN] as const)
    .filter(([, v]) => v > 0.05)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
  const requests = Number(/(\d+) requests in/.exec(r.stdout)?.[1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const p99 = /\s99%\s+(\S+)/.exec(r.stdout)?.[1] ?? '?';
  if (!/"409":/.test(r.stdout) && !HOLDS) throw new Error(`not a sold-out flood:\n${r.stdout}`);
  return { rps, us: ((c1 - c0) * 1000) / requests, p99, threads };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  const prisma = createPrisma(DATABASE_URL);
  await prisma.showtime.updateMany({
    where: { saleState: { in: ['on_sale', 'paused'] } },
    data: { saleState: 'closed' },
  });
  const showtimeId = await createFlashSale(prisma, HOLDS ? 100_000_000 : 1);
  const prefix = `flood${randomBytes(3).toString('hex')}`;
  const [sPort, fPort] = [await freePort(), await freePort()];
  const flags = (process.env.SEATRUSH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const inPort = await freePort();
  const seatrush = start(
    ['bench/holds/node-with-floor.ts'],
    {
      ...benchNodeEnv({ redisUrl: REDIS_URL, databaseUrl: DATABASE_URL, prefix }),
      PORT: String(sPort),
      FLOOR_PORT: String(inPort),
    },
    flags,
  );
  const floor = start(
    [process.env.FLOOR_SCRIPT ?? 'bench/baseline/floor.ts'],
    { PORT: String(fPort) },
    (process.env.FLOOR_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  );
  try {
    const base = `http://127.0.0.1:${sPort}`;
    await waitHttp(`${base}/api/buyer/session`);
    await waitHttp(`http://127.0.0.1:${fPort}/hold`);
    const { token } = (await (
      await fetch(`${base}/api/buyer/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `flood-${prefix}@bench.test` }),
      })
    ).json()) as { token: string };
    const auth = `Bearer ${token}`;
    const url = `${base}/api/showtimes/${showtimeId}/holds`;
    const first = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth, 'idempotency-key': 'first' },
      body: '{"zone":"ga","quantity":1}',
    });
    if (first.status !== 201) throw new Error(`first hold ${first.status}`);
    await new Promise((r) => setTimeout(r, 500));
    log(
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; ${ROUNDS} rounds of ${SECONDS} s`,
    );
    flood(seatrush.pid!, url, auth); // warm-up
    flood(floor.pid!, `http://127.0.0.1:${fPort}/hold`, '-');
    await waitHttp(`http://127.0.0.1:${inPort}/hold`);
    flood(seatrush.pid!, `http://127.0.0.1:${inPort}/hold`, '-');
    const s: { rps: number; us: number }[] = [];
    const f: { rps: number; us: number }[] = [];
    const n: { rps: number; us: number }[] = [];
    const fmt = (r: { rps: number; us: number; p99: string; threads: string }) =>
      `${r.rps.toFixed(0).padStart(6)} req/s ${r.us.toFixed(1).padStart(5)} µs p99 ${r.p99.padStart(8)} (µs by thread: ${r.threads})`;
    for (let i = 0; i < ROUNDS; i++) {
      const a = flood(seatrush.pid!, url, auth);
      const b = flood(floor.pid!, `http://127.0.0.1:${fPort}/hold`, '-');
      const c = flood(seatrush.pid!, `http://127.0.0.1:${inPort}/hold`, '-');
      s.push(a);
      f.push(b);
      n.push(c);
      log(`round ${i + 1}: Seatrush ${fmt(a)} | floor ${fmt(b)} | floor in the node's process ${fmt(c)}`);
    }
    const rps = (xs: { rps: number }[]) => median(xs.map((x) => x.rps));
    const us = (xs: { us: number }[]) => median(xs.map((x) => x.us));
    log(
      `medians: Seatrush ${rps(s).toFixed(0)} req/s ${us(s).toFixed(1)} µs; floor ${rps(f).toFixed(0)} req/s ` +
        `${us(f).toFixed(1)} µs; floor in the node's process ${rps(n).toFixed(0)} req/s ${us(n).toFixed(1)} µs`,
    );
    log(
      `ratios to the floor: Seatrush req/s ×${(rps(s) / rps(f)).toFixed(2)}, CPU per answer ×${(us(s) / us(f)).toFixed(2)}; ` +
        `floor in the node's process: CPU per answer ×${(us(n) / us(f)).toFixed(2)}`,
    );
  } finally {
    seatrush.kill('SIGTERM');
    floor.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await prisma.showtime.update({ where: { id: showtimeId }, data: { saleState: 'closed' } });
    await prisma.$disconnect();
    const redis = createRedis(REDIS_URL);
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  },
);
