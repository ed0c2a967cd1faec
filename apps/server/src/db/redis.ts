import { Cluster, Redis as SingleRedis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/redis.ts';

/**
 * A Redis connection: one server (or a Sentinel-guarded master, which ioredis follows through failovers) or a
 * Redis Cluster. Both speak the same commands; on a cluster every script and transaction must touch keys of one
 * slot (one hash tag), which the modules that own keys guarantee.
 */
export type Redis = SingleRedis | Cluster;
export type { SingleRedis };

/**
 * ioredis connection to one server. `maxRetriesPerRequest: null` is what BullMQ needs; other callers get fast
 * failures through their own timeouts instead.
 */
export function createRedis(url: string, opts: RedisOptions = {}): SingleRedis {
  return new SingleRedis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...opts,
  });
}

/**
 * A connection to wherever the configuration says Redis is. `opts` apply to every server connection (for a
 * cluster: to each node's connection, through `redisOptions`).
 */
export function connectRedis(target: RedisTarget, opts: RedisOptions = {}): Redis {
  switch (target.kind) {
    case 'single':
      return createRedis(target.url, opts);
    case 'sentinel':
      return new SingleRedis({
        maxRetriesPerRequest: null,
        enableReadyCheck: true,
        ...opts,
        sentinels: target.sentinels,
        name: target.masterName,
        password: target.password,
      });
    case 'cluster': {
      const { connectionName, ...rest } = opts;
      const clusterOptions: ClusterOptions = {
        // Scripts and pipelines of one showtime stay on its slot's master; reads go there too (no stale replicas).
        scaleReads: 'master',
        enableReadyCheck: true,
        redisOptions: {
          maxRetriesPerRequest: null,
          password: target.password,
          ...(connectionName ? { connectionName } : {}),
          ...rest,
        },
      };
      return new Cluster(target.nodes, clusterOptions);
    }
  }
}

/** True for a Redis Cluster connection (sharded pub/sub, per-slot pipelines). */
export function isCluster(redis: Redis): redis is Cluster {
  return redis instanceof Cluster;
}

/**
 * A new connection to the same Redis with other options (subscribers, blocking readers): for a cluster, to the
 * same cluster, with `opts` applied to each node's connection.
 */
export function duplicateRedis(redis: Redis, opts: RedisOptions = {}): Redis {
  if (redis instanceof Cluster) {
    const { lazyConnect, ...nodeOpts } = opts;
    return redis.duplicate(undefined, {
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
      redisOptions: { ...redis.options.redisOptions, ...nodeOpts },
    });
  }
  return redis.duplicate(opts);
}
