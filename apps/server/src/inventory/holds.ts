import { randomBytes } from 'node:crypto';
import { createScriptBatches } from '../db/script-batches.ts';
import { DomainError } from '../domain/errors.ts';
import { holdFingerprint, makeHoldId, type HoldAsk, type HoldRecord } from '../domain/hold.ts';
import { rollupErrorLogger, type Buckets } from './buckets.ts';
import { requestTag } from './changes.ts';
import { codeOf, fail, ScriptCode } from './codes.ts';
import { parseHold, sha256, type InventoryContext } from './context.ts';
import { GATE_SEATS } from './gate.ts';
import { buyerHoldsKey, holdScriptKeys, idempotencyKey, showtimeOfSlot } from './keys.ts';
import type { Reply } from './scripts.ts';
import type { HoldOptions, HoldRequest, HoldResult } from './types.ts';

/**
 * Making holds: the hot path. `refusalFromMemory` answers from the node's sold-out gate without Redis; `hold`
 * sends the request to hold-11+2n.lua in per-showtime batches; `replay` asks the same script, in replay-only mode,
 * for the hold an idempotency key already made. Nothing here allocates a closure or awaits more than it must per
 * request: these run tens of thousands of times a second in a rush.
 */
export interface Holds {
  hold: (showtimeId: string, req: HoldRequest, opts?: HoldOptions) => Promise<HoldResult>;
  refusalFromMemory: (
    showtimeId: string,
    buyerId: string,
    requestId: string,
    ask: Pick<HoldRequest, 'seats' | 'best' | 'zone'>,
  ) => DomainError | null;
  replay: (showtimeId: string, req: HoldRequest) => Promise<HoldResult | null>;
}

/** Hold script calls in flight per showtime from one node, and requests per call (see submitHold). */
const HOLD_IN_FLIGHT = 2;
const HOLD_BATCH_MAX = 200;
/** GA buckets: how often one request may find its home bucket short, get stock moved in, and try again. */
const REFILL_ROUNDS = 16;

/** One hold request as hold-11+2n.lua reads it. */
interface WireHoldRequest {
  h: string;
  t: string;
  b: string;
  r: string;
  f: string;
  m: 'seats' | 'ga';
  s?: string[];
  z?: string;
  q?: number;
  /** 1: replay only (see hold-11+2n.lua). */
  o?: 1;
  /** The request tag (`requestTag`), published with the hold for the other nodes' gates. */
  k?: number;
  /** The limit key, when it is not the buyer (`HoldRequest.limitKey`). */
  l?: string;
}
interface HoldReply {
  reply: Reply;
  version: number;
}
interface HoldJob {
  wire: WireHoldRequest;
  idemKey: string;
  indexKey: string;
}

export function createHolds(
  ctx: InventoryContext,
  ensureLoaded: (showtimeId: string) => Promise<void>,
  buckets: Buckets,
): Holds {
  const { prefix, gate } = ctx;

  function refusalFromMemory(
    showtimeId: string,
    buyerId: string,
    requestId: string,
    ask: Pick<HoldRequest, 'seats' | 'best' | 'zone'>,
  ): DomainError | null {
    if (!gate) return null;
    const target = ask.seats !== undefined || ask.best !== undefined ? GATE_SEATS : ask.zone;
    if (target === undefined || !gate.isSoldOut(showtimeId, target)) return null;
    // A retry of a hold made here or on another node (its tag came with the change) goes to Redis for its hold.
    if (gate.mayHaveHeld(showtimeId, requestTag(buyerId, requestId))) return null;
    return gate.soldOutError(showtimeId, target);
  }

  // Hold requests of one showtime are sent in batches (db/script-batches.ts): at most HOLD_IN_FLIGHT script calls
  // per showtime are in flight from this node, and whatever arrives meanwhile goes together in the next call
  // (hold-11+2n.lua decides the requests one by one, exactly as separate calls in that order would). A quiet node
  // sends each request at once; in a rush, one call carries many, and Redis pays the per-call costs once per batch.
  const batches = createScriptBatches<HoldJob, HoldReply>({
    inFlight: HOLD_IN_FLIGHT,
    maxBatch: HOLD_BATCH_MAX,
    send: sendHolds,
  });
  // Batches are per slot: the showtime's, or (GA buckets) one of its buckets'.
  const submitHold = (slotId: string, job: HoldJob): Promise<HoldReply> => batches.submit(slotId, job);
  const holdInBucket = bucketHolder({
    ctx,
    buckets,
    submitHold,
    ensureLoaded,
    result: (showtimeId, record, replayed, token) => holdResult(showtimeId, record, replayed, token),
  });

  async function sendHolds(slotId: string, jobs: readonly HoldJob[]): Promise<HoldReply[]> {
    const keyList = holdScriptKeys(ctx.keys(slotId));
    for (const j of jobs) keyList.push(j.idemKey, j.indexKey);
    const args = [JSON.stringify(jobs.map((j) => j.wire)), ctx.idempotencyTtlMs];
    const showtimeId = showtimeOfSlot(slotId);
    const reply =
      showtimeId === slotId
        ? await ctx.run('hold', showtimeId, keyList, args)
        : await ctx.runIn('hold', showtimeId, slotId, keyList, args);
    const version = Number(reply[0]);
    return jobs.map((_, i) => ({ reply: reply[i + 1] as Reply, version }));
  }

  async function hold(showtimeId: string, req: HoldRequest, opts?: HoldOptions): Promise<HoldResult> {
    const ask = toAsk(req);
    const target = 'seats' in ask ? GATE_SEATS : ask.zone;
    const tag = requestTag(req.buyerId, req.requestId);
    if (opts?.gateChecked !== true) {
      const refusal = refusalFromMemory(showtimeId, req.buyerId, req.requestId, req);
      if (refusal) throw refusal;
    }
    const k = ctx.bucketCount(showtimeId) ?? (await ctx.resolveBuckets(showtimeId));
    if (k > 1) return holdInBucket(showtimeId, k, req, ask, tag);
    const holdId = makeHoldId(showtimeId, randomPart(12));
    const token = ctx.tokenFor(holdId);
    const job = holdJob(prefix, showtimeId, { holdId, token, req, ask, tag });
    let { reply, version } = await submitHold(showtimeId, job);
    if (codeOf(reply) === ScriptCode.NotLoaded) {
      await ensureLoaded(showtimeId);
      // Loaded now, and it may be a showtime with GA buckets (its own slot then sells nothing).
      const loadedK = await ctx.resolveBuckets(showtimeId);
      if (loadedK > 1) return holdInBucket(showtimeId, loadedK, req, ask, tag);
      ({ reply, version } = await submitHold(showtimeId, job));
    }
    if (Number(reply[0]) < 0) {
      if (codeOf(reply) === ScriptCode.SoldOut) gate?.noteSoldOut(showtimeId, target, version);
      fail(reply);
    }
    // Known at once, before this hold's change reaches the gate: a quick retry must not be told "sold out".
    gate?.noteHeld(showtimeId, tag);
    const record = parseHold(String(reply[2]));
    // A replay answers an earlier hold: its token is that hold's, not the one derived for this attempt.
    return holdResult(showtimeId, record, Number(reply[3]) === 1, record.id === holdId ? token : undefined);
  }

  function holdResult(
    showtimeId: string,
    record: HoldRecord,
    replayed: boolean,
    token = ctx.tokenFor(record.id),
  ): HoldResult {
    return {
      holdId: record.id,
      holdToken: token,
      showtimeId,
      expiresAt: new Date(record.expiresAt).toISOString(),
      items: record.items,
      totalCents: record.totalCents,
      currency: record.currency,
      replayed,
    };
  }

  async function replay(showtimeId: string, req: HoldRequest): Promise<HoldResult | null> {
    const ask: HoldAsk = req.best ? { seats: req.seats ?? [], best: req.best } : toAsk(req);
    const idemOwner = req.limitKey ?? req.buyerId;
    const k = ctx.bucketCount(showtimeId) ?? (await ctx.resolveBuckets(showtimeId));
    const slot = k > 1 ? buckets.homeSlot(showtimeId, k, requestTag(idemOwner, req.requestId)) : showtimeId;
    // The hold script in replay-only mode: the same idempotency decisions as a hold, in one atomic read.
    const { reply } = await submitHold(slot, {
      wire: { h: '', t: '', b: req.buyerId, r: req.requestId, f: holdFingerprint(ask), m: 'ga', o: 1 },
      idemKey: idempotencyKey(prefix, slot, idemOwner, req.requestId),
      indexKey: buyerHoldsKey(prefix, slot, req.buyerId),
    });
    const code = Number(reply[0]);
    if (code === 0) return null;
    if (code < 0) fail(reply);
    gate?.noteHeld(showtimeId, requestTag(req.buyerId, req.requestId));
    return holdResult(showtimeId, parseHold(String(reply[2])), true);
  }

  return { hold, refusalFromMemory, replay };
}

/**
 * GA buckets: the request goes to its home bucket (its idempotency identity's tag mod K, so a retry finds its
 * idempotency key there). When home has less than asked, stock is moved in from the other buckets and the
 * request runs at home again; `sold_out` only once a refill found nothing in any other bucket. The showtime's
 * counts follow by rollup.
 */
function bucketHolder(deps: {
  ctx: InventoryContext;
  buckets: Buckets;
  submitHold: (slotId: string, job: HoldJob) => Promise<HoldReply>;
  ensureLoaded: (showtimeId: string) => Promise<void>;
  result: (showtimeId: string, record: HoldRecord, replayed: boolean, token?: string) => HoldResult;
}) {
  const { ctx, buckets, submitHold, ensureLoaded } = deps;
  return async function holdInBucket(
    showtimeId: string,
    k: number,
    req: HoldRequest,
    ask: HoldAsk,
    tag: number,
  ): Promise<HoldResult> {
    const idemOwner = req.limitKey ?? req.buyerId;
    const home = buckets.homeSlot(showtimeId, k, requestTag(idemOwner, req.requestId));
    const homeIndex = buckets.indexOf(showtimeId, k, home);
    const holdId = makeHoldId(showtimeId, buckets.holdIdPart(home, randomPart(12)));
    const token = ctx.tokenFor(holdId);
    const job = holdJob(ctx.prefix, home, { holdId, token, req, ask, tag });
    let reply: Reply = [];
    for (let round = 0; round <= REFILL_ROUNDS; round++) {
      ({ reply } = await submitHold(home, job));
      if (codeOf(reply) === ScriptCode.NotLoaded) {
        await ensureLoaded(showtimeId);
        ({ reply } = await submitHold(home, job));
      }
      if (codeOf(reply) !== ScriptCode.SoldOut || !('zone' in ask) || round === REFILL_ROUNDS) break;
      const available = Number((JSON.parse(String(reply[1])) as { available?: number }).available ?? 0);
      const got = await buckets.refill(showtimeId, k, home, ask.zone, ask.quantity - available);
      if (got <= 0) break;
    }
    const made = Number(reply[0]) === 1 && Number(reply[3]) !== 1;
    void buckets
      .rollup(showtimeId, k, homeIndex, 'hold', made ? tag : undefined)
      .catch(rollupErrorLogger(ctx, showtimeId));
    if (Number(reply[0]) < 0) fail(reply);
    ctx.gate?.noteHeld(showtimeId, tag);
    const record = parseHold(String(reply[2]));
    return deps.result(showtimeId, record, Number(reply[3]) === 1, record.id === holdId ? token : undefined);
  };
}

/**
 * The script's request for one new hold on a slot (the showtime's own, or one of its GA buckets'). Idempotency is
 * scoped by the limit key (a claim never replays the e-mail's holds); the buyer's hold index by the buyer.
 */
function holdJob(
  prefix: string,
  slotId: string,
  h: { holdId: string; token: string; req: HoldRequest; ask: HoldAsk; tag: number },
): HoldJob {
  const { req, ask } = h;
  return {
    wire: {
      h: h.holdId,
      t: sha256(h.token),
      b: req.buyerId,
      r: req.requestId,
      f: holdFingerprint(ask),
      k: h.tag,
      l: req.limitKey,
      ...('seats' in ask ? { m: 'seats', s: ask.seats } : { m: 'ga', z: ask.zone, q: ask.quantity }),
    },
    idemKey: idempotencyKey(prefix, slotId, req.limitKey ?? req.buyerId, req.requestId),
    indexKey: buyerHoldsKey(prefix, slotId, req.buyerId),
  };
}

function toAsk(req: HoldRequest): HoldAsk {
  const hasSeats = req.seats !== undefined;
  const hasZone = req.zone !== undefined || req.quantity !== undefined;
  if (req.best !== undefined && !hasSeats)
    throw new DomainError('validation_failed', 'Best available holds the seats it picked; none were given.');
  if (hasSeats === hasZone)
    throw new DomainError('validation_failed', 'Send either seats, or a zone and a quantity.');
  if (hasSeats) {
    const seats = req.seats!;
    if (!seats.length) throw new DomainError('validation_failed', 'Name at least one seat.');
    if (new Set(seats).size !== seats.length)
      throw new DomainError('validation_failed', 'A seat is listed twice.');
    if (req.best && req.best.quantity !== seats.length)
      throw new DomainError('validation_failed', 'Best available picked a different number of seats.');
    return req.best ? { seats, best: req.best } : { seats };
  }
  if (!req.zone || !Number.isInteger(req.quantity) || req.quantity! < 1)
    throw new DomainError('validation_failed', 'Name the zone and a quantity of at least 1.');
  return { zone: req.zone, quantity: req.quantity! };
}

/** Random bytes for hold ids, from a pool refilled 4 KiB at a time: one OpenSSL call per ~340 holds, not one each. */
let randomPool = Buffer.alloc(0);
let randomAt = 0;
function randomPart(bytes: number): string {
  if (randomAt + bytes > randomPool.length) {
    randomPool = randomBytes(4096);
    randomAt = 0;
  }
  randomAt += bytes;
  return randomPool.toString('base64url', randomAt - bytes, randomAt);
}
