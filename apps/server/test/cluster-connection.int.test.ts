import { describe, expect, it } from 'vitest';
import { isCluster } from '../src/db/redis.ts';
import { testConfig } from './support/env.ts';
import { clusterNodes, fileRedis, onCluster, scanKeys } from './support/redis-target.ts';

/**
 * The tests' cluster mode (issue 18): with SEATRUSH_TEST_REDIS=cluster (or REDIS_CLUSTER_NODES) every suite's config
 * and own connections go to a real Redis Cluster of three masters. On a single Redis this file checks that nothing
 * points at a cluster.
 */
const { redis, prefix } = fileRedis();

describe.runIf(onCluster())('on a Redis Cluster', () => {
  it('testConfig and testRedis point at the run cluster of three masters', async () => {
    const config = testConfig();
    expect(config.redis.kind).toBe('cluster');
    if (!isCluster(redis)) throw new Error('testRedis() is not a Cluster client');
    await redis.ping();
    expect(redis.nodes('master')).toHaveLength(3);
    expect(clusterNodes().split(',')).toHaveLength(3);
  });

  it('keys spread over the masters, and a multi-key command across slots is refused (CROSSSLOT)', async () => {
    for (let i = 0; i < 30; i++) await redis.set(`${prefix}:spread:${i}`, String(i));
    if (!isCluster(redis)) throw new Error('testRedis() is not a Cluster client');
    let holding = 0;
    for (const node of redis.nodes('master')) {
      let cursor = '0';
      let mine = 0;
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:spread:*`, 'COUNT', 1000);
        cursor = next;
        mine += keys.length;
      } while (cursor !== '0');
      if (mine > 0) holding++;
    }
    expect(holding).toBeGreaterThan(1);
    expect(await scanKeys(redis, `${prefix}:spread:*`)).toHaveLength(30);
    await expect(redis.mget(`${prefix}:a`, `${prefix}:b`, `${prefix}:c`, `${prefix}:d`)).rejects.toThrow(
      /CROSSSLOT/,
    );
    // One hash tag: one slot, so the same command is served.
    expect(await redis.mget(`${prefix}:{x}:a`, `${prefix}:{x}:b`)).toEqual([null, null]);
  });
});

describe.skipIf(onCluster())('on a single Redis', () => {
  it('testConfig and testRedis point at REDIS_URL', async () => {
    expect(testConfig().redis.kind).toBe('single');
    expect(isCluster(redis)).toBe(false);
    expect(await redis.ping()).toBe('PONG');
  });
});
