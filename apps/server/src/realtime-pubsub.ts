import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Container } from './container.ts';
import { connectRedis, isCluster } from './db/redis.ts';
import type { RealtimePubSub } from './realtime/server.ts';

/**
 * The real-time layer's Redis connections: the Socket.IO adapter's pair (rooms shared by every node, channels under
 * `<prefix>:sio`), with `changes`, its consumer of the node's change subscriptions (one sharded channel per showtime,
 * followed while the showtime has a room on this node; shared with the sold-out gate, inventory/change-follows.ts).
 *
 * On a Redis Cluster the adapter is the sharded one (SPUBLISH/SSUBSCRIBE, ioredis with `shardedSubscribers`): a
 * broadcast to a room goes on that room's channel, on the master of its slot, and reaches only the nodes that have
 * the room — the classic adapter's PUBLISH would be copied to every master and every node. On one Redis (or a
 * Sentinel-guarded one) the classic adapter stays: one server sees all the traffic either way, and it is what every
 * suite has run on (docs/realtime.md, "Many nodes").
 */
export function realtimePubSub(c: Container, changes: RealtimePubSub['changes']): RealtimePubSub {
  const key = `${c.config.redisPrefix}:sio`;
  const pub = connectRedis(c.config.redis, { connectionName: 'sio-pub' });
  const sub = isCluster(pub)
    ? pub.duplicate(undefined, {
        shardedSubscribers: true,
        redisOptions: { ...pub.options.redisOptions, connectionName: 'sio-sub' },
      })
    : connectRedis(c.config.redis, { connectionName: 'sio-sub' });
  for (const r of [pub, sub])
    r.on('error', (err: Error) => c.logger.warn({ err: err.message }, 'realtime redis error'));
  let adapter: RealtimePubSub['adapter'];
  if (isCluster(pub) && isCluster(sub)) {
    // The sharded adapter fires its SSUBSCRIBE/SUNSUBSCRIBE without handling a failure (no subscriber for the slot
    // while a master's is being replaced): caught and logged here, or it would end the process as an unhandled
    // rejection. What ioredis recorded it subscribes again once that master's subscriber is back.
    for (const name of ['ssubscribe', 'sunsubscribe'] as const) {
      const original = sub[name].bind(sub) as (...channels: string[]) => Promise<unknown>;
      (sub as unknown as Record<string, unknown>)[name] = (...channels: string[]) =>
        original(...channels).catch((err: unknown) => {
          c.logger.warn({ err, channels }, `socket.io adapter ${name} failed`);
          return 0;
        });
    }
    adapter = createShardedAdapter(pub, sub, { channelPrefix: key, subscriptionMode: 'dynamic' });
  } else adapter = createAdapter(pub, sub, { key, requestsTimeout: 2_000 });
  return {
    adapter,
    changes,
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
