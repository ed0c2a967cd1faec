import { randomBytes } from 'node:crypto';
import type { Db, PrismaClient } from '../db/prisma.ts';
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
  /**
   * Records a provider payment unless one was made for the same payment id already (then the first one stands).
   * @returns whether this one was recorded.
   */
  create(payment: Omit<SandboxPayment, 'status' | 'failureCode' | 'refundedCents'>): Promise<boolean>;
  setStatus(ref: string, status: SandboxPayment['status'], failureCode?: string): Promise<void>;
  /** Adds to the refunded amount and returns the new total (a negative amount undoes). */
  addRefunded(ref: string, cents: number): Promise<number>;
  /** The answer given to a refund request with this idempotency key (JSON), if any. */
  refundAnswer(idempotencyKey: string): Promise<string | null>;
  saveRefundAnswer(idempotencyKey: string, json: string): Promise<void>;
  /**
   * Refunds `cents` of a captured payment once per idempotency key, atomically against the same request made
   * at the same moment (two nodes finishing one refund): the answer given before, or a new refund when the
   * payment was captured and has that much left. Refusals are not remembered (a later request may succeed).
   */
  refundOnce(idempotencyKey: string, ref: string, cents: number): Promise<RefundAnswer>;
}

export type RefundAnswer =
  | { refundRef: string; status: 'succeeded'; fresh: boolean }
  | { refundRef: ''; status: 'failed'; failureCode: 'not_captured' | 'exceeds_captured'; fresh: false };

const newRefundRef = () => `sbx_re_${randomBytes(10).toString('hex')}`;

/** One refund decision on what the ledger holds (shared by both ledgers). */
async function decideRefund(
  l: Pick<SandboxLedger, 'find' | 'refundAnswer' | 'addRefunded' | 'saveRefundAnswer'>,
  key: string,
  ref: string,
  cents: number,
): Promise<RefundAnswer> {
  const done = await l.refundAnswer(key);
  if (done) return { ...(JSON.parse(done) as { refundRef: string; status: 'succeeded' }), fresh: false };
  const p = await l.find(ref);
  if (!p || p.status !== 'succeeded')
    return { refundRef: '', status: 'failed', failureCode: 'not_captured', fresh: false };
  if (p.refundedCents + cents > p.amountCents)
    return { refundRef: '', status: 'failed', failureCode: 'exceeds_captured', fresh: false };
  await l.addRefunded(ref, cents);
  const answer = { refundRef: newRefundRef(), status: 'succeeded' as const };
  await l.saveRefundAnswer(key, JSON.stringify(answer));
  return { ...answer, fresh: true };
}

const TTL_SECONDS = 30 * 86_400;

/** The ledger in Redis under `<prefix>:sandbox:`, each record kept 30 days. */
export function redisSandboxLedger(redis: Redis, redisPrefix: string): SandboxLedger {
  const refunding = new Map<string, Promise<RefundAnswer>>();
  const payKey = (ref: string) => `${redisPrefix}:sandbox:pay:${ref}`;
  const refundKey = (key: string) => `${redisPrefix}:sandbox:refund:${key}`;
  const byPaymentKey = (id: string) => `${redisPrefix}:sandbox:by-payment:${id}`;
  const ledger: SandboxLedger = {
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
      // The payment, then the look-up that points at it: two slots on a Redis Cluster, so two writes (a look-up
      // never names a payment that is not there).
      await redis
        .multi()
        .hset(payKey(p.ref), { ...p, status: 'requires_payment', refundedCents: 0 })
        .expire(payKey(p.ref), TTL_SECONDS)
        .exec();
      // The first record made for the payment id stands (a later one is left to expire, never looked up).
      return (await redis.set(byPaymentKey(p.paymentId), p.ref, 'EX', TTL_SECONDS, 'NX')) === 'OK';
    },
    async setStatus(ref, status, failureCode = '') {
      await redis.hset(payKey(ref), { status, failureCode });
    },
    addRefunded: (ref, cents) => redis.hincrby(payKey(ref), 'refundedCents', cents),
    refundAnswer: (key) => redis.get(refundKey(key)),
    async saveRefundAnswer(key, json) {
      await redis.set(refundKey(key), json, 'EX', TTL_SECONDS);
    },
    // One decision at a time per payment in this process (this ledger serves tests and single-process setups;
    // the composition's ledger is PostgreSQL's, which locks the row).
    refundOnce(key, ref, cents) {
      const prior = refunding.get(ref) ?? Promise.resolve();
      const next = prior.catch(() => undefined).then(() => decideRefund(ledger, key, ref, cents));
      refunding.set(ref, next);
      void next
        .finally(() => {
          if (refunding.get(ref) === next) refunding.delete(ref);
        })
        .catch(() => undefined);
      return next;
    },
  };
  return ledger;
}

/**
 * The ledger in PostgreSQL, in the sandbox's own tables (`SandboxLedgerPayment`, `SandboxLedgerRefund`) — where a
 * real provider's records would be: outside Seatrush's cache, so a Redis wipe never makes the sandbox forget a
 * capture and refuse its refund. Never joined with our tables.
 */
export function postgresSandboxLedger(prisma: PrismaClient): SandboxLedger {
  const toPayment = (r: {
    ref: string;
    paymentId: string;
    amountCents: number;
    currency: string;
    description: string;
    expiresAt: Date;
    returnUrl: string;
    status: string;
    failureCode: string;
    refundedCents: number;
  }): SandboxPayment => ({
    ref: r.ref,
    paymentId: r.paymentId,
    amountCents: r.amountCents,
    currency: r.currency,
    description: r.description,
    expiresAt: r.expiresAt.getTime(),
    returnUrl: r.returnUrl,
    status: r.status as SandboxPayment['status'],
    failureCode: r.failureCode,
    refundedCents: r.refundedCents,
  });
  return {
    async find(ref) {
      const r = await prisma.sandboxLedgerPayment.findUnique({ where: { ref } });
      return r ? toPayment(r) : null;
    },
    async refOfPayment(paymentId) {
      const r = await prisma.sandboxLedgerPayment.findUnique({ where: { paymentId }, select: { ref: true } });
      return r?.ref ?? null;
    },
    async create(p) {
      // Two checkouts racing for one payment: the first one's record stands (a provider's create is idempotent).
      const { count } = await prisma.sandboxLedgerPayment.createMany({
        data: [{ ...p, expiresAt: new Date(p.expiresAt) }],
        skipDuplicates: true,
      });
      return count === 1;
    },
    async setStatus(ref, status, failureCode = '') {
      await prisma.sandboxLedgerPayment.update({ where: { ref }, data: { status, failureCode } });
    },
    async addRefunded(ref, cents) {
      const r = await prisma.sandboxLedgerPayment.update({
        where: { ref },
        data: { refundedCents: { increment: cents } },
        select: { refundedCents: true },
      });
      return r.refundedCents;
    },
    async refundAnswer(key) {
      const r = await prisma.sandboxLedgerRefund.findUnique({ where: { idempotencyKey: key } });
      return r ? JSON.stringify(r.answer) : null;
    },
    async saveRefundAnswer(key, json) {
      const answer = JSON.parse(json) as Db.Prisma.InputJsonValue;
      await prisma.sandboxLedgerRefund.upsert({
        where: { idempotencyKey: key },
        create: { idempotencyKey: key, answer },
        update: {},
      });
    },
    // The payment's row locked for the decision: a second request with the same key waits, then finds the answer.
    refundOnce: (key, ref, cents) =>
      prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT ref FROM "SandboxLedgerPayment" WHERE ref = ${ref} FOR UPDATE`;
        return decideRefund(postgresSandboxLedger(tx as unknown as PrismaClient), key, ref, cents);
      }),
  };
}
