import type http from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type {
  AvailabilityDto,
  ClientToServerEvents,
  HoldResponse,
  QueueStatus,
  SeatsChanged,
  ServerToClientEvents,
  ShowtimeSync,
} from '@seatrush/shared';
import { errorCode, HttpFailure, makeAgent, request, retryAfterMs, type HttpAnswer } from './http.ts';
import { waitForCode } from './mail.ts';
import { CARDS, type BuyerRecord, type Outcome, type StepName, type WorkerPlan } from './model.ts';
import { loopbackAddress, quantity, seatsNear, weighted } from './picking.ts';

/** One simulated buyer's whole journey, as a person with a browser would make it (docs/rehearsal.md). */

export interface Counters {
  holds: number;
  orders: number;
  tickets: number;
  errors: number;
  done: number;
}

class JourneyEnd extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome);
  }
}

const MAX_LAG_SAMPLES = 40;
/** How long a buyer who paid watches the order page for PAID before it counts as `timed_out`. */
const PAID_WAIT_MS = 180_000;
/** How often a buyer's order page asks whether the order is PAID yet (apps/web pages/order-poll.ts). */
const PAID_POLL_MS = 2000;
/** The longest pause of the order page between two asks after failures. */
const PAID_POLL_MAX_BACKOFF_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The order page's next ask (apps/web pages/order-poll.ts): 2 s after an answer; after `failures` failed asks in a
 * row, the Retry-After of a 429 or 503, else 2 s doubled per failure up to 30 s.
 */
export function nextPollMs(answer: HttpAnswer | null, failures: number): number {
  if (failures === 0) return PAID_POLL_MS;
  if (
    answer &&
    (answer.status === 429 || answer.status === 503) &&
    answer.headers['retry-after'] !== undefined
  )
    return Math.max(PAID_POLL_MS, retryAfterMs(answer, PAID_POLL_MAX_BACKOFF_MS));
  return Math.min(PAID_POLL_MAX_BACKOFF_MS, PAID_POLL_MS * 2 ** Math.min(failures, 4));
}

export class Buyer {
  readonly record: BuyerRecord;
  private readonly agent: http.Agent;
  private readonly address: string | undefined;
  private token = '';
  private admission: string | undefined;
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private seatStates: string | null = null;

  constructor(
    private readonly plan: WorkerPlan,
    rank: number,
    private readonly random: () => number,
    private readonly counters: Counters,
  ) {
    this.address = plan.loopbackSources ? loopbackAddress(rank) : undefined;
    this.agent = makeAgent(plan.url, this.address ? { localAddress: this.address } : {});
    this.record = {
      rank,
      arrivedAt: Date.now(),
      email: `b${rank}.${plan.runId}@rehearsal.example.com`,
      outcome: 'error',
      tickets: 0,
      steps: [],
      lagsMs: [],
    };
  }

  async run(): Promise<BuyerRecord> {
    try {
      this.record.outcome = await this.journey();
    } catch (e) {
      this.record.outcome = e instanceof JourneyEnd ? e.outcome : 'error';
    } finally {
      this.socket?.disconnect();
      this.agent.destroy();
      this.counters.done++;
    }
    return this.record;
  }

  private async journey(): Promise<Outcome> {
    const st = this.plan.showtime;
    const session = await this.call<{ token: string }>('session', 'POST', '/api/buyer/session', {
      email: this.record.email,
    });
    this.token = session.token;
    if (st.requireVerifiedBuyers) await this.verify();
    if (this.random() < this.plan.socketShare) await this.openSocket();
    if (st.waitingRoom) await this.waitForAdmission();
    const hold = await this.hold();
    this.record.heldAt = Date.now();
    this.record.holdId = hold.holdId;
    this.record.holdToken = hold.holdToken;
    this.record.holdExpiresAt = hold.expiresAt;
    this.record.tickets = hold.items.reduce((n, i) => n + (i.kind === 'ga' ? i.quantity : 1), 0);
    this.counters.holds++;
    const intent = weighted(this.plan.intents, this.random);
    if (intent === 'abandon') return 'abandoned';
    if (intent === 'release') {
      await this.call('release', 'DELETE', `/api/holds/${hold.holdId}`, undefined, {
        authorization: `Bearer ${hold.holdToken}`,
      });
      return 'released';
    }
    const paid = await this.pay(hold);
    if (!paid) return 'declined';
    if (intent !== 'refund') return 'bought';
    await sleep(this.plan.refundAfterMs);
    await this.call(
      'refund',
      'POST',
      `/api/orders/${this.record.orderCode}/refund`,
      { email: this.record.email },
      {
        'idempotency-key': `${this.plan.runId}-r-${this.record.rank}`,
      },
    );
    return 'refunded';
  }

  /** A request as one step: retried after 429/503 as the answer's Retry-After says; a failure ends the journey. */
  private async call<T>(
    step: StepName,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    end: (a: HttpAnswer) => Outcome | null = () => null,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > this.plan.deadline) throw new JourneyEnd('timed_out');
      const at = Date.now();
      let a: HttpAnswer<T>;
      try {
        a = await request<T>(this.plan.url, path, {
          method,
          ...(body !== undefined ? { body } : {}),
          headers: { ...(this.token ? { 'x-buyer-token': this.token } : {}), ...headers },
          agent: this.agent,
          timeoutMs: this.plan.requestTimeoutMs,
        });
      } catch (e) {
        this.sample(step, at, Date.now() - at, false, e instanceof HttpFailure ? e.code : 'connection');
        throw new JourneyEnd('error');
      }
      if (a.status < 400) {
        this.sample(step, at, a.ms, true);
        return a.body;
      }
      const code = errorCode(a);
      this.sample(step, at, a.ms, false, code);
      const outcome = end(a);
      if (outcome) throw new JourneyEnd(outcome);
      if ((a.status === 429 || a.status === 503 || code === 'conflict') && attempt < 5) {
        await sleep(retryAfterMs(a));
        continue;
      }
      throw new JourneyEnd('error');
    }
  }

  private sample(step: StepName, at: number, ms: number, ok: boolean, code?: string): void {
    this.record.steps.push({ step, at, ms: Math.round(ms * 10) / 10, ok, ...(code ? { code } : {}) });
    if (!ok && code !== 'sold_out' && code !== 'seat_unavailable' && code !== 'no_adjacent_seats')
      this.counters.errors++;
  }

  private async verify(): Promise<void> {
    const since = Date.now();
    await this.call('code', 'POST', '/api/buyer/session/code', {});
    const at = Date.now();
    let code: string;
    try {
      code = await waitForCode(this.plan.url, this.record.email, since);
    } catch {
      this.sample('verify', at, Date.now() - at, false, 'no_code_caught');
      throw new JourneyEnd('error');
    }
    const verified = await this.call<{ token: string }>('verify', 'POST', '/api/buyer/session/verify', {
      code,
    });
    this.token = verified.token;
  }

  private async openSocket(): Promise<void> {
    const at = Date.now();
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.plan.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: this.token },
      timeout: this.plan.requestTimeoutMs,
      ...(this.address ? { localAddress: this.address } : {}),
    } as Parameters<typeof io>[1]);
    this.socket = socket;
    socket.on('seats:changed', (d: SeatsChanged) => {
      if (this.record.lagsMs.length < MAX_LAG_SAMPLES)
        this.record.lagsMs.push(Date.now() - (d.since ?? d.at));
    });
    try {
      const sync = (await socket
        .timeout(this.plan.requestTimeoutMs)
        .emitWithAck('showtime:join', { showtimeId: this.plan.showtime.id })) as unknown as {
        ok: boolean;
        data?: ShowtimeSync;
        error?: { code: string };
      };
      if (!sync.ok) throw new HttpFailure(sync.error?.code ?? 'socket', 'join refused');
      if (sync.data?.kind === 'snapshot') this.seatStates = sync.data.snapshot.seatStates;
      this.sample('socket', at, Date.now() - at, true);
    } catch (e) {
      // A buyer whose live map fails still tries to buy (the page falls back to polling availability).
      this.sample('socket', at, Date.now() - at, false, e instanceof HttpFailure ? e.code : 'timeout');
      socket.disconnect();
      this.socket = null;
    }
  }

  private async waitForAdmission(): Promise<void> {
    const path = `/api/showtimes/${this.plan.showtime.id}/queue`;
    let s = await this.call<QueueStatus>('queue', 'POST', path, {});
    this.record.queue = {
      joinedAt: Date.now(),
      promisedEtaSeconds: s.etaSeconds,
      position: s.position,
      likelySoldOut: s.likelySoldOut,
    };
    const at = Date.now();
    let soldOutSince: number | null = null;
    while (s.status !== 'admitted' || !s.admission) {
      // A buyer told "sold out" (or "likely sold out") waits `patience` for tickets to come back, then leaves.
      if (s.soldOut) this.record.queue.soldOutSeenAt ??= Date.now();
      if (s.soldOut || s.likelySoldOut) soldOutSince ??= Date.now();
      else soldOutSince = null;
      if (soldOutSince !== null && Date.now() - soldOutSince > this.plan.patienceMs) {
        this.sample('admission', at, Date.now() - at, false, 'sold_out');
        throw new JourneyEnd('not_admitted');
      }
      if (Date.now() > this.plan.deadline) throw new JourneyEnd('timed_out');
      const eta = s.etaSeconds ?? 5;
      await sleep(Math.min(10_000, Math.max(1000, (eta * 1000) / 3)) * (0.8 + 0.4 * this.random()));
      s = await this.call<QueueStatus>('queue', 'GET', path);
    }
    this.admission = s.admission.token;
    this.record.queue.admittedAt = Date.now();
    this.sample('admission', at, Date.now() - at, true);
  }

  private async holdBody(q: number, fresh: boolean): Promise<Record<string, unknown> | null> {
    const st = this.plan.showtime;
    if (this.plan.pick === 'ga' && st.zone) return { zone: st.zone, quantity: q };
    const category = st.categories[Math.floor(this.random() * st.categories.length)]!;
    if (this.plan.pick === 'best') return { best: { category, quantity: q } };
    if (fresh || this.seatStates === null || this.labels === null) {
      const a = await this.call<AvailabilityDto>(
        'availability',
        'GET',
        `/api/showtimes/${st.id}/availability${this.labels ? '?seatLabels=false' : ''}`,
      );
      this.seatStates = a.seatStates;
      this.labels = a.seatLabels ?? this.labels ?? [];
    }
    const states = this.seatStates ?? '';
    const seats = seatsNear(states, Math.floor(this.random() * states.length), q);
    return seats ? { seats: seats.map((i) => this.labels![i]!) } : null;
  }
  private labels: string[] | null = null;

  private async hold(): Promise<HoldResponse> {
    const st = this.plan.showtime;
    const q = quantity(this.plan.maxQuantity, st.perBuyerLimit, this.random);
    for (let attempt = 0; attempt < 3; attempt++) {
      const body = await this.holdBody(q, attempt > 0);
      if (!body) throw new JourneyEnd('sold_out');
      let retry = false;
      const held = await this.call<HoldResponse>(
        'hold',
        'POST',
        `/api/showtimes/${st.id}/holds`,
        body,
        {
          'idempotency-key': `${this.plan.runId}-${this.record.rank}-${attempt}`,
          ...(this.admission ? { 'x-admission-token': this.admission } : {}),
        },
        (a) => {
          const code = errorCode(a);
          if (code === 'sold_out') return 'sold_out';
          if (code === 'seat_unavailable' || code === 'no_adjacent_seats') {
            retry = attempt < 2;
            return retry ? null : 'gave_up';
          }
          return a.status === 429 || a.status === 503 ? null : 'error';
        },
      ).catch((e: unknown) => {
        if (retry && e instanceof JourneyEnd && e.outcome === 'error') return null;
        throw e;
      });
      if (held) return held;
    }
    throw new JourneyEnd('gave_up');
  }

  /** Checkout, the card, then the order page until it says PAID (or the card failed). */
  private async pay(hold: HoldResponse): Promise<boolean> {
    const checkout = await this.call<{ paymentUrl: string; orderCode: string }>(
      'checkout',
      'POST',
      `/api/holds/${hold.holdId}/checkout`,
      { holdToken: hold.holdToken, email: this.record.email },
    );
    this.record.orderCode = checkout.orderCode;
    const card = weighted(this.plan.cards, this.random);
    const attempt = await this.call<{ status: string }>('pay', 'POST', checkout.paymentUrl, {
      card: CARDS[card],
    });
    if (attempt.status === 'failed') return false;
    const at = Date.now();
    // As the order page does (apps/web pages/order-poll.ts): it asks when it opens, then every 2 s while the order
    // is PENDING; after a failed ask it waits as a 429's or 503's Retry-After says, else twice as long after each
    // failure in a row (up to 30 s) — never faster than the crowd of pages it stands for.
    for (let failures = 0; ;) {
      const order = await request<{ status: string }>(
        this.plan.url,
        `/api/orders/${checkout.orderCode}?email=${encodeURIComponent(this.record.email)}`,
        {
          headers: { 'x-buyer-token': this.token },
          agent: this.agent,
          timeoutMs: this.plan.requestTimeoutMs,
        },
      ).catch(() => null);
      if (order?.status === 200 && order.body.status === 'PAID') break;
      if (Date.now() - at > PAID_WAIT_MS || Date.now() > this.plan.deadline) {
        this.sample('paid', at, Date.now() - at, false, 'not_paid_in_time');
        throw new JourneyEnd('timed_out');
      }
      failures = order?.status === 200 ? 0 : failures + 1;
      await sleep(nextPollMs(order, failures));
    }
    this.sample('paid', at, Date.now() - at, true);
    this.record.paidAt = Date.now();
    this.counters.orders++;
    this.counters.tickets += this.record.tickets;
    return true;
  }
}
