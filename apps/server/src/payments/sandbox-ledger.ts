import type { Redis } from '../db/redis.ts';

/** A payment as the sandbox provider records it (what a real provider's dashboard would show). */
export interface SandboxPayment {
  ref: string;
  paymentId: string;
  amountCents: number;
  currency: string;
  description: string;
  expiresAt: number;
  returnUrl: string;
  status: 'requires_payment' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  failureCode: string;
  refundedCents: number;
}

/**
 * The sandbox provider's own records — its payments, which of our payments each answers, and the refunds it made
 * (by idempotency key) — kept apart from Seatrush's data, as a provider's would be.
 */
export interface SandboxLedger {
  find(ref: string): Promise<SandboxPayment | null>;
  /** The provider payment made for one of our payments, if any (creating a payment is idempotent). */
  refOfPayment(paymentId: string): Promise<string | null>;
  create(payment: Omit<SandboxPayment, 'status' | 'failureCode' | 'refundedCents'>): Promise<void>;
  setStatus(ref: string, status: SandboxPayment['status'], failureCode?: string): Promise<void>;
  /** Adds to the refunded amount and returns the new total (a negative amount undoes). */
  addRefunded(ref: string, cents: number): Promise<number>;
  /** The answer given to a refund request with this idempotency key (JSON), if any. */
  refundAnswer(idempotencyKey: string): Promise<string | null>;
  saveRefundAnswer(idempotencyKey: string, json: string): Promise<void>;
}

const TTL_SECONDS = 30 * 86_400;

/** The ledger in Redis under `<prefix>:sandbox:`, each record kept 30 days. */
export function redisSandboxLedger(redis: Redis, redisPrefix: string): SandboxLedger {
  const payKey = (ref: string) => `${redisPrefix}:sandbox:pay:${ref}`;
  const refundKey = (key: string) => `${redisPrefix}:sandbox:refund:${key}`;
  const byPaymentKey = (id: string) => `${redisPrefix}:sandbox:by-payment:${id}`;
  return {
    async find(ref) {
      const h = await redis.hgetall(payKey(ref));
      if (!h.ref) return null;
      return {
        ref: h.ref,
        paymentId: h.paymentId ?? '',
        amountCents: Number(h.amountCents),
        currency: h.currency ?? 'EUR',
        description: h.description ?? '',
        expiresAt: Number(h.expiresAt),
        returnUrl: h.returnUrl ?? '/',
        status: (h.status ?? 'requires_payment') as SandboxPayment['status'],
        failureCode: h.failureCode ?? '',
        refundedCents: Number(h.refundedCents ?? 0),
      };
    },
    refOfPayment: (paymentId) => redis.get(byPaymentKey(paymentId)),
    async create(p) {
      await redis
        .multi()
        .hset(payKey(p.ref), { ...p, status: 'requires_payment', refundedCents: 0 })
        .expire(payKey(p.ref), TTL_SECONDS)
        .set(byPaymentKey(p.paymentId), p.ref, 'EX', TTL_SECONDS)
        .exec();
    },
    async setStatus(ref, status, failureCode = '') {
      await redis.hset(payKey(ref), { status, failureCode });
    },
    addRefunded: (ref, cents) => redis.hincrby(payKey(ref), 'refundedCents', cents),
    refundAnswer: (key) => redis.get(refundKey(key)),
    async saveRefundAnswer(key, json) {
      await redis.set(refundKey(key), json, 'EX', TTL_SECONDS);
    },
  };
}
