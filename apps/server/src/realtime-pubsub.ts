import { createAdapter } from '@socket.io/redis-adapter';
import type { Container } from './container.ts';
import { createRedis } from './db/redis.ts';
import type { RealtimePubSub } from './realtime/server.ts';

/**
 * The real-time layer's Redis connections: the Socket.IO adapter's pair (rooms shared by every node, channels under
 * `<prefix>:sio`) and a subscriber for the inventory's change channel.
 */
export function realtimePubSub(c: Container, changesChannel: string): RealtimePubSub {
  const pub = createRedis(c.config.redisUrl, { connectionName: 'sio-pub' });
  const sub = createRedis(c.config.redisUrl, { connectionName: 'sio-sub' });
  const subscriber = createRedis(c.config.redisUrl, { connectionName: 'inventory-sub' });
  for (const r of [pub, sub, subscriber])
    r.on('error', (err) => c.logger.warn({ err: err.message }, 'realtime redis error'));
  return {
    adapter: createAdapter(pub, sub, { key: `${c.config.redisPrefix}:sio`, requestsTimeout: 2_000 }),
    changes: { subscriber, channel: changesChannel },
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
