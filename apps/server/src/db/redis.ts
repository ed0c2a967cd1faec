import { Cluster, Redis as SingleRedis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/redis.ts';

/**
 * A Redis connection: one server (or a Sentinel-guarded master, which ioredis follows through failovers) or a
 * Redis Cluster. Both speak the same commands; on a cluster every script and transaction must touch keys of one
 * slot (one hash tag), which the modules that own keys guarantee.
 */
export type Redis = SingleRedis | Cluster;
export type { SingleRedis };

/** Every connection here maps replies as ioredis always did (RESP2 shapes), the only mapping its callers read. */
const legacyReplies = (o: RedisOptions) => o as RedisOptions & { replyMapping?: 'legacy' };

/** The ioredis internals `ServerClient` uses (private in its types). */
interface ClientInternals {
  manuallyClosing: boolean;
  setStatus(status: 'end'): void;
  flushQueue(error: Error): void;
}

/**
 * A server (or Sentinel-guarded master) connection that ends when told to, whatever state it is in. ioredis 6.0's
 * `disconnect()` on a client waiting to reconnect (status `reconnecting`: its socket already closed) cancels the
 * reconnect and ends nothing — no `end` event, the status stays (redis/ioredis#1247). BullMQ's `Worker.close()`
 * disconnects its blocking connection and waits for `end`, so a worker whose blocking connection was between two
 * reconnect attempts never finished closing: after a Sentinel failover that was the worker role's hanging stop
 * (issue 18). Duplicates — BullMQ's blocking connections are duplicates of the one it is given — are of this class.
 */
class ServerClient extends SingleRedis {
  override disconnect(reconnect = false): void {
    const stranded = !reconnect && this.status === 'reconnecting';
    super.disconnect(reconnect);
    if (stranded && this.status === 'reconnecting') {
      // What ioredis does when a manually closed socket closes: end, and fail what waited for a connection.
      const self = this as unknown as ClientInternals;
      self.manuallyClosing = false;
      self.setStatus('end');
      self.flushQueue(new Error('Connection is closed.'));
    }
  }

  override duplicate(override?: Partial<RedisOptions>): SingleRedis {
    return new ServerClient(legacyReplies({ ...this.options, ...(override ?? {}) }));
  }
}

/**
 * ioredis connection to one server. `maxRetriesPerRequest: null` is what BullMQ needs; other callers get fast
 * failures through their own timeouts instead.
 */
export function createRedis(url: string, opts: RedisOptions = {}): SingleRedis {
  return new ServerClient(
    url,
    legacyReplies({ maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...opts }),
  );
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
      return new ServerClient(
        legacyReplies({
          maxRetriesPerRequest: null,
          enableReadyCheck: true,
          ...opts,
          sentinels: target.sentinels,
          name: target.masterName,
          password: target.password,
        }),
      );
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
