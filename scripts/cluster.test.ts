/**
 * `npm run cluster` (issue 18) end to end: nginx in front of two web nodes and a worker, one URL, /metrics not
 * forwarded, each node's operations port answering, and a clean Ctrl-C that leaves no process behind; with
 * `--redis-cluster 3`, the same on a local Redis Cluster of three masters that goes away with the rest. Also: the
 * local Redis Cluster comes up from redis-server binaries and goes away.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRedisCluster } from './lib/redis.ts';
import { launch, readyLine, stopWithCtrlC } from './test-support/launcher.ts';

const PORT = 4110; // nginx; web nodes 4111-4112, operations ports 4113-4115

const hasNginx = spawnSync('sh', ['-c', 'command -v nginx || test -x /usr/sbin/nginx']).status === 0;

describe('npm run cluster', () => {
  it.skipIf(!hasNginx)(
    'starts nginx, two web nodes and a worker, prints one URL, and stops them all on Ctrl-C',
    async () => {
      const db = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
      db.pathname = '/seatrush_h3_cluster_smoke';
      const cluster = launch(['cluster', '--web', '2', '--workers', '1', '--port', String(PORT)], {
        ...process.env,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        DATABASE_URL: db.toString(),
        LOG_LEVEL: 'warn',
      });
      const ready = await readyLine(cluster, 'Seatrush cluster ready: ', 150_000);
      expect(ready).toMatch(new RegExp(`^Seatrush cluster ready: http://localhost:${PORT}/ `));
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

      await stopWithCtrlC(cluster, 4);
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
      const cluster = launch(
        ['cluster', '--web', '1', '--workers', '1', '--port', String(port), '--redis-cluster', '3'],
        // A REDIS_URL of the environment is not used: the nodes get the cluster's REDIS_CLUSTER_NODES.
        { ...process.env, DATABASE_URL: db.toString(), LOG_LEVEL: 'warn' },
      );
      await readyLine(cluster, 'Seatrush cluster ready: ', 180_000);
      const output = cluster.output();
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

      await stopWithCtrlC(cluster);
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
