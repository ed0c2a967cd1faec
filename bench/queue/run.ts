/**
 * bench/queue — the waiting room at flash-sale scale (issue 15, docs/waiting-room.md).
 *
 *   pnpm exec tsx bench/queue/run.ts [waiting = 1000000] [batch = 1000]
 *        [--sockets 10000] [--procs 4] [--rounds 6] [--seconds 10] [--redis-only]
 *
 * Part 1, the room's Redis side, against REDIS_URL (default redis://127.0.0.1:6379), under a random prefix that it
 * deletes afterwards, in one showtime:
 * - joins per second into Redis: `waiting` buyers (25-character ids, like the buyer ids) join the pre-queue in
 *   batches of `batch`, one join-3 call per batch (as the hold path batches holds into one script call);
 * - Redis memory per waiting buyer: `used_memory` before and after, and `MEMORY USAGE` of the line's sorted set;
 * - the time to admit the next 1,000: one admit-3 tick that moves 1,000 from the head of the line, timed on the
 *   client and by Redis itself (INFO commandstats, microseconds spent in EVALSHA).
 * Targets: joins ≥ 50,000/s; ≤ 150 B per waiting buyer; admitting 1,000 in ≤ 10 ms of Redis time.
 *
 * Part 2 (over-the-wire.ts; not with --redis-only), against one Seatrush web node it starts, with DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/seatrush_bench_queue, created and migrated when missing): joins
 * over HTTP against the hold path's req/s in the same run (target: at least the hold path's), and position updates
 * delivered to `--sockets` waiting socket.io clients held by `--procs` client processes (p50 / p99 / max from the
 * change to each socket's receipt, and the count delivered).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Redis } from 'ioredis';
import { parseArgs } from 'node:util';
import { createRoom } from '../../apps/server/src/waiting-room/room.ts';
import { overTheWire } from './over-the-wire.ts';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    sockets: { type: 'string', default: '10000' },
    procs: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '10' },
    'redis-only': { type: 'boolean', default: false },
  },
});
const WAITING = Number(positionals[0] ?? 1_000_000);
const BATCH = Number(positionals[1] ?? 1000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/seatrush_bench_queue';
const redis = new Redis(REDIS_URL);
const prefix = `benchq${randomBytes(4).toString('hex')}`;
const room = createRoom(redis, prefix);
const showtimeId = 'stadium';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const buyerId = (i: number) => {
  // 25 characters like a cuid: a fixed head, the index, random filler.
  const tail = i.toString(36).padStart(6, '0');
  let fill = '';
  for (let k = 0; k < 18; k++) fill += ALPHABET[(i * 31 + k * 7) % 36];
  return `c${fill}${tail}`;
};

async function usedMemory(): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function evalshaMicros(): Promise<{ calls: number; usec: number }> {
  const info = await redis.info('commandstats');
  const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(info);
  return { calls: Number(m?.[1] ?? 0), usec: Number(m?.[2] ?? 0) };
}

async function main(): Promise<void> {
  const now = Date.now();
  const before = await usedMemory();
  const j0 = await evalshaMicros();
  const t0 = process.hrtime.bigint();
  let joined = 0;
  for (let i = 0; i < WAITING; i += BATCH) {
    const ids: string[] = [];
    for (let j = i; j < Math.min(WAITING, i + BATCH); j++) ids.push(buyerId(j));
    joined += await room.joinMany(showtimeId, ids, now, 'pre');
  }
  const joinSec = Number(process.hrtime.bigint() - t0) / 1e9;
  const j1 = await evalshaMicros();
  // Redis's own time in the join scripts (INFO commandstats is server-wide: other clients' scripts count too).
  const redisJoinSec = (j1.usec - j0.usec) / 1e6;
  const after = await usedMemory();
  const lineKey = `${prefix}:{st:${showtimeId}}:wr:line`;
  const lineBytes = Number(await redis.call('MEMORY', 'USAGE', lineKey, 'SAMPLES', '0'));
  const again = await room.joinMany(showtimeId, [buyerId(0), buyerId(1)], now, 'pre');
  const lineLength = await redis.zcard(lineKey);

  await room.control(showtimeId, 'open', now);
  // Prime the tick (the first tick accrues one second), then admit exactly 1,000 from the head.
  await room.tick(showtimeId, {
    now,
    ratePerMinute: 60_000,
    maxShoppers: 1_000_000,
    ticketsLeft: 10_000_000,
    avgTickets: 2,
    windowMs: 600_000,
    maxBatch: 0,
  });
  const s0 = await evalshaMicros();
  const a0 = process.hrtime.bigint();
  const r = await room.tick(showtimeId, {
    now: now + 1000,
    ratePerMinute: 60_000,
    maxShoppers: 1_000_000,
    ticketsLeft: 10_000_000,
    avgTickets: 2,
    windowMs: 600_000,
    maxBatch: 1000,
  });
  const admitMs = Number(process.hrtime.bigint() - a0) / 1e6;
  const s1 = await evalshaMicros();
  const after1000 = await redis.zcard(lineKey);

  const perBuyer = (after - before) / WAITING;
  const out = [
    `waiting room bench: ${WAITING.toLocaleString('en')} buyers in one showtime, batches of ${BATCH}`,
    `  joins into Redis:        ${Math.round(WAITING / joinSec).toLocaleString('en')}/s (${joinSec.toFixed(1)} s; ${joined.toLocaleString('en')} waiting; target ≥ 50,000/s)`,
    `  Redis time in join-3:    ${((redisJoinSec * 1e6) / WAITING).toFixed(2)} µs per join → ceiling ${Math.round(WAITING / redisJoinSec).toLocaleString('en')} joins/s on one Redis core`,
    `  rejoining is idempotent: ${again} of 2 rejoins still waiting, line still ${lineLength.toLocaleString('en')}`,
    `  Redis memory per buyer:  ${perBuyer.toFixed(1)} B (used_memory +${((after - before) / 1e6).toFixed(1)} MB); line zset ${(lineBytes / WAITING).toFixed(1)} B/buyer (target ≤ 150 B)`,
    `  admit the next 1,000:    ${r.admitted} admitted; ${((s1.usec - s0.usec) / 1000).toFixed(2)} ms of Redis time (${s1.calls - s0.calls} script call), ${admitMs.toFixed(2)} ms round trip (target ≤ 10 ms)`,
    `  waiting after that:      ${after1000.toLocaleString('en')}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

const log = (line: string) => process.stdout.write(`${line}\n`);

async function run(): Promise<void> {
  log(
    `bench/queue — ${new Date().toISOString()} — ${os.cpus().length} cores, node ${process.version}, ` +
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  try {
    await main();
  } finally {
    await room.drop(showtimeId);
    await redis.quit();
  }
  if (opts['redis-only']) return;
  await overTheWire({
    redisUrl: REDIS_URL,
    databaseUrl: DATABASE_URL,
    sockets: Number(opts.sockets),
    procs: Number(opts.procs),
    rounds: Number(opts.rounds),
    seconds: Number(opts.seconds),
    log,
  });
}

run().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
