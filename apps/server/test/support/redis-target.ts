/**
 * The Redis the tests run on: the single Redis (REDIS_URL, default 127.0.0.1:6379), or — in cluster mode — a Redis
 * Cluster (REDIS_CLUSTER_NODES given to the run, or SEATRUSH_TEST_REDIS=cluster: global-setup.ts starts a 3-master
 * one from redis-server binaries). `testConfig` and every helper that opens its own connection go through here, so a
 * suite written once runs on both. docs/qa.md ("Tests on a Redis Cluster") says how to run a file in cluster mode.
 */
import { randomBytes } from 'node:crypto';
import type { RedisOptions } from 'ioredis';
import { afterAll, inject } from 'vitest';
import { connectRedis, isCluster, type Redis } from '../../src/db/redis.ts';
import type { RedisTarget } from '../../src/config/index.ts';

export const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `host:port,…` of the run's cluster, or '' on a single Redis. */
export const clusterNodes = (): string => inject('redisClusterNodes') ?? '';

/** True when this run's tests use a Redis Cluster. */
export const onCluster = (): boolean => clusterNodes() !== '';

/** The environment that points a config at the run's Redis (merged into `testConfig`). */
export function testRedisEnv(): Record<string, string> {
  const nodes = clusterNodes();
  return nodes ? { REDIS_CLUSTER_NODES: nodes } : { REDIS_URL: redisUrl() };
}

/** Where the run's Redis is, as the server's config says it. */
export function testRedisTarget(): RedisTarget {
  const nodes = clusterNodes();
  if (!nodes) return { kind: 'single', url: redisUrl() };
  return {
    kind: 'cluster',
    password: undefined,
    nodes: nodes.split(',').map((n) => {
      const [host, port] = n.trim().split(':');
      return { host: host!, port: Number(port) };
    }),
  };
}

/** A new connection to the run's Redis (a Cluster client in cluster mode); the caller disconnects it. */
export function testRedis(opts: RedisOptions = {}): Redis {
  return connectRedis(testRedisTarget(), opts);
}

/**
 * The keys matching `pattern` (a SCAN pattern such as `t1a2b:*`) on every master: on a cluster a key lives on its
 * slot's master, so a SCAN of one node sees only its share.
 */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const nodes = isCluster(redis) ? redis.nodes('master') : [redis];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** A unique Redis key prefix so test files never see each other's keys. */
export const testPrefix = () => `t${randomBytes(4).toString('hex')}`;

/**
 * A test file's own Redis: a connection to the run's Redis and a fresh key prefix, tidied after the file's tests
 * (every key under the prefix deleted, the connection closed). Call it at the top of the file: it registers its
 * own `afterAll`.
 */
export function fileRedis(opts: RedisOptions = {}): { redis: Redis; prefix: string } {
  const redis = testRedis(opts);
  const prefix = testPrefix();
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });
  return { redis, prefix };
}

/** Deletes every key under `prefix` (`<prefix>:*`) wherever it lives; one key per command (any slot). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await scanKeys(redis, `${prefix}:*`);
  for (let i = 0; i < keys.length; i += 500)
    await Promise.all(keys.slice(i, i + 500).map((k) => redis.unlink(k)));
}
