import type { Server } from 'node:http';
import type { Container } from './container.ts';
import { checkReadiness, type InventoryReadiness, type Readiness } from './application/health/readiness.ts';
import { startOpsServer, type OpsServer } from './http/ops-server.ts';
import type { RealtimeServer } from './realtime/types.ts';

/** Whether the node is draining (SIGTERM received): readiness answers 503 from then on, on both ports. */
export interface NodeLifecycle {
  draining: boolean;
}

/** The node's readiness (public `/readyz` and the operations port's): not ready while draining. */
export function nodeReadiness(
  c: Container,
  lifecycle: NodeLifecycle,
  inventory?: InventoryReadiness,
): () => Promise<Readiness> {
  return async () => {
    if (lifecycle.draining) return { ready: false, checks: { drain: 'draining' } };
    return checkReadiness({
      redis: c.redis,
      prisma: c.prisma,
      databaseUrl: c.config.databaseUrl,
      ...(inventory ? { inventory } : {}),
      logger: c.logger,
    });
  };
}

/** Starts the operations port (`/metrics`, `/healthz`, `/readyz`) unless it is off (`port` null). */
export async function startOps(
  c: Container,
  port: number | null,
  readiness: () => Promise<Readiness>,
): Promise<OpsServer | null> {
  if (port === null) return null;
  return startOpsServer({
    port,
    host: c.config.host,
    metrics: c.metrics,
    readiness,
    onError: (err) => c.logger.error({ err }, 'operations port request failed'),
  });
}

/**
 * The web role's graceful drain: stop accepting connections (the balancer's next connect goes to another node),
 * close every Socket.IO connection at the transport (the client sees "transport close" and reconnects — through
 * the balancer, to a node that still listens), then let in-flight HTTP requests finish, at most `timeoutMs`;
 * whatever is still open then is cut. Keep-alive connections are closed as soon as they fall idle.
 */
export async function drainWeb(
  server: Server,
  io: RealtimeServer | null,
  timeoutMs: number,
  logger: Container['logger'],
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  if (io) for (const socket of io.of('/').sockets.values()) socket.conn.close();
  server.closeIdleConnections();
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([
    closed.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    }),
  ]);
  clearInterval(idle);
  clearTimeout(timer);
  if (late) {
    logger.warn({ timeoutMs }, 'drain timed out: closing the connections still open');
    server.closeAllConnections();
    await closed;
  }
}
