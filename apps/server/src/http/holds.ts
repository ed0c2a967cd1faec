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
} from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { HoldOutcome, HoldSeatsInput } from '../application/holds/hold-seats.ts';
import type { HoldUseCases } from '../application/holds/use-cases.ts';
import { route, type RouteDef } from './route.ts';

/**
 * The hold routes: HTTP adapters over the hold use cases (application/holds). The hot routes (hold create,
 * availability) are also answered by the hot-path dispatcher (fast-path.ts) before Express, with the same helpers.
 */

export const HOLD_ROUTE = '/api/showtimes/:id/holds';
export const AVAILABILITY_ROUTE = '/api/showtimes/:id/availability';

type Headers = Record<string, string | string[] | undefined>;

/** A hold create request's typed input: the buyer, the `Idempotency-Key` and `X-Admission-Token` headers, the
 * client's address and the validated body. */
export function holdInput(
  showtimeId: string,
  principal: Principal | null,
  req: { headers: Headers; clientAddress: string | undefined },
  request: HoldRequest,
): HoldSeatsInput {
  if (principal?.kind !== 'buyer') throw new DomainError('unauthenticated', 'A buyer session is required.');
  const input: HoldSeatsInput = {
    showtimeId,
    buyer: principal,
    idempotencyKey: idempotencyKeyOf(req.headers),
    request,
  };
  const admission = header(req.headers, 'x-admission-token');
  if (admission) input.admissionToken = admission;
  if (req.clientAddress) input.clientAddress = req.clientAddress;
  return input;
}

/** 201 with a new hold, 200 when the Idempotency-Key was already answered with this hold. */
export const holdStatus = (o: HoldOutcome) => (o.replayed ? 200 : 201);

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** What `idempotencyKeySchema` accepts (a test in holds.test.ts keeps the two the same). */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

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
  // The schema's own rule, tested directly first: a flood's every request carries a key.
  if (IDEMPOTENCY_KEY.test(raw)) return raw;
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
export function holdRoutes(uc: HoldUseCases): RouteDef[] {
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
        const o = await uc.holdSeats.hold(
          holdInput(params.id, principal, { headers: req.headers, clientAddress: req.ip }, body),
        );
        return { status: holdStatus(o), body: o.hold, headers: { 'cache-control': 'no-store' } };
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
        const json = await uc.availability.json({ showtimeId: params.id, withLabels: wantsLabels(query) });
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
        body: await uc.manageHold.view({ holdId: params.holdId, holdToken: holdTokenOf(req.headers) }),
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
        await uc.manageHold.release({ holdId: params.holdId, holdToken: holdTokenOf(req.headers) });
        return { status: 204 };
      },
    }),
  ];
}
