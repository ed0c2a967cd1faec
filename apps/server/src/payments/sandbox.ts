import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { sandboxTestCards, type PaymentEvent, type SandboxCardOutcome } from '@seatrush/shared';
import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import type { PaymentProvider } from './provider.ts';
import { signWebhook } from './signature.ts';
import { redisSandboxLedger, type SandboxLedger, type SandboxPayment } from './sandbox-ledger.ts';

export type { SandboxPayment } from './sandbox-ledger.ts';

/**
 * The built-in sandbox provider. It behaves like a hosted payment page: our server serves its checkout page
 * (`GET /sandbox-pay/:paymentId`, see http/payments.ts), the test card number decides the outcome, and results
 * reach us only through HMAC-signed webhooks delivered by a queue with retries — exactly the path a real
 * provider's webhooks take. Its own records are its ledger (sandbox-ledger.ts), apart from ours.
 */
export interface SandboxOptions {
  redis: Redis;
  redisPrefix: string;
  /** Where the sandbox keeps its records; the composition gives it PostgreSQL (Redis only when left out). */
  ledger?: SandboxLedger;
  webhookQueue: Queue;
  /** Base for the checkout page URL ('' = relative URLs). */
  publicUrl: string;
  /** Where webhooks are POSTed (resolved when a delivery runs, so a node can learn its own port). */
  webhookUrl: () => string;
  /** Delay of the slow 3-D Secure style card's success webhook. */
  slowConfirmMs: number;
  /**
   * How long after the hold's deadline the "succeeds after expiry" card's payment succeeds (and its webhook
   * comes) — counted from the latest deadline the hold can reach while its payment is in flight.
   */
  lateAfterExpiryMs: number;
  /** config.paymentPending.maxSeconds in ms: how far the expiry may push a hold while its payment processes. */
  paymentPendingMaxMs?: number;
  now?: () => number;
}

export interface SandboxAttempt {
  outcome: SandboxCardOutcome | 'unknown_card' | 'already_paid' | 'canceled';
  status: SandboxPayment['status'];
  /** What the page tells the buyer. */
  message: string;
}

export interface WebhookDelivery {
  url: string;
  event: PaymentEvent;
}

export interface SandboxProvider extends PaymentProvider {
  get(ref: string): Promise<SandboxPayment | null>;
  /** A card submitted on the sandbox page. Errors: `not_found` (no such sandbox payment). */
  pay(ref: string, card: string): Promise<SandboxAttempt>;
  /** Queues a webhook event for delivery after `delayMs` (tests use it to send duplicates). */
  emit(event: PaymentEvent, delayMs?: number): Promise<void>;
  /** Signs and POSTs one delivery; throws on a non-2xx answer so the queue retries it. */
  deliver(d: WebhookDelivery, secret: string): Promise<void>;
}

export function createSandboxProvider(o: SandboxOptions): SandboxProvider {
  const now = o.now ?? Date.now;
  const ledger = o.ledger ?? redisSandboxLedger(o.redis, o.redisPrefix);
  const load = (ref: string) => ledger.find(ref);

  const event = (
    type: PaymentEvent['type'],
    p: SandboxPayment,
    extra: Partial<PaymentEvent['data']> = {},
  ) => ({
    id: `evt_${randomBytes(12).toString('hex')}`,
    type,
    created: Math.floor(now() / 1000),
    data: { providerRef: p.ref, amountCents: p.amountCents, currency: p.currency, ...extra },
  });

  const emit = async (ev: PaymentEvent, delayMs = 0) => {
    await o.webhookQueue.add('deliver', { url: '', event: ev } satisfies WebhookDelivery, {
      jobId: ev.id,
      delay: Math.max(0, Math.round(delayMs)),
    });
  };

  const setStatus = (ref: string, status: SandboxPayment['status'], failureCode = '') =>
    ledger.setStatus(ref, status, failureCode);

  return {
    name: 'sandbox',

    async createPayment(input) {
      // Idempotent on our payment id: the record made first for it stands. A new id (every checkout's) costs one
      // write; only a repeat looks the first one up.
      const fresh = `sbx_${randomBytes(12).toString('hex')}`;
      const made = await ledger.create({
        ref: fresh,
        paymentId: input.paymentId,
        amountCents: input.amountCents,
        currency: input.currency,
        description: input.description,
        expiresAt: input.expiresAt.getTime(),
        returnUrl: input.returnUrl,
      });
      const ref = made ? fresh : await ledger.refOfPayment(input.paymentId);
      if (!ref) throw new Error(`sandbox payment for ${input.paymentId} neither made nor found`);
      return { providerRef: ref, next: { kind: 'redirect', url: `${o.publicUrl}/sandbox-pay/${ref}` } };
    },

    get: load,

    async pay(ref, card) {
      const p = await load(ref);
      if (!p) throw new DomainError('not_found', 'No such sandbox payment.');
      if (p.status === 'succeeded' || p.status === 'processing')
        return { outcome: 'already_paid', status: p.status, message: 'This payment has already been made.' };
      if (p.status === 'canceled')
        return { outcome: 'canceled', status: p.status, message: 'This payment was cancelled by the shop.' };
      const outcome = sandboxTestCards[card.replace(/\s+/g, '') as keyof typeof sandboxTestCards] as
        SandboxCardOutcome | undefined;
      switch (outcome) {
        case 'success':
          await setStatus(ref, 'succeeded');
          await emit(event('payment.succeeded', p));
          return { outcome, status: 'succeeded', message: 'Payment successful.' };
        case 'declined':
        case 'insufficient_funds': {
          const code = outcome === 'declined' ? 'card_declined' : 'insufficient_funds';
          await setStatus(ref, 'failed', code);
          await emit(event('payment.failed', p, { failureCode: code }));
          return {
            outcome,
            status: 'failed',
            message: outcome === 'declined' ? 'Your card was declined.' : 'Insufficient funds.',
          };
        }
        case 'slow_confirmation':
          await setStatus(ref, 'succeeded');
          await emit(event('payment.pending', p));
          await emit(event('payment.succeeded', p), o.slowConfirmMs);
          return { outcome, status: 'processing', message: 'Your bank is confirming the payment…' };
        case 'succeeds_after_expiry': {
          // Still processing at the provider until its success goes out (`deliver` captures it then).
          await setStatus(ref, 'processing');
          await emit(event('payment.pending', p));
          const lastDeadline = p.expiresAt + (o.paymentPendingMaxMs ?? 0);
          await emit(event('payment.succeeded', p), Math.max(0, lastDeadline - now()) + o.lateAfterExpiryMs);
          return { outcome, status: 'processing', message: 'Your bank is confirming the payment…' };
        }
        default:
          return { outcome: 'unknown_card', status: p.status, message: 'Use one of the sandbox test cards.' };
      }
    },

    async refund(input) {
      const { fresh, ...answer } = await ledger.refundOnce(
        input.idempotencyKey,
        input.providerRef,
        input.amountCents,
      );
      const p = fresh ? await load(input.providerRef) : null;
      if (p)
        await emit(
          event('refund.succeeded', p, { amountCents: input.amountCents, refundRef: answer.refundRef }),
        );
      return answer;
    },

    async cancel(ref) {
      const p = await load(ref);
      if (p && (p.status === 'requires_payment' || p.status === 'failed')) {
        await setStatus(ref, 'canceled');
        await emit(event('payment.canceled', p));
      }
    },

    async paymentStatus(ref) {
      const p = await load(ref);
      if (!p) return { status: 'unknown' };
      if (p.status === 'succeeded')
        return { status: 'succeeded', amountCents: p.amountCents, currency: p.currency };
      return { status: p.status === 'requires_payment' ? 'open' : p.status };
    },

    emit,

    async deliver(d, secret) {
      // A payment still processing is captured when its success goes out, as a provider's would be.
      if (d.event.type === 'payment.succeeded') {
        const p = await load(d.event.data.providerRef);
        if (p?.status === 'processing') await setStatus(p.ref, 'succeeded');
      }
      const body = JSON.stringify(d.event);
      const url = d.url || o.webhookUrl();
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'seatrush-signature': signWebhook(secret, body, Math.floor(now() / 1000)),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`webhook ${d.event.id} answered ${res.status}`);
    },
  };
}
