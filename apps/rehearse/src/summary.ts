import { fairness, type Fairness } from './fairness.ts';
import { outcomes, steps, type BuyerRecord, type Outcome, type StepName } from './model.ts';
import { bucketCounts, distribution, sample, type Distribution } from './stats.ts';

/** The report model: everything report.html draws and summary.json holds, computed from the buyers' records. */

export interface IntegrityCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface CpuProcess {
  pid: number;
  role: string;
  command: string;
  cpuSeconds: number;
}

export interface CpuReport {
  /** How the server processes were found. */
  found: string;
  processes: CpuProcess[];
  totalCpuSeconds: number;
  wallSeconds: number;
  purchases: number;
  cpuMsPerPurchase: number | null;
  cpuMsPerBuyer: number | null;
  purchasesPerCoreSecond: number | null;
  /** Cores the server side would need for N buyers arriving in one minute, with this rehearsal's mix. */
  sizing: Array<{ buyersPerMinute: number; purchasesPerMinute: number; cores: number }>;
}

export interface RunMeta {
  url: string;
  showtimeId: string;
  showtimeLabel: string;
  capacity: number;
  buyers: number;
  processes: number;
  startedAt: number;
  finishedAt: number;
  curve: { durationSeconds: number; spike: number; spikeSeconds: number };
  pick: string;
  intents: Record<string, number>;
  cards: Record<string, number>;
  waitingRoom: boolean;
  requireVerifiedBuyers: boolean;
  /** Where the crowd came from. */
  sources: { mode: 'loopback-per-buyer' | 'few-addresses'; addresses: number; note: string };
  command: string;
}

export interface Summary {
  meta: RunMeta;
  outcomes: Record<Outcome, number>;
  ticketsBought: number;
  /** Seconds from opening to the first "no tickets left" (hold answer or waiting room); null when it never sold out. */
  sellOutSeconds: number | null;
  /** Seconds from opening until the last order was paid. */
  lastPaidSeconds: number | null;
  series: { bucketSeconds: number; arrivals: number[]; holds: number[]; orders: number[]; errors: number[] };
  latency: Partial<Record<StepName, Distribution & { errors: number }>>;
  errors: Partial<Record<StepName, Record<string, number>>>;
  liveUpdateLagMs: Distribution;
  waitingRoom: null | {
    joined: number;
    admitted: number;
    /** Admitted wait ÷ promised ETA (1 = on time). */
    waitOverPromise: Distribution;
    /** Admitted no later than 1.25 × the promise + 5 s. */
    keptPromises: number;
    toldLikelySoldOut: number;
    toldLikelySoldOutAndGotNone: number;
    /** [promised s, actual wait s] of up to 2,000 admitted buyers. */
    points: Array<[number, number]>;
  };
  fairness: Fairness;
  integrity: { ok: boolean; checks: IntegrityCheck[] };
  cpu: CpuReport | null;
}

const TURNED_AWAY: ReadonlySet<Outcome> = new Set(['sold_out', 'not_admitted', 'gave_up']);
/** Got a hold, whatever became of it. */
const won = (r: BuyerRecord) => r.heldAt !== undefined;

export function summarize(
  meta: RunMeta,
  records: readonly BuyerRecord[],
  integrity: IntegrityCheck[],
  cpu: CpuReport | null,
): Summary {
  const origin = meta.startedAt;
  const sec = (t: number) => Math.round((t - origin) / 100) / 10;
  const count = Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of records) count[r.outcome]++;

  const all = records.flatMap((r) => r.steps);
  const latency: Summary['latency'] = {};
  const errors: Summary['errors'] = {};
  for (const step of steps) {
    const mine = all.filter((s) => s.step === step);
    if (mine.length === 0) continue;
    const failed = mine.filter((s) => !s.ok);
    latency[step] = { ...distribution(mine.filter((s) => s.ok).map((s) => s.ms)), errors: failed.length };
    if (failed.length) {
      const codes: Record<string, number> = {};
      for (const f of failed) codes[f.code ?? 'unknown'] = (codes[f.code ?? 'unknown'] ?? 0) + 1;
      errors[step] = codes;
    }
  }

  // Sold out: the first "no tickets left" a buyer was told, by the hold or by the waiting room.
  const noTickets = [
    ...all.filter((s) => s.step === 'hold' && !s.ok && s.code === 'sold_out').map((s) => s.at),
    ...records.flatMap((r) => (r.queue?.soldOutSeenAt !== undefined ? [r.queue.soldOutSeenAt] : [])),
  ];
  const paid = records.filter((r) => r.paidAt !== undefined);
  const holds = records.filter((r) => r.heldAt !== undefined);
  const failures = all.filter((s) => !s.ok && !isExpectedNo(s.code));
  const length = Math.max(1, Math.ceil((meta.finishedAt - origin) / 1000));
  const series = {
    bucketSeconds: 1,
    arrivals: bucketCounts(
      records.map((r) => r.arrivedAt),
      origin,
      1000,
      length,
    ),
    holds: bucketCounts(
      holds.map((r) => r.heldAt!),
      origin,
      1000,
      length,
    ),
    orders: bucketCounts(
      paid.map((r) => r.paidAt!),
      origin,
      1000,
      length,
    ),
    errors: bucketCounts(
      failures.map((s) => s.at),
      origin,
      1000,
      length,
    ),
  };

  return {
    meta,
    outcomes: count,
    ticketsBought: records.filter((r) => r.outcome === 'bought').reduce((n, r) => n + r.tickets, 0),
    sellOutSeconds: noTickets.length ? sec(noTickets.reduce((a, b) => Math.min(a, b))) : null,
    lastPaidSeconds: paid.length ? sec(paid.reduce((a, r) => Math.max(a, r.paidAt!), 0)) : null,
    series,
    latency,
    errors,
    liveUpdateLagMs: distribution(records.flatMap((r) => r.lagsMs)),
    waitingRoom: waitingRoomReport(records),
    fairness: fairness(
      records.map((r) => ({
        rank: r.rank,
        won: won(r),
        turnedAway: TURNED_AWAY.has(r.outcome),
        ...(r.heldAt !== undefined ? { heldAt: r.heldAt } : {}),
      })),
    ),
    integrity: { ok: integrity.every((c) => c.ok), checks: integrity },
    cpu,
  };
}

/** "No" answers a flash sale is expected to give; they are outcomes, not errors, in the errors-over-time chart. */
export function isExpectedNo(code: string | undefined): boolean {
  return code === 'sold_out' || code === 'seat_unavailable' || code === 'no_adjacent_seats';
}

function waitingRoomReport(records: readonly BuyerRecord[]): Summary['waitingRoom'] {
  const queued = records.filter((r) => r.queue);
  if (queued.length === 0) return null;
  const admitted = queued.filter((r) => r.queue!.admittedAt !== undefined);
  const promised = admitted.filter((r) => r.queue!.promisedEtaSeconds !== null);
  const pairs = promised.map((r) => {
    const q = r.queue!;
    return [q.promisedEtaSeconds!, (q.admittedAt! - q.joinedAt) / 1000] as [number, number];
  });
  const told = queued.filter((r) => r.queue!.likelySoldOut);
  return {
    joined: queued.length,
    admitted: admitted.length,
    waitOverPromise: distribution(pairs.map(([p, a]) => a / Math.max(1, p))),
    keptPromises: pairs.filter(([p, a]) => a <= p * 1.25 + 5).length,
    toldLikelySoldOut: told.length,
    toldLikelySoldOutAndGotNone: told.filter((r) => !won(r)).length,
    points: sample(pairs, 2000).map(([p, a]) => [p, Math.round(a * 10) / 10]),
  };
}

/** Cores for N buyers a minute, from CPU per buyer (the whole crowd's mix, sold-out answers included). */
export function sizing(
  cpuSecondsTotal: number,
  buyers: number,
  purchases: number,
  crowds: number[] = [10_000, 100_000, 1_000_000, 5_000_000],
): CpuReport['sizing'] {
  if (buyers <= 0) return [];
  const perBuyer = cpuSecondsTotal / buyers;
  return crowds.map((n) => ({
    buyersPerMinute: n,
    purchasesPerMinute: Math.round((n * purchases) / buyers),
    cores: Math.round(((n * perBuyer) / 60) * 100) / 100,
  }));
}
