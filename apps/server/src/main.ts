import { parseArgs } from 'node:util';
import { ConfigError, configFromEnv } from './config/index.ts';
import { createContainer } from './container.ts';
import { startNode } from './node.ts';

/**
 * The composition root. `tsx src/main.ts --role web|worker|all` (default from ROLE, else all).
 * Shuts down gracefully on SIGINT/SIGTERM: readiness turns 503, the web role stops accepting, sockets are sent to
 * reconnect elsewhere and in-flight requests finish (at most DRAIN_TIMEOUT_MS); workers finish their current jobs.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string' } }, allowPositionals: true });
  let config;
  try {
    config = configFromEnv({ overrides: values.role ? { ROLE: values.role } : {} });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`seatrush: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  const c = createContainer(config);
  const node = await startNode(c, { web: config.role !== 'worker', worker: config.role !== 'web' });
  c.logger.info(
    { role: config.role, url: node.url || undefined, metrics: node.metricsUrl || undefined },
    'seatrush node started',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    c.logger.info({ signal }, 'shutting down');
    // The drain is bounded by DRAIN_TIMEOUT_MS; closing workers and connections after it gets a few seconds more.
    const force = setTimeout(() => process.exit(1), config.drainTimeoutMs + 5_000);
    force.unref();
    node
      .drain()
      .then(() => c.close())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        c.logger.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`seatrush: could not start: ${(err as Error).message}\n`);
  process.exit(1);
});
