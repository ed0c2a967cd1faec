/**
 * bench/queue — the waiting room's Redis side at flash-sale scale (issue 15).
 *
 *   pnpm exec tsx bench/queue/run.ts [waiting = 1000000] [batch = 1000]
 *
 * Against this machine's Redis (REDIS_URL, default redis://127.0.0.1:6379), under a random prefix that it deletes
 * afterwards, in one showtime:
 * - joins per second into Redis: `waiting` buyers (25-character ids, like the buyer ids) join the pre-queue in
 *   batches of `batch`, one join-3 call per batch (as the hold path batches holds into one script call);
 * - Redis memory per waiting buyer: `used_memory` before and after, and `MEMORY USAGE` of the line's sorted set;
 * - the time to admit the next 1,000: one admit-3 tick that moves 1,000 from the head of the line, timed on the
 *   client and by Redis itself (INFO commandstats, microseconds spent in EVALSHA).
 * Targets: joins ≥ 50,000/s; ≤ 150 B per waiting buyer; admitting 1,000 in ≤ 10 ms of Redis time.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRoom } from '../../apps/server/src/waiting-room/room.ts';

const WAITING = Number(process.argv[2] ?? 1_000_000);
const BATCH = Number(process.argv[3] ?? 1000);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
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

main()
  .catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await room.drop(showtimeId);
    await redis.quit();
  });
