import {
  availabilityQuerySchema,
  availabilitySchema,
  holdParamsSchema,
  holdRequestSchema,
  holdResponseSchema,
  holdViewSchema,
  idempotencyKeySchema,
  showtimeParamsSchema,
  type HoldRequest,
  type HoldResponse,
  type HoldView,
} from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import type { BestAvailableHolds } from '../inventory/best-hold.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { SoldOutGate } from '../inventory/gate.ts';
import type { Metrics, Tally } from '../observability/metrics.ts';
import { route, type Principal, type RouteDef } from './route.ts';
import type { SessionHolds } from '../auth/session-holds.ts';

/**
 * The buyer's hold API. Each use case is implemented once here and called both by the Express route table and,
 * for the hot routes (hold create, availability), by the hot-path dispatcher in fast-path.ts, which reaches them
 * without Express's per-request cost.
 */

export const HOLD_ROUTE = '/api/showtimes/:id/holds';
export const AVAILABILITY_ROUTE = '/api/showtimes/:id/availability';

type Headers = Record<string, string | string[] | undefined>;

export interface HoldsApi {
  /**
   * The refusal `createHold` would answer without a Redis call (the node's sold-out gate), or null. Synchronous:
   * the hot path answers a sold-out flood without a promise per request. Throws what `createHold` would throw
   * for a missing buyer or Idempotency-Key.
   */
  refusalFromMemory(
    showtimeId: string,
    principal: Principal | null,
    headers: Headers,
    body: HoldRequest,
  ): DomainError | null;
  /**
   * 201 with the new hold, or 200 when the Idempotency-Key was already answered with this hold. `{ best }` picks
   * the seats first (inventory/best-hold.ts; `no_adjacent_seats` when nothing fits) and answers the same way.
   */
  createHold(
    showtimeId: string,
    principal: Principal | null,
    headers: Headers,
    body: HoldRequest,
  ): Promise<{ status: number; body: HoldResponse }>;
  /** The availability snapshot as JSON text (cached per node until the next change of the showtime). */
  availabilityJson(showtimeId: string, withLabels: boolean): Promise<string>;
  release(holdId: string, headers: Headers): Promise<void>;
  view(holdId: string, headers: Headers): Promise<HoldView>;
}

export interface HoldsApiDeps {
  inventory: Inventory;
  gate?: SoldOutGate;
  metrics: Metrics;
  /** Best available (`{ best }` requests are refused with `validation_failed` without it). */
  bestAvailable?: BestAvailableHolds;
  /** Records which buyer session made each hold ("my orders"). */
  sessionHolds?: SessionHolds;
}

/** A snapshot served from memory is at most this old even if a change message were lost without a disconnect. */
const AVAILABILITY_MAX_AGE_MS = 1000;

export function createHoldsApi(deps: HoldsApiDeps): HoldsApi {
  const { inventory, gate, metrics, bestAvailable, sessionHolds } = deps;
  const cache = new Map<string, { stamp: string; at: number; full: string; compact: string }>();
  const labelsJson = new Map<string, { key: string; json: string }>();
  const outcomes = new Map<string, Tally>();
  const countOutcome = (outcome: string) => {
    let t = outcomes.get(outcome);
    if (!t) outcomes.set(outcome, (t = metrics.tally(metrics.holds, { outcome })));
    t.inc();
  };

  const buyerOf = (principal: Principal | null) => {
    if (principal?.kind !== 'buyer') throw new DomainError('unauthenticated', 'A buyer session is required.');
    return principal;
  };

  return {
    refusalFromMemory(showtimeId, principal, headers, body) {
      const buyer = buyerOf(principal);
      const refusal = inventory.refusalFromMemory(showtimeId, {
        buyerId: buyer.buyerId,
        requestId: idempotencyKeyOf(headers),
        ...body,
      });
      if (refusal) countOutcome(refusal.code);
      return refusal;
    },

    async createHold(showtimeId, principal, headers, body) {
      const buyer = buyerOf(principal);
      const requestId = idempotencyKeyOf(headers);
      try {
        const { best, ...ask } = body;
        let hold;
        if (best === undefined)
          hold = await inventory.hold(showtimeId, { buyerId: buyer.buyerId, requestId, ...ask });
        else if (bestAvailable)
          hold = await bestAvailable.hold(showtimeId, { buyerId: buyer.buyerId, requestId, ...best });
        else
          throw new DomainError('validation_failed', 'Best available is not offered here; name the seats.');
        countOutcome(hold.replayed ? 'replayed' : 'created');
        if (buyer.sessionId && !hold.replayed) sessionHolds?.note(buyer.sessionId, hold.holdId);
        return { status: hold.replayed ? 200 : 201, body: hold };
      } catch (err) {
        countOutcome(err instanceof DomainError ? err.code : 'error');
        throw err;
      }
    },

    async availabilityJson(showtimeId, withLabels) {
      // The stamp is read before the snapshot: any change published after it makes the cached copy stale.
      const stamp = gate?.stamp(showtimeId) ?? null;
      const hit = cache.get(showtimeId);
      if (stamp !== null && hit?.stamp === stamp && Date.now() - hit.at < AVAILABILITY_MAX_AGE_MS)
        return withLabels ? hit.full : hit.compact;
      const { seatLabels, ...rest } = await inventory.snapshot(showtimeId);
      let labels = labelsJson.get(showtimeId);
      if (labels?.key !== rest.labelsKey) {
        labels = { key: rest.labelsKey, json: JSON.stringify(seatLabels) };
        labelsJson.set(showtimeId, labels);
      }
      const compact = JSON.stringify(rest);
      const full = `{"seatLabels":${labels.json},${compact.slice(1)}`;
      if (stamp !== null) cache.set(showtimeId, { stamp, at: Date.now(), full, compact });
      return withLabels ? full : compact;
    },

    async release(holdId, headers) {
      await inventory.release(holdId, holdTokenOf(headers));
    },

    async view(holdId, headers) {
      const h = await inventory.verifyHoldToken(holdId, holdTokenOf(headers));
      return {
        holdId: h.id,
        showtimeId: h.showtimeId,
        status: h.status,
        expiresAt: new Date(h.expiresAt).toISOString(),
        extended: h.extended,
        items: h.items,
        totalCents: h.totalCents,
        currency: h.currency,
      };
    },
  };
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The required `Idempotency-Key` header (400 when missing or malformed). */
export function idempotencyKeyOf(headers: Headers): string {
  const raw = header(headers, 'idempotency-key');
  if (raw === undefined || raw === '')
    throw new DomainError(
      'validation_failed',
      'Send an Idempotency-Key header (e.g. a UUID) with every hold request.',
      undefined,
      [{ path: 'headers.idempotency-key', message: 'Required' }],
    );
  const r = idempotencyKeySchema.safeParse(raw);
  if (!r.success) {
    const message = r.error.issues[0]?.message ?? 'Invalid';
    throw new DomainError('validation_failed', `Invalid Idempotency-Key header: ${message}`, undefined, [
      { path: 'headers.idempotency-key', message },
    ]);
  }
  return r.data;
}

/** The hold token: `Authorization: Bearer <holdToken>` (or `X-Hold-Token`). */
export function holdTokenOf(headers: Headers): string {
  const auth = header(headers, 'authorization');
  const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : header(headers, 'x-hold-token');
  if (!token)
    throw new DomainError('unauthenticated', 'Send the hold token as "Authorization: Bearer <holdToken>".');
  if (token.length > 256) throw new DomainError('hold_token_invalid');
  return token;
}

export const wantsLabels = (q: { seatLabels?: string | undefined }) =>
  q.seatLabels !== 'false' && q.seatLabels !== '0';

/** The hold routes in the route table (docs, access tests, and the path for every non-hot request). */
export function holdRoutes(api: HoldsApi): RouteDef[] {
  return [
    route({
      method: 'post',
      path: HOLD_ROUTE,
      access: 'buyer',
      summary:
        'Hold seats ({seats}), a GA quantity ({zone, quantity}) or the best N adjacent seats of a category ({best: {category, quantity}}); requires an Idempotency-Key header',
      tags: ['holds'],
      params: showtimeParamsSchema,
      body: holdRequestSchema,
      response: holdResponseSchema,
      handler: async ({ params, principal, req, body }) => {
        const r = await api.createHold(params.id, principal, req.headers, body);
        return { status: r.status, body: r.body, headers: { 'cache-control': 'no-store' } };
      },
    }),
    route({
      method: 'get',
      path: AVAILABILITY_ROUTE,
      access: 'public',
      summary:
        'Live availability: version, compact seat states, counts per zone and category (no database query)',
      tags: ['holds'],
      params: showtimeParamsSchema,
      query: availabilityQuerySchema,
      response: availabilitySchema,
      handler: async ({ params, query, res }) => {
        const json = await api.availabilityJson(params.id, wantsLabels(query));
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.setHeader('cache-control', 'no-store');
        res.end(json);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/holds/:holdId',
      access: 'public',
      summary: 'A hold, for its holder (Authorization: Bearer <holdToken>)',
      tags: ['holds'],
      params: holdParamsSchema,
      response: holdViewSchema,
      handler: async ({ params, req }) => ({
        body: await api.view(params.holdId, req.headers),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    route({
      method: 'delete',
      path: '/api/holds/:holdId',
      access: 'public',
      summary: 'Release a hold (Authorization: Bearer <holdToken>); the seats go back on sale at once',
      tags: ['holds'],
      params: holdParamsSchema,
      handler: async ({ params, req }) => {
        await api.release(params.holdId, req.headers);
        return { status: 204 };
      },
    }),
  ];
}
