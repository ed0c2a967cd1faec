import { Counter, Histogram } from 'prom-client';
import type { Config } from '../config/index.ts';
import type { PrismaClient } from '../db/prisma.ts';
import type { Redis } from '../db/redis.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { PaymentProvider } from '../payments/provider.ts';
import type { Queues } from '../queue/queues.ts';

/** Metrics of the order pipeline, registered on the node's registry (created once per registry). */
export interface OrderMetrics {
  holdToOrder: Histogram;
  expiryLateness: Histogram;
  orders: Counter<'outcome'>;
  reconciled: Counter;
  webhooks: Counter<'type' | 'outcome'>;
  /** Holds whose order could not be written after their retries (the box office's dead-letter list). */
  deadLettered: Counter;
}

const perRegistry = new WeakMap<object, OrderMetrics>();

export function orderMetrics(m: Metrics): OrderMetrics {
  const existing = perRegistry.get(m.registry);
  if (existing) return existing;
  const registers = [m.registry];
  const created: OrderMetrics = {
    holdToOrder: new Histogram({
      name: 'seatrush_hold_to_order_seconds',
      help: 'From a hold being made to its PENDING order row being committed',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    expiryLateness: new Histogram({
      name: 'seatrush_expiry_lateness_seconds',
      help: 'From a hold deadline to its order being EXPIRED in PostgreSQL',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    orders: new Counter({
      name: 'seatrush_orders_total',
      help: 'Order state changes by outcome',
      labelNames: ['outcome'] as const,
      registers,
    }),
    reconciled: new Counter({
      name: 'seatrush_orders_reconciled_total',
      help: 'Holds found without an order by the reconciler and enqueued',
      registers,
    }),
    webhooks: new Counter({
      name: 'seatrush_payment_webhooks_total',
      help: 'Payment webhooks by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      registers,
    }),
    deadLettered: new Counter({
      name: 'seatrush_orders_dead_lettered_total',
      help: 'Holds whose order could not be written after their retries, parked in the dead-letter list',
      registers,
    }),
  };
  perRegistry.set(m.registry, created);
  return created;
}

/** What the order, payment and refund use cases run on. One per node. */
export interface OrdersCore {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  om: OrderMetrics;
  prisma: PrismaClient;
  redis: Redis;
  inventory: Inventory;
  queues: Queues;
  provider: PaymentProvider;
  /** The clock (ms); tests inject one. */
  now: () => number;
}
