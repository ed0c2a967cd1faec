import { route, type RouteDef } from './route.ts';
import type { Container } from '../container.ts';
import { migrationStatus } from '../../../../prisma/migrate.ts';

/** Liveness, readiness and Prometheus metrics. */
export function healthRoutes(c: Pick<Container, 'redis' | 'prisma' | 'metrics' | 'config'>): RouteDef[] {
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
      summary: 'Readiness: Redis and PostgreSQL reachable, migrations applied',
      tags: ['ops'],
      handler: async () => {
        const checks: Record<string, string> = {};
        const withTimeout = <T>(p: Promise<T>) =>
          Promise.race([
            p,
            new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000)),
          ]);
        try {
          await withTimeout(c.redis.ping());
          checks.redis = 'ok';
        } catch (e) {
          checks.redis = `unreachable: ${(e as Error).message}`;
        }
        try {
          await withTimeout(c.prisma.$queryRaw`SELECT 1`);
          const status = await withTimeout(migrationStatus(c.config.databaseUrl));
          checks.postgres = 'ok';
          checks.migrations = status.pending.length ? `pending: ${status.pending.join(', ')}` : 'ok';
        } catch (e) {
          checks.postgres = `unreachable: ${(e as Error).message}`;
        }
        const ready = Object.values(checks).every((v) => v === 'ok');
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
