/**
 * bench/sessions — how fast a web node starts buyer sessions (`POST /api/buyer/session`), as the rehearsal's crowd
 * starts them: every session a new buyer (a new e-mail), on a new connection from its own loopback address
 * (127.1.x.y, as `npm run rehearse` does against a local target), with production's abuse limits on.
 *
 *   pnpm exec tsx bench/sessions/run.ts    REDIS_URL / DATABASE_URL default to this machine's services (database
 *                                          seatrush_bench_sessions, created and migrated when missing; its buyer
 *                                          rows are this bench's alone);
 *                                          BENCH_SESSIONS=3000 sessions per round, BENCH_CONCURRENCY=50 in flight;
 *                                          BENCH_LIMITS=off runs the node without abuse limits (to price them);
 *                                          BENCH_REUSE=1 keeps one connection per in-flight slot (one address);
 *                                          BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the node there.
 *
 * Prints, per round (a warm-up round first, then three measured): sessions/s, latency p50/p99/max, the answers by
 * status, and the CPU per session of the node (`/proc` utime + stime of its process tree), of Redis (INFO cpu) and
 * of this client — so a slow figure can be told apart from a starved one on a shared machine.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { createRedis } from '../../apps/server/src/db/redis.ts';
import { benchNodeEnv, ensureDatabase, pg } from '../holds/lib.ts';
import { deletePrefix } from '../lib/redis-prefix.ts';
import { treeCpuMs } from '../lib/processes.ts';
import { startServerNode, type ServerNode } from '../lib/server-node.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/seatrush_bench_sessions';
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const LIMITS = process.env.BENCH_LIMITS !== 'off';
const REUSE = process.env.BENCH_REUSE === '1';
const log = (s: string) => process.stdout.write(`${s}\n`);

/**
 * Connections the kernel dropped because a listening socket's accept queue was full (TcpExt ListenOverflows,
 * machine-wide): each one costs its client a SYN retransmission — 1 s, then 2, 4, 8 … — which shows up as
 * seconds of "latency" while the server idles.
 */
function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[i]?.split(' ') ?? [];
  const values = lines[i + 1]?.split(' ') ?? [];
  return Number(values[names.indexOf('ListenOverflows')] ?? 0);
}

/** The rehearsal's address for buyer `i` (apps/rehearse/src/picking.ts, loopbackAddress). */
function loopback(i: number): string {
  const rest = Math.floor(i / 254);
  return `127.${1 + Math.floor(rest / 256)}.${rest % 256}.${1 + (i % 254)}`;
}

function post(
  port: number,
  body: string,
  agent: http.Agent,
): Promise<{ status: number; ms: number; code?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/buyer/session',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let code: string | undefined;
          if ((res.statusCode ?? 0) >= 400) {
            try {
              code = (JSON.parse(Buffer.concat(chunks).toString()) as { error?: { code?: string } }).error
                ?.code;
            } catch {
              /* not JSON */
            }
          }
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            ...(code ? { code } : {}),
          });
        });
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, ms: performance.now() - started, code: e.message }));
    req.end(body);
  });
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;

async function main(): Promise<void> {
  const prefix = `benchs${randomBytes(4).toString('hex')}`;
  const runId = randomBytes(3).toString('hex');
  await ensureDatabase(DATABASE_URL);
  const env: Record<string, string> = benchNodeEnv({
    redisUrl: REDIS_URL,
    databaseUrl: DATABASE_URL,
    prefix,
  });
  // Production's defaults (config/index.ts) unless BENCH_LIMITS=off: the rehearsal never switches them off.
  if (LIMITS) for (const k of Object.keys(env)) if (k.startsWith('RATE_LIMIT_')) delete env[k];
  const redis = createRedis(REDIS_URL);
  const redisCpuMs = async () => {
    const info = await redis.info('cpu');
    const g = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return (g('used_cpu_user') + g('used_cpu_sys')) * 1000;
  };
  let node: ServerNode | undefined;
  try {
    node = await startServerNode({ env, stdout: 'inherit', readyMs: 60_000 });
    const { port } = node;
    const nodePid = node.child.pid!;
    log(
      `bench/sessions: ${SESSIONS} sessions per round, ${CONCURRENCY} in flight, limits ${LIMITS ? 'on (production defaults)' : 'off'}, ` +
        `${REUSE ? 'connections reused' : 'a new connection from its own loopback address per session'}; ` +
        `${os.cpus().length} cores, load ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
    log(
      'round        sessions/s   p50 ms   p99 ms   max ms   node CPU/session   Redis CPU/session   client CPU/session   accept-queue drops   answers',
    );
    let next = 0;
    for (let round = 0; round < 4; round++) {
      const from = next;
      next += SESSIONS;
      const latencies: number[] = [];
      const answers = new Map<string, number>();
      const shared = REUSE
        ? Array.from({ length: CONCURRENCY }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }))
        : [];
      const [n0, r0, c0, o0] = [
        treeCpuMs(nodePid),
        await redisCpuMs(),
        process.cpuUsage(),
        listenOverflows(),
      ];
      const started = performance.now();
      let i = from;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, slot) => {
          while (i < next) {
            const k = i++;
            const agent =
              shared[slot] ?? new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: loopback(k) });
            const a = await post(port, JSON.stringify({ email: `s${k}.${runId}@bench.example.com` }), agent);
            if (!REUSE) agent.destroy();
            latencies.push(a.ms);
            const key = a.code ? `${a.status} ${a.code}` : String(a.status);
            answers.set(key, (answers.get(key) ?? 0) + 1);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const [n1, r1, c1, o1] = [
        treeCpuMs(nodePid),
        await redisCpuMs(),
        process.cpuUsage(c0),
        listenOverflows(),
      ];
      for (const a of shared) a.destroy();
      latencies.sort((a, b) => a - b);
      const per = (ms: number) => `${((ms * 1000) / SESSIONS).toFixed(0)} µs`.padStart(8);
      log(
        `${round === 0 ? 'warm-up' : `run ${round}`}`.padEnd(13) +
          `${(SESSIONS / seconds).toFixed(0)}`.padStart(10) +
          `${pct(latencies, 50).toFixed(1)}`.padStart(9) +
          `${pct(latencies, 99).toFixed(1)}`.padStart(9) +
          `${latencies.at(-1)!.toFixed(1)}`.padStart(9) +
          `${per(n1 - n0)}`.padStart(19) +
          `${per(r1 - r0)}`.padStart(20) +
          `${per((c1.user + c1.system) / 1000)}`.padStart(21) +
          `${o1 - o0}`.padStart(21) +
          `   ${[...answers].map(([k, v]) => `${k}×${v}`).join(', ')}`,
      );
    }
    log(
      `load after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await node?.stop();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    // The buyer rows are this bench's alone (its own database): drop them so the next run starts alike.
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    await c.query(`DELETE FROM "Buyer" WHERE email LIKE '%@bench.example.com'`).catch(() => undefined);
    await c.end();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
