import { z } from 'zod';

/** Where Redis is: one server (REDIS_URL), a Redis Cluster, or a Sentinel-guarded master. */
export const redisEnv = {
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /**
   * A Redis Cluster instead of REDIS_URL: comma-separated `host:port` of some of its nodes (the rest are discovered).
   * Every key a script or a transaction touches shares one hash tag, so any slot layout works.
   */
  REDIS_CLUSTER_NODES: z.string().optional(),
  /** A Sentinel-guarded Redis instead of REDIS_URL: comma-separated `host:port` of the sentinels … */
  REDIS_SENTINELS: z.string().optional(),
  /** … and the name of the master they guard. */
  REDIS_SENTINEL_MASTER: z.string().min(1).default('mymaster'),
  /** Password of the cluster's nodes or of the sentinel-guarded master (a single Redis takes it in REDIS_URL). */
  REDIS_PASSWORD: z.string().optional(),
  /**
   * How long (ms) a node stays subscribed to a showtime's change channel after the showtime's last socket left it:
   * a reload or a quick return re-uses the subscription instead of reading the change log again. 0 = leave at once.
   */
  REALTIME_UNFOLLOW_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
};

type RedisEnv = z.output<z.ZodObject<typeof redisEnv>>;

export interface RedisNode {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; password: string | undefined }
  | { kind: 'sentinel'; sentinels: RedisNode[]; masterName: string; password: string | undefined };

/** `host:port,host:port` → nodes, or the problem in one sentence. */
function redisNodes(name: string, list: string): RedisNode[] | string {
  const nodes: RedisNode[] = [];
  for (const entry of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(entry);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) return `${name}: "${entry}" is not host:port (e.g. 10.0.0.5:6379).`;
    nodes.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port });
  }
  return nodes.length ? nodes : `${name} lists no host:port.`;
}

/** The Redis the environment names, or the problem in one sentence. */
export function redisTarget(e: RedisEnv): RedisTarget | string {
  if (e.REDIS_CLUSTER_NODES && e.REDIS_SENTINELS)
    return 'Give REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both.';
  if (e.REDIS_CLUSTER_NODES) {
    const nodes = redisNodes('REDIS_CLUSTER_NODES', e.REDIS_CLUSTER_NODES);
    return typeof nodes === 'string' ? nodes : { kind: 'cluster', nodes, password: e.REDIS_PASSWORD };
  }
  if (e.REDIS_SENTINELS) {
    const sentinels = redisNodes('REDIS_SENTINELS', e.REDIS_SENTINELS);
    return typeof sentinels === 'string'
      ? sentinels
      : { kind: 'sentinel', sentinels, masterName: e.REDIS_SENTINEL_MASTER, password: e.REDIS_PASSWORD };
  }
  return { kind: 'single', url: e.REDIS_URL };
}
