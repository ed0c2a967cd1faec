/**
 * bench/queue, part 2: the waiting room over the wire, against one Seatrush web node (its own process, production
 * mode, pinned to core 0 like bench/holds; wrk on core 1).
 *
 * - Joins over HTTP against the hold path, in the same run on the same node: `wrk -t2 -c100` alternating
 *   `POST /api/showtimes/:id/holds` (one buyer, a GA showtime that never sells out in the run, a unique
 *   Idempotency-Key per request: bench/holds/post.lua) and `POST /api/showtimes/:id/queue` (each request another
 *   buyer: bench/queue/join.lua, tokens minted with the node's session secret), twice each. CPU per request is read
 *   from /proc for the node (steadier than req/s when the load tool shares the cores).
 *   BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the node there.
 * - Position updates to waiting sockets: `sockets` socket.io clients in `procs` processes (bench/queue/watchers.ts),
 *   each a buyer that sent `queue:watch`, as the waiting page does. A round is one staff action on the room (start
 *   or pause, alternately, over HTTP); the node applies it in Redis, audits it, and broadcasts one `queue:progress`
 *   to the room's sockets. Latency = a socket's receipt − the moment the bench sent the action (so it includes the
 *   action's own HTTP request, the Redis change and the audit row): p50 / p99 / max over every socket, and how many
 *   were delivered. "First → last" (the last socket's receipt − the first's) is the fan-out alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { createBuyerSessions } from '../../apps/server/src/auth/buyer.ts';
import { ensureStaffUser } from '../../apps/server/src/auth/staff.ts';
import { createPrisma } from '../../apps/server/src/db/prisma.ts';
import { createRedis } from '../../apps/server/src/db/redis.ts';
import { createInventory } from '../../apps/server/src/inventory/inventory.ts';
import { createLogger } from '../../apps/server/src/observability/logger.ts';
import { createRoom } from '../../apps/server/src/waiting-room/room.ts';
import { createFlashSale } from '../holds/fixtures.ts';
import { benchNodeEnv, ensureDatabase, REPO } from '../holds/lib.ts';
import { deletePrefix } from '../lib/redis-prefix.ts';
import type { WatchChildMsg, WatchParentMsg } from './watchers.ts';
import { treeCpuMs } from '../lib/processes.ts';
import { onCore, PIN, startServerNode, type ServerNode } from '../lib/server-node.ts';

const WRK = process.env.WRK ?? '/usr/bin/wrk';

export interface WireOptions {
  redisUrl: string;
  databaseUrl: string;
  /** Waiting sockets that receive the position updates. */
  sockets: number;
  /** Client processes holding them. */
  procs: number;
  /** Rounds of position updates. */
  rounds: number;
  /** Seconds of each wrk run. */
  seconds: number;
  log: (line: string) => void;
}

interface WrkResult {
  requests: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  statuses: Record<string, number>;
  wraps: number;
  /** CPU of the node per request (µs). */
  nodeUs: number;
}

const toMs = (v: string, unit: string) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? 1);

function runWrk(args: string[], nodePid: number): Promise<WrkResult> {
  const c0 = treeCpuMs(nodePid);
  const child = spawn(...onCore(1, WRK, args));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', () => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
      if (Number.isNaN(rps)) return reject(new Error(`wrk failed:\n${out}`));
      const pct = (p: string) => {
        const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
        return m ? toMs(m[1]!, m[2]!) : NaN;
      };
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
      resolve({
        requests,
        rps,
        p50ms: pct('50'),
        p99ms: pct('99'),
        statuses: JSON.parse(/STATUSES (\{.*\})/.exec(out)?.[1] ?? '{}') as Record<string, number>,
        wraps: Number(/WRAPS (\d+)/.exec(out)?.[1] ?? 0),
        nodeUs: ((treeCpuMs(nodePid) - c0) * 1000) / requests,
      });
    }),
  );
}

const pctOf = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

export async function overTheWire(o: WireOptions): Promise<void> {
  const { log } = o;
  const prefix = `benchqw${randomBytes(4).toString('hex')}`;
  await ensureDatabase(o.databaseUrl);
  const prisma = createPrisma(o.databaseUrl);
  const redis = createRedis(o.redisUrl);
  // The bench database is scratch: close what earlier (or crashed) runs left on sale, so the node's start-up
  // rebuild does not load them all.
  await prisma.showtime.updateMany({
    where: { saleState: { in: ['on_sale', 'paused'] } },
    data: { saleState: 'closed' },
  });
  const logger = createLogger({ logLevel: 'warn' });
  const inventory = createInventory({ redis, prisma, prefix, logger, tokenSecret: 'bench' });
  const watchers: ChildProcess[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-queue-'));
  let node: ServerNode | undefined;

  try {
    // Showtimes: the hold path's (a GA zone that does not sell out in the run), a room to join, a room to watch,
    // and one to warm the join path up on.
    const room = {
      waitingRoom: true,
      queueJoinLimitPerAddress: 0,
      admissionPerMinute: 600,
      maxShoppers: 2000,
    };
    const holdSt = await createFlashSale(prisma, 10_000_000);
    const [joinSt, watchSt, warmSt] = [
      await createFlashSale(prisma, 10_000_000),
      await createFlashSale(prisma, 10_000_000),
      await createFlashSale(prisma, 10_000_000),
    ];
    for (const id of [joinSt, watchSt, warmSt]) await prisma.showtime.update({ where: { id }, data: room });
    for (const id of [holdSt, joinSt, watchSt, warmSt]) await inventory.load(id);

    const env = benchNodeEnv({ redisUrl: o.redisUrl, databaseUrl: o.databaseUrl, prefix });
    node = await startServerNode({ env, core: 0 });
    const base = node.url;
    const nodePid = node.child.pid!;

    // Staff (for the room's controls) and buyers (tokens minted with the node's secret, as sessions would be).
    const staff = { email: 'bench-queue@seatrush.local', password: randomBytes(12).toString('base64url') };
    await prisma.staffUser.deleteMany({ where: { email: staff.email } });
    await ensureStaffUser(
      { prisma },
      { email: staff.email, name: 'Bench queue', role: 'admin', password: staff.password },
      'system',
    );
    const login = await fetch(`${base}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(staff),
    });
    if (!login.ok) throw new Error(`staff login: ${login.status} ${await login.text()}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const control = async (showtimeId: string, action: 'start' | 'pause') => {
      const r = await fetch(`${base}/api/staff/showtimes/${showtimeId}/waiting-room`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ action }),
      });
      if (!r.ok) throw new Error(`room ${action}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { state: string; paused: boolean; waiting: number };
    };
    const stats = async (showtimeId: string) => {
      const r = await fetch(`${base}/api/staff/showtimes/${showtimeId}/waiting-room`, {
        headers: { cookie },
      });
      return (await r.json()) as { state: string; paused: boolean; waiting: number; admitted: number };
    };

    const sessions = createBuyerSessions({ secret: env.SESSION_SECRET });
    const tag = randomBytes(3).toString('hex');
    const mint = (kind: string, n: number) =>
      Array.from({ length: n }, (_, i) => {
        const id = `bq${tag}${kind}${i.toString(36).padStart(7, '0')}`;
        return sessions.issue(id, `${id}@bench.test`).token;
      });
    const tokenFile = (kind: string, n: number) => {
      const file = path.join(dir, `${kind}.txt`);
      writeFileSync(file, `${mint(kind, n).join('\n')}\n`);
      return file;
    };

    // --- Joins over HTTP against the hold path -----------------------------------------------------------------
    /** wrk -t2 -c100 for `seconds` with the Lua `script` (repository path) against `path`, its arguments after. */
    const wrk = (script: string, urlPath: string, seconds: number, scriptArgs: string[]) =>
      runWrk(
        [
          '-t2',
          '-c100',
          `-d${seconds}s`,
          '--latency',
          '-s',
          path.join(REPO, script),
          `${base}${urlPath}`,
          '--',
        ].concat(scriptArgs),
        nodePid,
      );
    const holdAuth = `Bearer ${mint('h', 1)[0]!}`;
    const holdBody = JSON.stringify({ zone: 'ga', quantity: 1 });
    const wrkHold = (showtimeId: string, seconds: number) =>
      wrk('bench/holds/post.lua', `/api/showtimes/${showtimeId}/holds`, seconds, [holdAuth, holdBody]);
    // Enough buyers that no buyer joins twice in a run at up to 30,000 joins/s (the run says so if one did).
    const perSecond = 30_000;
    const wrkJoin = (showtimeId: string, seconds: number, kind: string) =>
      wrk('bench/queue/join.lua', `/api/showtimes/${showtimeId}/queue`, seconds, [
        tokenFile(kind, perSecond * seconds),
        '2',
      ]);
    log(`\nover HTTP (one web node on ${PIN ? 'core 0, wrk -t2 -c100 on core 1' : 'unpinned cores'}):`);
    log(
      `  load average before: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    // Warm-up (JIT, connections) on the warm-up room and the hold showtime.
    await wrkHold(holdSt, 3);
    await wrkJoin(warmSt, 3, 'w');
    const runs: Array<{ what: 'hold' | 'join'; r: WrkResult }> = [];
    for (let i = 0; i < 2; i++) {
      runs.push({ what: 'hold', r: await wrkHold(holdSt, o.seconds) });
      runs.push({ what: 'join', r: await wrkJoin(joinSt, o.seconds, `j${i}`) });
    }
    const fmt = (r: WrkResult) =>
      `${Math.round(r.rps).toLocaleString('en')} req/s, p50 ${r.p50ms.toFixed(1)} ms, p99 ${r.p99ms.toFixed(1)} ms, ` +
      `node CPU ${r.nodeUs.toFixed(0)} µs/request, statuses ${JSON.stringify(r.statuses)}` +
      (r.wraps ? `, buyers joined again (token list wrapped ${r.wraps}×)` : '');
    for (const { what, r } of runs)
      log(`  ${what === 'hold' ? 'POST …/holds (hold path)' : 'POST …/queue (join)     '}  ${fmt(r)}`);
    const best = (w: 'hold' | 'join') => Math.max(...runs.filter((x) => x.what === w).map((x) => x.r.rps));
    const cpu = (w: 'hold' | 'join') => Math.min(...runs.filter((x) => x.what === w).map((x) => x.r.nodeUs));
    const joined = (await stats(joinSt)) as { waiting: number; admitted: number };
    log(
      `  joins vs holds: ${(best('join') / best('hold')).toFixed(2)}× the hold path's req/s (best run each; target ≥ 1); ` +
        `node CPU per request ${cpu('join').toFixed(0)} µs (join) vs ${cpu('hold').toFixed(0)} µs (hold)`,
    );
    log(
      `  the line afterwards: ${joined.waiting.toLocaleString('en')} waiting + ${joined.admitted.toLocaleString('en')} admitted; ` +
        `wrk counted ${runs
          .filter((x) => x.what === 'join')
          .reduce((n, x) => n + (x.r.statuses['200'] ?? 0), 0)
          .toLocaleString('en')} joins answered 200 (plus up to 100 in flight when each run stopped)`,
    );

    // --- Position updates to waiting sockets -------------------------------------------------------------------
    // Paused before anyone watches, and open (the first tick opens the room when it sees the sale on): from now on
    // only the bench's actions make the room broadcast (nobody waits there, so ticks admit nobody).
    await control(watchSt, 'pause');
    for (let i = 0; (await stats(watchSt)).state !== 'open'; i++) {
      if (i > 100) throw new Error('the watched room did not open');
      await new Promise((r) => setTimeout(r, 100));
    }
    const procs = Math.max(1, o.procs);
    const tokens = mint('s', o.sockets);
    const inbox = new Map<ChildProcess, Array<(m: WatchChildMsg) => void>>();
    const next = (c: ChildProcess) => new Promise<WatchChildMsg>((resolve) => inbox.get(c)!.push(resolve));
    const t0 = Date.now();
    for (let p = 0; p < procs; p++) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/queue/watchers.ts')], {
        cwd: path.join(REPO, 'bench'),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      watchers.push(child);
      inbox.set(child, []);
      child.on('message', (m: WatchChildMsg) => inbox.get(child)!.shift()?.(m));
      const mine = tokens.filter((_, i) => i % procs === p);
      child.send({
        type: 'start',
        url: base,
        showtimeId: watchSt,
        tokens: mine,
        concurrency: 50,
      } satisfies WatchParentMsg);
    }
    const ready = (await Promise.all(watchers.map(next))) as Array<WatchChildMsg & { type: 'ready' }>;
    const connected = ready.reduce((n, r) => n + r.connected, 0);
    const failed = ready.reduce((n, r) => n + r.failed, 0);
    log(
      `\nposition updates to waiting sockets: ${connected.toLocaleString('en')} of ${o.sockets.toLocaleString('en')} ` +
        `connected and watching in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${procs} client processes` +
        (failed ? ` (${failed} failed: ${ready.flatMap((r) => r.errors).join('; ')})` : ''),
    );
    log(
      `  load average: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const all: number[] = [];
    const spreads: number[] = [];
    let delivered = 0;
    // An even number of rounds: the room ends paused, as the admission rounds below expect.
    const rounds = o.rounds + (o.rounds % 2);
    for (let round = 0; round < rounds; round++) {
      const action = round % 2 === 0 ? 'start' : 'pause';
      const sent = performance.timeOrigin + performance.now();
      await control(watchSt, action);
      const answered = performance.timeOrigin + performance.now() - sent;
      for (const c of watchers) c.send({ type: 'collect', round, waitMs: 60_000 } satisfies WatchParentMsg);
      const got = (await Promise.all(watchers.map(next))) as Array<WatchChildMsg & { type: 'times' }>;
      const lat = got.flatMap((g) => g.times.map((t) => t - sent)).sort((a, b) => a - b);
      const reasons: Record<string, number> = {};
      for (const g of got) for (const [k, v] of Object.entries(g.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
      delivered += lat.length;
      all.push(...lat);
      if (lat.length) spreads.push(lat[lat.length - 1]! - lat[0]!);
      log(
        `  round ${round + 1} (${action} → ${JSON.stringify(reasons)}): ${lat.length.toLocaleString('en')}/${connected.toLocaleString('en')} delivered; ` +
          `p50 ${pctOf(lat, 50).toFixed(0)} ms, p99 ${pctOf(lat, 99).toFixed(0)} ms, max (last socket) ${(lat[lat.length - 1] ?? NaN).toFixed(0)} ms; ` +
          `first socket ${(lat[0] ?? NaN).toFixed(0)} ms, first → last ${((lat[lat.length - 1] ?? NaN) - (lat[0] ?? NaN)).toFixed(0)} ms; ` +
          `the action's HTTP answer after ${answered.toFixed(0)} ms`,
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Admissions by the tick: one buyer joins the (paused) line, staff start admission, and the node's next tick
    // admits them and broadcasts `queue:progress` (reason `progress`, `served` + 1): the update a waiting page moves
    // its place by. The tick's moment is the node's own, so this round reports the fan-out (first → last socket)
    // and the time from the start request.
    const line = createRoom(redis, prefix);
    let round = rounds;
    const collect = async (waitMs: number) => {
      for (const c of watchers) c.send({ type: 'collect', round, waitMs } satisfies WatchParentMsg);
      const got = (await Promise.all(watchers.map(next))) as Array<WatchChildMsg & { type: 'times' }>;
      round++;
      const reasons: Record<string, number> = {};
      for (const g of got) for (const [k, v] of Object.entries(g.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
      return { times: got.flatMap((g) => g.times).sort((a, b) => a - b), reasons };
    };
    for (let a = 0; a < 2; a++) {
      await line.joinMany(watchSt, [`bq${tag}adm${a}`], Date.now(), 'open');
      const sent = performance.timeOrigin + performance.now();
      await control(watchSt, 'start');
      await collect(60_000); // `resumed`
      const tick = await collect(60_000); // `progress` from the tick that admitted the buyer
      const lat = tick.times.map((t) => t - sent);
      const spread = (lat[lat.length - 1] ?? NaN) - (lat[0] ?? NaN);
      spreads.push(spread);
      delivered += lat.length;
      log(
        `  admission ${a + 1} (start, then the tick admits one → ${JSON.stringify(tick.reasons)}): ` +
          `${lat.length.toLocaleString('en')}/${connected.toLocaleString('en')} delivered; first → last socket ${spread.toFixed(0)} ms ` +
          `(p50 ${pctOf(lat, 50).toFixed(0)}, p99 ${pctOf(lat, 99).toFixed(0)}, max ${(lat[lat.length - 1] ?? NaN).toFixed(0)} ms after the start request)`,
      );
      await control(watchSt, 'pause');
      await collect(60_000); // `paused`
      await new Promise((r) => setTimeout(r, 1000));
    }
    all.sort((a, b) => a - b);
    log(
      `  all: ${delivered.toLocaleString('en')} of ${(connected * (rounds + 2)).toLocaleString('en')} updates delivered; ` +
        `staff rounds p50 ${pctOf(all, 50).toFixed(0)} ms, p99 ${pctOf(all, 99).toFixed(0)} ms, max ${(all[all.length - 1] ?? NaN).toFixed(0)} ms ` +
        `from the change; first → last socket ${Math.min(...spreads).toFixed(0)}–${Math.max(...spreads).toFixed(0)} ms a round`,
    );
  } finally {
    for (const c of watchers) {
      try {
        c.send({ type: 'stop' } satisfies WatchParentMsg);
      } catch {
        c.kill();
      }
    }
    await node?.stop();
    await deletePrefix(redis, prefix);
    await prisma.showtime.updateMany({
      where: { saleState: { in: ['on_sale', 'paused'] } },
      data: { saleState: 'closed' },
    });
    await prisma.$disconnect();
    await redis.quit();
  }
}
