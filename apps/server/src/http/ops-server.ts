import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readiness } from '../application/health/readiness.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface OpsServer {
  /** `http://127.0.0.1:<port>` once listening. */
  url: string;
  close(): Promise<void>;
}

/**
 * The operations port of a process, whatever its role (METRICS_PORT): `GET /metrics` (Prometheus text),
 * `GET /healthz` (the process is up) and `GET /readyz` (its dependencies answer and it is not draining; 503
 * otherwise). A bare `http` server, so a scrape costs no Express machinery and works on a worker, which has no
 * public port. Nothing else is served here, and the balancer in front of the public port never forwards to it.
 */
export async function startOpsServer(deps: {
  port: number;
  host: string;
  metrics: Metrics;
  readiness: () => Promise<Readiness>;
  onError: (err: unknown) => void;
}): Promise<OpsServer> {
  const json = (status: number, body: unknown) => ({
    status,
    type: 'application/json; charset=utf-8',
    text: JSON.stringify(body),
  });
  const answer = async (path: string): Promise<{ status: number; type: string; text: string }> => {
    if (path === '/metrics')
      return {
        status: 200,
        type: deps.metrics.registry.contentType,
        text: await deps.metrics.registry.metrics(),
      };
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      const { ready, checks } = await deps.readiness();
      return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
    }
    return json(404, { ok: false, error: { code: 'not_found', message: 'Not found.' } });
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const reply =
      req.method === 'GET' || req.method === 'HEAD'
        ? answer(path)
        : Promise.resolve(json(405, { ok: false, error: { code: 'not_found', message: 'GET only.' } }));
    reply
      .then((r) => {
        res.writeHead(r.status, { 'content-type': r.type, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : r.text);
      })
      .catch((err: unknown) => {
        deps.onError(err);
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ ok: false, error: { code: 'internal', message: 'Internal error.' } }));
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
