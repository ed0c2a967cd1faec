/**
 * bench/holds/in-process — the JavaScript cost of one sold-out answer, without sockets.
 *
 *   pnpm exec tsx bench/holds/in-process.ts [requests per round = 20000] [rounds = 24]
 *
 * Starts a real Seatrush web node in this process (production mode, this machine's Redis and the bench database),
 * sells out a one-ticket showtime, then feeds hold requests to the node's `http.Server` and to the floor's handler
 * (bench/baseline/floor.ts, inlined) through in-memory Duplex streams: 100 keep-alive "connections", each sending
 * its next request when the answer arrives. Nothing touches the kernel, so what is measured is Node's HTTP parsing
 * and writing plus the server's own work; the difference between the two is what Seatrush adds per answer. Rounds
 * alternate between the two servers; the minimum is the least disturbed figure on a shared machine.
 *
 * It also prints what each answer allocates on the JavaScript heap and what the scavenges had to copy per answer
 * (v8.GCProfiler: the heap's growth over a round plus what each collection freed) — figures that, unlike CPU time,
 * do not move with the machine's load.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Duplex } from 'node:stream';
import os from 'node:os';
import v8 from 'node:v8';
import { loadConfig } from '../../apps/server/src/config/index.ts';
import { createContainer } from '../../apps/server/src/container.ts';
import { startNode } from '../../apps/server/src/node.ts';
import { createFlashSale } from './fixtures.ts';
import { benchNodeEnv, ensureDatabase } from './lib.ts';
import { deletePrefix } from '../lib/redis-prefix.ts';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/seatrush_bench';
const REQUESTS = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 24);
const CONNECTIONS = 100;
const BODY = '{"zone":"ga","quantity":1}';

interface Cost {
  /** Process CPU per request, µs. */
  us: number;
  /** JavaScript heap allocated per request, bytes. */
  allocated: number;
  /** Bytes the scavenges copied (survivors in the young generation, and promotions) per request. */
  copied: number;
}

/** Sends `n` requests over CONNECTIONS in-memory connections; returns the cost per request. */
async function drive(server: Server, request: (i: number) => Buffer, n: number): Promise<Cost> {
  let sent = 0;
  let answered = 0;
  const gc = new v8.GCProfiler();
  gc.start();
  const heap0 = v8.getHeapStatistics().used_heap_size;
  const t0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    for (let k = 0; k < CONNECTIONS; k++) {
      const onData = (chunk: Buffer) => {
        // Each answer is written in one piece (a small JSON body with its headers).
        if (chunk.toString('latin1', 0, 9) !== 'HTTP/1.1 ') return;
        if (++answered === n) resolve();
        else if (sent < n) pipe.push(request(sent++));
      };
      const pipe = new Duplex({
        read() {},
        write(chunk: Buffer, _enc, cb) {
          onData(chunk);
          cb();
        },
        writev(chunks, cb) {
          for (const c of chunks) onData(c.chunk as Buffer);
          cb();
        },
      });
      server.emit('connection', pipe);
      pipe.push(request(sent++));
    }
  });
  const used = process.cpuUsage(t0);
  const heap1 = v8.getHeapStatistics().used_heap_size;
  let freed = 0;
  let copied = 0;
  for (const s of gc.stop().statistics) {
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    if (s.gcType === 'Scavenge') copied += newSpace(s.afterGC) + Math.max(0, oldGrowth(s));
  }
  return { us: (used.user + used.system) / n, allocated: (heap1 - heap0 + freed) / n, copied: copied / n };
}

type GcSide = v8.GCProfilerResult['statistics'][number]['afterGC'];
const spaceUsed = (side: GcSide, name: string) =>
  side.heapSpaceStatistics.find((s) => s.spaceName === name)?.spaceUsedSize ?? 0;
const newSpace = (side: GcSide) => spaceUsed(side, 'new_space');
/** What a scavenge promoted: the old generation's growth across it. */
const oldGrowth = (s: v8.GCProfilerResult['statistics'][number]) =>
  spaceUsed(s.afterGC, 'old_space') - spaceUsed(s.beforeGC, 'old_space');

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(2);
  return `min ${at(0)}  p25 ${at(0.25)}  median ${at(0.5)} µs`;
}

async function main(): Promise<void> {
  const prefix = `benchip${randomBytes(4).toString('hex')}`;
  await ensureDatabase(DATABASE_URL);
  const config = loadConfig({
    ...process.env,
    ...benchNodeEnv({
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      databaseUrl: DATABASE_URL,
      prefix,
    }),
    PORT: '0',
    ROLE: 'web',
  });
  const c = createContainer(config);
  const node = await startNode(c, { web: true, worker: false });
  let showtimeId = '';
  try {
    showtimeId = await createFlashSale(c.prisma, 1);
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${node.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const { token } = (await (
      await post('/api/buyer/session', '{"email":"in-process@bench.test"}')
    ).json()) as { token: string };
    // The first hold loads the showtime from PostgreSQL (the hold path does when Redis lacks it) and takes its ticket.
    const first = await post(`/api/showtimes/${showtimeId}/holds`, BODY, {
      authorization: `Bearer ${token}`,
      'idempotency-key': 'first',
    });
    if (first.status !== 201) throw new Error(`first hold: ${first.status} ${await first.text()}`);
    await new Promise((r) => setTimeout(r, 300)); // the sold-out flag arrives by pub/sub

    const request = (i: number) =>
      Buffer.from(
        `POST /api/showtimes/${showtimeId}/holds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Authorization: Bearer ${token}\r\nIdempotency-Key: k-${i}\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`,
      );
    const floorAnswer = '{"ok":false,"error":{"code":"sold_out","message":"Sold out"}}';
    const floor = createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        res.writeHead(409, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(floorAnswer),
        });
        res.end(floorAnswer);
      });
    });

    const seatrush: Cost[] = [];
    const floorCosts: Cost[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      seatrush.push(await drive(node.server!, request, REQUESTS));
      floorCosts.push(await drive(floor, request, REQUESTS));
    }
    const us = (xs: Cost[]) => xs.map((x) => x.us);
    const kb = (xs: Cost[], k: 'allocated' | 'copied') => {
      const v = xs.map((x) => x[k]).sort((a, b) => a - b);
      return `${(v[v.length >> 1]! / 1024).toFixed(2)} KB`;
    };
    process.stdout.write(
      `CPU per sold-out answer, in process (${ROUNDS} rounds of ${REQUESTS}; load average ` +
        `${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}):\n` +
        `  Seatrush  ${summary(us(seatrush))}\n  floor     ${summary(us(floorCosts))}\n` +
        `  difference of the minimums: ${(Math.min(...us(seatrush)) - Math.min(...us(floorCosts))).toFixed(2)} µs\n` +
        `heap per answer (median): Seatrush allocates ${kb(seatrush, 'allocated')}, scavenges copy ` +
        `${kb(seatrush, 'copied')}; floor ${kb(floorCosts, 'allocated')}, ${kb(floorCosts, 'copied')}\n`,
    );
  } finally {
    await node.stop();
    if (showtimeId)
      await c.prisma.showtime.update({ where: { id: showtimeId }, data: { saleState: 'closed' } });
    await deletePrefix(c.redis, prefix);
    await c.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench/holds/in-process failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
