import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one process. A registry per container (not the global one) so several
 * in-process nodes in tests don't collide.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'seatrush_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'seatrush_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    holds: new Counter({
      name: 'seatrush_holds_total',
      help: 'Hold attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    sales: new Counter({
      name: 'seatrush_tickets_sold_total',
      help: 'Tickets confirmed as sold',
      registers: [registry],
    }),
    sockets: new Gauge({
      name: 'seatrush_socket_connections',
      help: 'Open Socket.IO connections on this node',
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'seatrush_queue_depth',
      help: 'Jobs waiting per queue',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
