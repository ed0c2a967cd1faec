/**
 * `npm run cluster` (issue 18) end to end: nginx in front of two web nodes and a worker, one URL, /metrics not
 * forwarded, each node's operations port answering, and a clean Ctrl-C that leaves no process behind; with
 * `--redis-cluster 3`, the same on a local Redis Cluster of three masters that goes away with the rest. Also: the
 * local Redis Cluster comes up from redis-server binaries and goes away.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFailed } from 'vitest';
import { startRedisCluster } from './lib/redis.ts';

const root = join(import.meta.dirname, '..');
const PORT = 4110; // nginx; web nodes 4111-4112, operations ports 4113-4115

function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows)
      if (parent === p) {
        out.push(child);
        walk(child);
      }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const hasNginx = spawnSync('sh', ['-c', 'command -v nginx || test -x /usr/sbin/nginx']).status === 0;

describe('npm run cluster', () => {
  it.skipIf(!hasNginx)(
    'starts nginx, two web nodes and a worker, prints one URL, and stops them all on Ctrl-C',
    async () => {
      const db = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
      db.pathname = '/seatrush_h3_cluster_smoke';
      const child = spawn(
        process.execPath,
        ['scripts/bootstrap.mjs', 'cluster', '--web', '2', '--workers', '1', '--port', String(PORT)],
        {
          cwd: root,
          env: {
            ...process.env,
            REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
            DATABASE_URL: db.toString(),
            LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const ready = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line within 150 s:\n${output}`)), 150_000);
        child.stdout.on('data', () => {
          const line = output.split('\n').find((l) => l.startsWith('Seatrush cluster ready: '));
          if (line) {
            clearTimeout(timer);
            resolve(line);
          }
        });
        child.on('exit', (code) => reject(new Error(`npm run cluster exited (${code}):\n${output}`)));
      });
      expect(ready).toMatch(new RegExp(`^Seatrush cluster ready: http://localhost:${PORT}/ `));
      // A failed expectation must not leave the cluster running.
      onTestFailed(() => void child.kill('SIGINT'));
      const url = `http://127.0.0.1:${PORT}`;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await fetch(`${url}/api/events`)).status).toBe(200);
      // nginx forwards the public port only: /metrics is not served there; each node has its own.
      const publicMetrics = await fetch(`${url}/metrics`);
      expect(publicMetrics.status).toBe(404);
      expect(await publicMetrics.text()).not.toMatch(/seatrush_/);
      for (const port of [4113, 4114, 4115]) {
        const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toMatch(/^# TYPE seatrush_orders_total counter$/m);
      }
      // Round-robin reaches both web nodes: each one's request counter moves.
      for (let i = 0; i < 6; i++) await fetch(`${url}/api/events`);
      for (const port of [4113, 4114])
        expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(
          /^seatrush_http_requests_total\{[^}]*route="\/api\/events"[^}]*\} [1-9]/m,
        );

      const tree = descendants(child.pid!);
      expect(tree.length).toBeGreaterThan(4);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect([0, 130]).toContain(await exited);
      for (let i = 0; i < 50 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 200));
      expect(tree.filter(alive)).toEqual([]);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    },
    240_000,
  );

  it.skipIf(!hasNginx)(
    '--redis-cluster 3 starts a local Redis Cluster that every node uses, and stops it with the rest',
    async () => {
      const db = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
      db.pathname = '/seatrush_h3_cluster_redis';
      const port = 4120; // web node 4121, operations ports 4122-4123
      const child = spawn(
        process.execPath,
        [
          'scripts/bootstrap.mjs',
          'cluster',
          '--web',
          '1',
          '--workers',
          '1',
          '--port',
          String(port),
          '--redis-cluster',
          '3',
        ],
        {
          cwd: root,
          // A REDIS_URL of the environment is not used: the nodes get the cluster's REDIS_CLUSTER_NODES.
          env: { ...process.env, DATABASE_URL: db.toString(), LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      onTestFailed(() => void child.kill('SIGINT'));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line within 180 s:\n${output}`)), 180_000);
        child.stdout.on('data', () => {
          if (output.includes('Seatrush cluster ready: ')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`npm run cluster exited (${code}):\n${output}`)));
      });
      expect(output).toMatch(/^Seatrush cluster ready: .*a Redis Cluster of 3 masters\)$/m);
      const masters = /^Redis Cluster: 3 masters at (.+) \(data in /m.exec(output)?.[1]?.split(', ') ?? [];
      expect(masters).toHaveLength(3);
      const redisPorts = masters.map((m) => Number(m.split(':')[1]));
      const url = `http://127.0.0.1:${port}`;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await fetch(`${url}/api/events`)).status).toBe(200);
      // The nodes' data is in the cluster, spread over its masters (the worker's queues, each on its own tag).
      const keysOn = (p: number) =>
        Number(execFileSync('redis-cli', ['-p', String(p), 'dbsize'], { encoding: 'utf8' }).trim());
      const counts = redisPorts.map(keysOn);
      expect(counts.filter((n) => n > 0).length).toBeGreaterThan(1);

      const tree = descendants(child.pid!);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect([0, 130]).toContain(await exited);
      for (let i = 0; i < 50 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 200));
      expect(tree.filter(alive)).toEqual([]);
      for (const p of redisPorts)
        expect(spawnSync('redis-cli', ['-p', String(p), 'ping'], { encoding: 'utf8' }).stdout).not.toMatch(
          /PONG/,
        );
    },
    300_000,
  );
});

describe('a local Redis Cluster', () => {
  it('comes up with three masters (cluster_state:ok, every slot served) and goes away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatrush-redis-cluster-'));
    const ports = [4170, 4171, 4172];
    const cluster = await startRedisCluster({ ports, dir });
    try {
      expect(cluster.nodes).toEqual(ports.map((p) => `127.0.0.1:${p}`));
      for (const p of ports) {
        const info = execFileSync('redis-cli', ['-p', String(p), 'cluster', 'info'], { encoding: 'utf8' });
        expect(info).toMatch(/cluster_state:ok/);
        expect(info).toMatch(/cluster_slots_assigned:16384/);
        expect(info).toMatch(/cluster_known_nodes:3/);
      }
      // A key lands on its slot's master; -c follows the redirect from any node.
      execFileSync('redis-cli', ['-c', '-p', '4170', 'set', '{st:42}:probe', 'x']);
      expect(
        execFileSync('redis-cli', ['-c', '-p', '4172', 'get', '{st:42}:probe'], { encoding: 'utf8' }),
      ).toBe('x\n');
    } finally {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    for (const p of ports) expect(spawnSync('redis-cli', ['-p', String(p), 'ping']).status).not.toBe(0);
  });
});
