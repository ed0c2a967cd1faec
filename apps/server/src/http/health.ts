import { route, type RouteDef } from './route.ts';
import type { Readiness } from '../application/health/readiness.ts';

/**
 * Liveness and readiness on the public port, for load balancers that probe the port they send traffic to.
 * Prometheus metrics are not here: they live on the operations port (http/ops-server.ts, METRICS_PORT), which the
 * balancer does not forward.
 */
export function healthRoutes(c: { readiness: () => Promise<Readiness> }): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/healthz',
      access: 'public',
      summary: 'Liveness: the process is up',
      tags: ['ops'],
      handler: () => ({ body: { status: 'ok' } }),
    }),
    route({
      method: 'get',
      path: '/readyz',
      access: 'public',
      summary:
        'Readiness: Redis and PostgreSQL reachable, migrations applied, every showtime on sale live in Redis, not draining',
      tags: ['ops'],
      handler: async () => {
        const { ready, checks } = await c.readiness();
        return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', checks } };
      },
    }),
  ];
}
