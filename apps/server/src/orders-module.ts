import type { Container } from './container.ts';
import type { Inventory } from './inventory/inventory.ts';
import type { PaymentProvider } from './payments/provider.ts';
import { createSandboxProvider, type SandboxProvider } from './payments/sandbox.ts';
import { postgresSandboxLedger } from './payments/sandbox-ledger.ts';
import { createStripeProvider, type StripeProvider } from './payments/stripe.ts';
import { createQueues } from './queue/queues.ts';
import { startWorkers, type RunningWorkers } from './jobs/workers.ts';
import { orderMetrics, type OrdersCore } from './orders/core.ts';

export interface OrdersModule {
  core: OrdersCore;
  /** The built-in sandbox provider (null when another provider is configured). */
  sandbox: SandboxProvider | null;
  /** Stripe, when PAYMENT_PROVIDER=stripe (its webhook route needs it). */
  stripe: StripeProvider | null;
  /** The worker role: persistence, payment window, relay, sweeper, reconciler, webhook deliveries. */
  startWorkers(): Promise<RunningWorkers>;
  /** This node's HTTP address once it listens (the sandbox's webhook target when nothing is configured). */
  setSelfUrl(url: string): void;
  close(): Promise<void>;
}

/**
 * Builds the orders / payments module of a node: its queues (producer side), the payment provider and the use
 * cases' shared dependencies.
 */
export function createOrdersModule(
  c: Container,
  deps: { inventory: Inventory; now?: () => number; provider?: PaymentProvider },
): OrdersModule {
  let selfUrl = '';
  const now = deps.now ?? Date.now;
  const queues = createQueues(c.redis, c.config.redisPrefix);
  const publicUrl = c.config.publicUrl?.replace(/\/$/, '');
  const stripe =
    !deps.provider && c.config.stripe
      ? createStripeProvider({ ...c.config.stripe, logger: c.logger.child({ module: 'stripe' }) })
      : null;
  const sandbox =
    deps.provider || stripe
      ? null
      : createSandboxProvider({
          redis: c.redis,
          redisPrefix: c.config.redisPrefix,
          // Outside our cache, as a provider's records are: a Redis wipe must not forget captures (issue 14).
          ledger: postgresSandboxLedger(c.prisma),
          webhookQueue: queues.sandboxWebhooks,
          publicUrl: publicUrl ?? '',
          webhookUrl: () =>
            c.config.paymentWebhookUrl ??
            `${publicUrl ?? (selfUrl || `http://127.0.0.1:${c.config.port}`)}/api/payments/webhook`,
          slowConfirmMs: c.config.sandboxSlowConfirmMs,
          lateAfterExpiryMs: c.config.sandboxLatePaymentMs,
          paymentPendingMaxMs: c.config.paymentPending.maxSeconds * 1000,
          now,
        });
  const core: OrdersCore = {
    config: c.config,
    logger: c.logger.child({ module: 'orders' }),
    metrics: c.metrics,
    om: orderMetrics(c.metrics),
    prisma: c.prisma,
    redis: c.redis,
    inventory: deps.inventory,
    queues,
    provider: deps.provider ?? stripe ?? sandbox!,
    now,
  };
  return {
    core,
    sandbox,
    stripe,
    startWorkers: () =>
      startWorkers(
        core,
        {
          lockMs: c.config.orderJobLockMs,
          sweepIntervalMs: c.config.expirySweepIntervalMs,
          reconcileAfterMs: c.config.orderReconcileAfterMs,
        },
        sandbox,
      ),
    setSelfUrl: (url) => {
      selfUrl = url;
    },
    close: () => queues.close(),
  };
}
