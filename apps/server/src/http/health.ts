import { route, type RouteDef } from './route.ts';
import type { Readiness } from '../application/health/readiness.ts';
import type { Metrics } from '../observability/metrics.ts';

/** Liveness, readiness and Prometheus metrics. */
export function healthRoutes(c: { readiness: () => Promise<Readiness>; metrics: Metrics }): RouteDef[] {
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
        'Readiness: Redis and PostgreSQL reachable, migrations applied, every showtime on sale live in Redis',
      tags: ['ops'],
      handler: async () => {
        const { ready, checks } = await c.readiness();
        return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', checks } };
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      access: 'public',
      summary: 'Prometheus metrics',
      tags: ['ops'],
      handler: async ({ res }) => {
        res.setHeader('content-type', c.metrics.registry.contentType);
        res.end(await c.metrics.registry.metrics());
        return undefined;
      },
    }),
  ];
}
