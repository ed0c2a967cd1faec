import { loadConfig, RATE_LIMITS_OFF, type Config } from '../../src/config/index.ts';
import { createContainer, type Container } from '../../src/container.ts';
import { startNode, type NodeServices, type RunningNode } from '../../src/node.ts';
import { createInventory, type Inventory } from '../../src/inventory/inventory.ts';
import { createTestDatabase } from './db.ts';
import { pino } from 'pino';
import { testRedisEnv, testPrefix } from './redis-target.ts';

export { redisUrl, testRedis, onCluster, testPrefix } from './redis-target.ts';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    // REDIS_URL, or REDIS_CLUSTER_NODES in cluster mode (redis-target.ts).
    ...testRedisEnv(),
    REDIS_PREFIX: testPrefix(),
    PORT: '0',
    // Every test node serves /metrics and health on an operations port of its own (node.metricsUrl).
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    // Tests stand in for the proxy (X-Forwarded-For per client, X-Forwarded-Proto https) from loopback; the
    // production default believes no one (see test/csrf.int.test.ts).
    TRUST_PROXY: 'loopback',
    // Suites create dozens of sessions from one address and fire thousands of holds from one buyer: the abuse
    // limits are off unless a test turns one on (test/rate-limits.int.test.ts).
    ...RATE_LIMITS_OFF,
    ...overrides,
  });
}

export interface TestStack {
  config: Config;
  container: Container;
  node: RunningNode;
  url: string;
  close(): Promise<void>;
}

/**
 * A fresh database, a fresh Redis prefix, and one in-process node with the roles asked for.
 * `extraNodes` can share the same database and prefix for multi-node tests.
 */
export async function startTestStack(
  opts: {
    worker?: boolean;
    web?: boolean;
    env?: Record<string, string>;
    services?: Partial<NodeServices>;
  } = {},
): Promise<TestStack> {
  const db = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: db.url, ...(opts.env ?? {}) });
  // TEST_LOG_LEVEL=error (say) shows the node's own logs while debugging a test.
  const container = createContainer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  const node = await startNode(container, {
    web: opts.web ?? true,
    worker: opts.worker ?? false,
    port: 0,
    ...(opts.services ? { services: opts.services } : {}),
  });
  return {
    config,
    container,
    node,
    url: node.url,
    async close() {
      await node.stop();
      await container.close();
      await db.drop();
    },
  };
}

export interface ExtraNode {
  container: Container;
  node: RunningNode;
  url: string;
  /** Stops the node (its sockets are disconnected) and closes its connections. */
  close(): Promise<void>;
}

/**
 * Another in-process node on the same config as `stack` — same database, same Redis prefix — with its own
 * container (connections, metrics, logger), as a separate server process would have. For multi-node tests.
 */
export async function startExtraNode(
  stack: Pick<TestStack, 'config'>,
  opts: { web?: boolean; worker?: boolean } = {},
): Promise<ExtraNode> {
  const container = createContainer(stack.config, pino({ level: 'silent' }));
  const node = await startNode(container, { web: opts.web ?? true, worker: opts.worker ?? false, port: 0 });
  let closed = false;
  return {
    container,
    node,
    url: node.url,
    async close() {
      if (closed) return;
      closed = true;
      await node.stop();
      await container.close();
    },
  };
}

/** The stack's live inventory, for a test to read or change directly (a silent logger; `now` to shift its clock). */
export function stackInventory(
  stack: Pick<TestStack, 'container' | 'config'>,
  now?: () => number,
): Inventory {
  return createInventory({
    redis: stack.container.redis,
    prisma: stack.container.prisma,
    prefix: stack.config.redisPrefix,
    logger: pino({ level: 'silent' }),
    ...(now ? { now } : {}),
  });
}
