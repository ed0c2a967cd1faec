/**
 * Redis servers that a launcher or a test suite owns, on ports of its own (never the machine's shared Redis): one
 * server with AOF that can be killed and restarted from its AOF (bench/chaos), and a local Redis Cluster of N
 * masters (`npm run cluster -- --redis-cluster 3`, the tests' cluster mode). Both come from the machine's
 * redis-server and redis-cli binaries.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { SetupError, ensureRedisBinary, pingRedis } from './services.ts';

export interface OwnRedis {
  url: string;
  port: number;
  /** The running redis-server (replaced by `restart`). */
  child(): ChildProcess;
  /** kill -9: what a crash looks like; the AOF keeps what was fsynced. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (it loads its AOF). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const quietLog = () => {};

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

async function waitPing(url: string, child: ChildProcess, logFile: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await pingRedis(url, 200)) return;
    if (child.exitCode !== null) throw new SetupError(`redis-server exited at start; see ${logFile}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new SetupError(`redis-server did not answer at ${url}; see ${logFile}.`);
}

/** One redis-server on `port` under `dir`, with AOF (fsync every second) unless `aof` is false. */
export async function startOwnRedis(opts: {
  port: number;
  dir: string;
  aof?: boolean;
  extraArgs?: string[];
}): Promise<OwnRedis> {
  const bin = ensureRedisBinary(quietLog);
  mkdirSync(opts.dir, { recursive: true });
  const logFile = join(opts.dir, 'redis.log');
  const url = `redis://127.0.0.1:${opts.port}`;
  const args = [
    '--port',
    String(opts.port),
    '--bind',
    '127.0.0.1',
    '--dir',
    opts.dir,
    '--appendonly',
    opts.aof === false ? 'no' : 'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    '--logfile',
    logFile,
    ...(opts.extraArgs ?? []),
  ];
  let child: ChildProcess;
  const start = async () => {
    child = spawn(bin, args, { stdio: 'ignore' });
    await waitPing(url, child, logFile);
  };
  await start();
  const onExit = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.on('exit', onExit);
  return {
    url,
    port: opts.port,
    child: () => child,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    restart: start,
    async stop() {
      process.off('exit', onExit);
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

export interface RedisCluster {
  /** `127.0.0.1:port` of every master: what REDIS_CLUSTER_NODES lists. */
  nodes: string[];
  stop(): Promise<void>;
}

/** `redis-cli` beside redis-server (the Debian package ships both). */
function redisCli(serverBin: string): string {
  const beside = join(dirname(serverBin), 'redis-cli');
  if (existsSync(beside)) return beside;
  const r = spawnSync('sh', ['-c', 'command -v redis-cli'], { encoding: 'utf8' });
  if (r.status === 0) return r.stdout.trim();
  throw new SetupError('redis-cli is not installed (Debian package "redis-tools" or "redis-server").');
}

function cli(bin: string, args: string[]): string {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new SetupError(`redis-cli ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/**
 * A local Redis Cluster: one master per port (no replicas), each a redis-server with `cluster-enabled yes` and its
 * own directory under `dir` (wiped first: a cluster is created fresh), joined with
 * `redis-cli --cluster create … --cluster-yes`, and returned once every master reports `cluster_state:ok`.
 */
export async function startRedisCluster(opts: { ports: number[]; dir: string }): Promise<RedisCluster> {
  if (opts.ports.length < 3) throw new SetupError('A Redis Cluster needs at least 3 masters.');
  const bin = ensureRedisBinary(quietLog);
  const cliBin = redisCli(bin);
  const servers: ChildProcess[] = [];
  const onExit = () => {
    for (const s of servers) if (s.exitCode === null) s.kill('SIGKILL');
  };
  process.on('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    for (const s of servers) if (s.exitCode === null) s.kill('SIGTERM');
    await Promise.all(servers.map(exited));
  };
  try {
    for (const port of opts.ports) {
      const dir = join(opts.dir, String(port));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const logFile = join(dir, 'redis.log');
      const child = spawn(
        bin,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, 'nodes.conf'),
          '--appendonly',
          'no',
          '--save',
          '',
          '--logfile',
          logFile,
        ],
        { stdio: 'ignore' },
      );
      servers.push(child);
      await waitPing(`redis://127.0.0.1:${port}`, child, logFile);
    }
    const nodes = opts.ports.map((p) => `127.0.0.1:${p}`);
    cli(cliBin, ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    for (let i = 0; ; i++) {
      const states = opts.ports.map((p) => cli(cliBin, ['-p', String(p), 'cluster', 'info']));
      if (states.every((s) => /cluster_state:ok/.test(s))) break;
      if (i > 100) throw new SetupError('The Redis Cluster did not reach cluster_state:ok in 10 s.');
      await new Promise((r) => setTimeout(r, 100));
    }
    return { nodes, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * `count` ports for a Redis Cluster that are free now, each with its cluster bus port (port + 10000) free too.
 * Drawn at random from 20000–29999 (below the kernel's ephemeral range, whose +10000 would overflow), so that
 * several test runs on one machine do not collide.
 */
export async function freeRedisClusterPorts(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (10_000 - count));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    let ok = true;
    for (const p of ports) if (!(await portFree(p)) || !(await portFree(p + 10_000))) ok = false;
    if (ok) return ports;
  }
  throw new SetupError(`Found no ${count} free ports (with their bus ports) for a Redis Cluster.`);
}
