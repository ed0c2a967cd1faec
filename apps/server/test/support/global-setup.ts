import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../../../prisma/migrate.ts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeRedisClusterPorts, startRedisCluster } from '../../../../scripts/lib/redis.ts';
import { adminUrl } from './db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
    /** `host:port,…` of the Redis Cluster the run's tests use, or '' for the single Redis (redis-target.ts). */
    redisClusterNodes: string;
  }
}

/**
 * The run's Redis Cluster: REDIS_CLUSTER_NODES when given; with SEATRUSH_TEST_REDIS=cluster, a fresh 3-master
 * cluster from redis-server binaries on free ports, stopped at the end of the run; otherwise none.
 */
async function clusterForRun(): Promise<{ nodes: string; stop(): Promise<void> }> {
  const given = process.env.REDIS_CLUSTER_NODES?.trim();
  if (given) return { nodes: given, stop: async () => {} };
  if (process.env.SEATRUSH_TEST_REDIS !== 'cluster') return { nodes: '', stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'seatrush-test-cluster-'));
  const cluster = await startRedisCluster({ ports: await freeRedisClusterPorts(3), dir });
  return {
    nodes: cluster.nodes.join(','),
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds one migrated template database per test run; every integration test file clones it
 * (CREATE DATABASE ... TEMPLATE), which takes milliseconds instead of re-running migrations.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Unique per run: several runs (or engineers) may share one PostgreSQL server.
  const TEMPLATE_DB = `seatrush_tpl_${randomBytes(4).toString('hex')}`;
  project.provide('templateDb', TEMPLATE_DB);
  const cluster = await clusterForRun();
  project.provide('redisClusterNodes', cluster.nodes);
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${TEMPLATE_DB}`;
  await applyMigrations(url.toString());
  return async () => {
    await cluster.stop();
    const c = new pg.Client({ connectionString: adminUrl() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.end();
  };
}
