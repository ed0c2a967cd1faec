import { Counter, Histogram } from 'prom-client';
import type { Metrics } from '../observability/metrics.ts';

/** The real-time series, registered once per registry (several in-process nodes may share one in tests). */
export function realtimeMetrics(metrics: Metrics) {
  const registry = metrics.registry;
  const existing = registry.getSingleMetric('seatrush_realtime_deltas_total');
  if (existing) {
    return {
      deltas: existing as Counter<'source'>,
      deliveries: registry.getSingleMetric('seatrush_realtime_deliveries_total') as Counter,
      flush: registry.getSingleMetric('seatrush_realtime_flush_seconds') as Histogram,
      waited: registry.getSingleMetric('seatrush_realtime_delta_wait_seconds') as Histogram,
      decoded: registry.getSingleMetric('seatrush_realtime_changes_decoded_total') as Counter,
    };
  }
  return {
    deltas: new Counter({
      name: 'seatrush_realtime_deltas_total',
      help: 'seats:changed messages emitted by this node (one per room per window), by where the changes came from',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'seatrush_realtime_deliveries_total',
      help: 'seats:changed messages delivered to sockets by this node',
      registers: [registry],
    }),
    flush: new Histogram({
      name: 'seatrush_realtime_flush_seconds',
      help: 'Time to gather (messages or a log read), merge and emit one delta',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    waited: new Histogram({
      name: 'seatrush_realtime_delta_wait_seconds',
      help: 'From the oldest change of a delta reaching this node to its emit (coalescing window + flush)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    decoded: new Counter({
      name: 'seatrush_realtime_changes_decoded_total',
      help: 'Inventory changes this node decoded from its subscriptions (only showtimes with a room here)',
      registers: [registry],
    }),
  };
}
