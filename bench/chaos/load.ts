/**
 * bench/chaos's flash load: buyers through the balancer, each a loop of hold → release | let expire | pay with one
 * of the sandbox cards (→ sometimes refund), with retries as a browser's user would make them (same
 * Idempotency-Key), and a ledger of what the client was told. Every 5xx (and every refused connection) is counted
 * against the fault that was in progress.
 */
import { randomUUID } from 'node:crypto';

export const CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficient: '4000000000009995',
  slow: '4000000000003220',
  late: '4000000000000259',
} as const;
export type Card = keyof typeof CARDS;

export interface Ledger {
  holds: Array<{ holdId: string; buyer: string; seats: string[]; zone: string | null; quantity: number }>;
  released: string[];
  /** Payments the sandbox page said succeeded (or, for the slow and late cards, accepted as processing). */
  payments: Array<{ holdId: string; orderCode: string; card: Card; outcome: string }>;
  refunds: Array<{ orderCode: string; status: number }>;
  /** 5xx answers (and connection failures as 'net') per fault phase and status. */
  errors: Map<string, Map<string, number>>;
}

export interface LoadOptions {
  url: string;
  showtimeId: string;
  labels: string[];
  zone: string;
  buyers: number;
  /** Buyers start new journeys while this says so (the faults are still being made). */
  running: () => boolean;
  /** The fault in progress (for counting 5xx). */
  phase: () => string;
  log: (m: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function newLedger(): Ledger {
  return { holds: [], released: [], payments: [], refunds: [], errors: new Map() };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** One request with a browser user's patience: retried (same body and headers) on 5xx and refused connections. */
async function call(
  o: LoadOptions,
  ledger: Ledger,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const count = (what: string) => {
    const phase = o.phase();
    const m = ledger.errors.get(phase) ?? new Map<string, number>();
    m.set(what, (m.get(what) ?? 0) + 1);
    ledger.errors.set(phase, m);
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${o.url}${path}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.status < 500 || attempt >= 40) {
        let parsed: Record<string, unknown> = {};
        try {
          parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          /* an HTML page (the sandbox's) */
        }
        return { status: res.status, body: parsed };
      }
      count(String(res.status));
    } catch {
      count('net');
      if (attempt >= 40) return { status: 0, body: {} };
    }
    await sleep(250 + 100 * Math.min(attempt, 10));
  }
}

function pick<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length]!;
}

/** Runs the load; resolves when every buyer finished its last journey. */
export async function runLoad(o: LoadOptions, ledger: Ledger): Promise<void> {
  const cards = Object.keys(CARDS) as Card[];
  let seatCursor = 0;
  let journeys = 0;
  const buyer = async (b: number) => {
    const email = `chaos${b}@bench.test`;
    let token = '';
    while (!token && o.running()) {
      const s = await call(o, ledger, 'POST', '/api/buyer/session', { email });
      token = typeof s.body.token === 'string' ? s.body.token : '';
      if (!token) await sleep(500);
    }
    while (o.running()) {
      const n = journeys++;
      const seated = n % 2 === 0;
      const ask: { seats?: string[]; zone?: string; quantity?: number } = seated
        ? { seats: [pick(o.labels, seatCursor++)] }
        : { zone: o.zone, quantity: 1 + (n % 3 === 0 ? 1 : 0) };
      const hold = await call(o, ledger, 'POST', `/api/showtimes/${o.showtimeId}/holds`, ask, {
        authorization: `Bearer ${token}`,
        'idempotency-key': randomUUID(),
      });
      if (hold.status !== 201 && hold.status !== 200) {
        await sleep(100);
        continue;
      }
      const holdId = hold.body.holdId as string;
      const holdToken = hold.body.holdToken as string;
      ledger.holds.push({
        holdId,
        buyer: email,
        seats: ask.seats ?? [],
        zone: ask.zone ?? null,
        quantity: ask.quantity ?? 1,
      });
      const action = n % 10;
      if (action < 2) {
        const r = await call(o, ledger, 'DELETE', `/api/holds/${holdId}`, undefined, {
          authorization: `Bearer ${holdToken}`,
        });
        if (r.status === 204) ledger.released.push(holdId);
        continue;
      }
      if (action < 3) continue; // left to expire
      const checkout = await call(o, ledger, 'POST', `/api/holds/${holdId}/checkout`, { holdToken, email });
      if (checkout.status !== 201 && checkout.status !== 200) continue;
      // Journeys that go on to a refund pay with the card that succeeds; the others go through every card.
      const card = action >= 8 ? 'success' : pick(cards, n);
      const orderCode = checkout.body.orderCode as string;
      const paid = await call(o, ledger, 'POST', checkout.body.paymentUrl as string, { card: CARDS[card] });
      ledger.payments.push({
        holdId,
        orderCode,
        card,
        outcome: typeof paid.body.outcome === 'string' ? paid.body.outcome : String(paid.status),
      });
      if (card !== 'success' || action < 8) continue;
      // Refund some paid orders once the payment reached the order (webhook through the worker).
      for (let i = 0; i < 40; i++) {
        const order = await call(
          o,
          ledger,
          'GET',
          `/api/orders/${orderCode}?email=${encodeURIComponent(email)}`,
        );
        const status = (order.body.order as { status?: string } | undefined)?.status ?? order.body.status;
        if (status === 'PAID') {
          const r = await call(
            o,
            ledger,
            'POST',
            `/api/orders/${orderCode}/refund`,
            { email },
            {
              'idempotency-key': randomUUID(),
            },
          );
          ledger.refunds.push({ orderCode, status: r.status });
          break;
        }
        await sleep(500);
      }
    }
  };
  await Promise.all(Array.from({ length: o.buyers }, (_, b) => buyer(b)));
  o.log(
    `load done: ${ledger.holds.length} holds, ${ledger.payments.length} payments, ${ledger.refunds.length} refunds`,
  );
}
