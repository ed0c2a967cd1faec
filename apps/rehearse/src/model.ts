/** What simulated buyers record, and the plan a worker process runs. Plain data: it crosses process boundaries. */

export const steps = [
  'session',
  'code',
  'verify',
  'queue',
  'admission',
  'socket',
  'availability',
  'hold',
  'checkout',
  'pay',
  'paid',
  'release',
  'refund',
] as const;
export type StepName = (typeof steps)[number];

export const outcomes = [
  'bought',
  'refunded',
  'released',
  'abandoned',
  'declined',
  'sold_out',
  'not_admitted',
  'gave_up',
  'error',
  'timed_out',
] as const;
export type Outcome = (typeof outcomes)[number];

/** One request (or wait) of a journey. `code` is the server's error code, or a client-side one (`timeout`, …). */
export interface StepSample {
  step: StepName;
  /** Start, ms epoch. */
  at: number;
  ms: number;
  ok: boolean;
  code?: string;
}

export interface QueueRecord {
  joinedAt: number;
  /** The ETA the room promised when the buyer joined (seconds), null when it promised none. */
  promisedEtaSeconds: number | null;
  position: number | null;
  likelySoldOut: boolean;
  admittedAt?: number;
  /** When the room first told this buyer it was sold out (ms epoch). */
  soldOutSeenAt?: number;
}

export interface BuyerRecord {
  /** Arrival rank, 0 = first. */
  rank: number;
  /** When the buyer arrived (ms epoch). */
  arrivedAt: number;
  email: string;
  outcome: Outcome;
  tickets: number;
  steps: StepSample[];
  heldAt?: number;
  paidAt?: number;
  holdId?: string;
  holdToken?: string;
  holdExpiresAt?: string;
  orderCode?: string;
  queue?: QueueRecord;
  /** Receive time − the change's arrival at the sending node, per `seats:changed` (ms; a capped sample). */
  lagsMs: number[];
}

/** What a buyer does once it holds. `refund` pays, then refunds later. */
export type Intent = 'pay' | 'abandon' | 'release' | 'refund';

/** Sandbox test cards by what they do (packages/shared/src/orders.ts). */
export const CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficient_funds: '4000000000009995',
  slow_confirmation: '4000000000003220',
} as const;
export type CardName = keyof typeof CARDS;

/** How buyers pick: a GA quantity, best available in a category, or named seats near a preferred spot. */
export type PickMode = 'ga' | 'best' | 'near';

export interface TargetShowtime {
  id: string;
  /** GA zone key when the showtime is GA-only (or picks GA), else null. */
  zone: string | null;
  categories: string[];
  waitingRoom: boolean;
  requireVerifiedBuyers: boolean;
  perBuyerLimit: number | null;
  capacity: number;
}

export interface WorkerPlan {
  url: string;
  showtime: TargetShowtime;
  pick: PickMode;
  /** Largest quantity per buyer (1..maxQuantity, skewed to 2). */
  maxQuantity: number;
  intents: Record<Intent, number>;
  cards: Record<CardName, number>;
  /** Fraction of buyers that open a socket for the snapshot and live updates. */
  socketShare: number;
  /** Source address per buyer (loopback aliasing), or none. */
  loopbackSources: boolean;
  /** The opening: arrival offsets count from here (ms epoch). */
  startAt: number;
  /** Hard end (ms epoch): journeys still running then stop as `timed_out`. */
  deadline: number;
  /** This process's buyers: [rank, arrival offset ms]. */
  buyers: Array<[number, number]>;
  concurrency: number;
  runId: string;
  seed: number;
  /** How long a buyer who refunds waits after paying (ms). */
  refundAfterMs: number;
  requestTimeoutMs: number;
  /** How long a waiting buyer told "(likely) sold out" stays in line (ms). */
  patienceMs: number;
}

/** Worker → parent. */
export type WorkerMessage =
  | { type: 'tick'; holds: number; orders: number; tickets: number; errors: number; done: number }
  | { type: 'records'; records: BuyerRecord[] }
  | { type: 'done' }
  | { type: 'failed'; message: string };
