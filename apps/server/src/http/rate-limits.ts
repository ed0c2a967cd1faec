import type { Request, Response } from 'express';
import { showtimeParamsSchema } from '@seatrush/shared';
import type { LimitedAction } from '../config/index.ts';
import type { RateLimits } from '../auth/rate-limits.ts';
import type { FrontDoor, FrontDoorSettings } from '../catalog/front-door.ts';
import type { Principal } from '../auth/principal.ts';
import type { DomainError } from '../domain/errors.ts';
import type { RouteDef } from './route.ts';

/**
 * Which routes the abuse limits cover (issue 15), in one place: `withRateLimits` puts a limit in front of every
 * route of the table whose method and path are listed here, whenever that route exists (routes added later are
 * covered by being listed). Holds are not here: their limit is a hold guard (application/holds/hold-limits.ts),
 * so the hot path, Express and the socket count alike.
 */
export interface RouteLimit {
  action: LimitedAction;
  /** The buyer the request speaks for, counted per buyer: by default the session's buyer, else the e-mail given. */
  buyer?: (req: Request, principal: Principal | null) => string | undefined;
  /** The route's `:id` is a showtime whose `queueJoinLimitPerAddress` overrides the per-address default. */
  showtimeQueue?: true;
}

/** The session's buyer, else the e-mail in the body or query (normalised like the routes do). */
const sessionOrEmail = (req: Request, principal: Principal | null): string | undefined => {
  if (principal?.kind === 'buyer') return principal.buyerId;
  return emailOf((req.body as { email?: unknown } | undefined)?.email) ?? emailOf(req.query.email);
};

/** A buyer session is started for an e-mail: that e-mail is the buyer, whoever is signed in. */
const emailInBody = (req: Request): string | undefined =>
  emailOf((req.body as { email?: unknown } | undefined)?.email);

function emailOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return email && email.length <= 320 ? `email:${email}` : undefined;
}

/** `method path` (as in the route table) → its limit. */
export const ROUTE_LIMITS: Readonly<Record<string, RouteLimit>> = {
  'post /api/buyer/session': { action: 'session', buyer: emailInBody },
  'post /api/buyer/session/code': { action: 'code', buyer: sessionOrEmail },
  'post /api/showtimes/:id/queue': { action: 'queueJoin', buyer: sessionOrEmail, showtimeQueue: true },
  // Making a challenge costs the server one key derivation: counted with the joins it precedes.
  'get /api/showtimes/:id/queue/challenge': {
    action: 'queueJoin',
    buyer: sessionOrEmail,
    showtimeQueue: true,
  },
  'get /api/orders/:code': { action: 'orderLookup', buyer: sessionOrEmail },
  'post /api/orders/:code/refund': { action: 'orderLookup', buyer: sessionOrEmail },
};

export interface RouteLimitDeps {
  limits: RateLimits;
  frontDoor: Pick<FrontDoor, 'get' | 'peek'>;
}

/**
 * The route table with each listed route's limit run first among its `before` steps (after authentication, so
 * the buyer is known; before validation, so malformed floods are counted too). Over the limit: 429 `rate_limited`
 * with Retry-After. The address is Express's `req.ip`: the socket peer unless TRUST_PROXY names the proxy.
 */
export function withRateLimits(routes: RouteDef[], deps: RouteLimitDeps): RouteDef[] {
  return routes.map((def) => {
    const limit = ROUTE_LIMITS[`${def.method} ${def.path}`];
    if (!limit) return def;
    return { ...def, before: [rateLimitStep(limit, deps), ...(def.before ?? [])] };
  });
}

/**
 * Counts one request of a listed route: the limits (a showtime queue's own per-address setting), the subject and
 * the scope, whichever adapter carries the request (the Express step below, the hot path's queue join).
 * `rawId`: the route's `:id` as received (not validated yet: only a well-formed id is looked up). The showtime's
 * settings come from the front door's memory when it has a copy (as the hold guards read them), so with every
 * limit off the answer is `null` at once — no promise, no Redis.
 */
export function takeRouteLimit(
  limit: RouteLimit,
  deps: RouteLimitDeps,
  rawId: string | undefined,
  subject: { address: string | undefined; buyer: string | undefined },
): null | Promise<DomainError | null> {
  if (!limit.showtimeQueue) return deps.limits.take(limit.action, subject);
  const defaults = deps.limits.defaults[limit.action];
  const scoped = typeof rawId === 'string' ? { ...subject, scope: rawId } : subject;
  const take = (s: FrontDoorSettings | null) => {
    const perAddress = s?.queueJoinLimitPerAddress;
    return deps.limits.take(
      limit.action,
      scoped,
      perAddress === null || perAddress === undefined ? defaults : { ...defaults, perAddress },
    );
  };
  const parsed = showtimeParamsSchema.safeParse({ id: rawId });
  if (!parsed.success) return take(null);
  const known = deps.frontDoor.peek(parsed.data.id);
  if (known !== undefined) return take(known);
  // PostgreSQL away (or no such showtime): the configured limits, rather than none.
  return deps.frontDoor
    .get(parsed.data.id)
    .catch(() => null)
    .then(take);
}

function rateLimitStep(limit: RouteLimit, deps: RouteLimitDeps) {
  return (req: Request, res: Response, next: (err?: unknown) => void): void => {
    const principal = (res.locals.principal as Principal | null | undefined) ?? null;
    const id = req.params.id;
    const refused = takeRouteLimit(limit, deps, typeof id === 'string' ? id : undefined, {
      address: req.ip,
      buyer: (limit.buyer ?? sessionOrEmail)(req, principal),
    });
    if (refused === null) next();
    else refused.then((r) => next(r ?? undefined), next);
  };
}

/** The queue join's limit for the hot-path dispatcher: the same entry of `ROUTE_LIMITS` as Express's route. */
export function queueJoinLimit(
  limits: RateLimits,
  frontDoor: RouteLimitDeps['frontDoor'],
): (
  rawId: string,
  subject: { address: string | undefined; buyer: string },
) => null | Promise<DomainError | null> {
  const limit = ROUTE_LIMITS['post /api/showtimes/:id/queue']!;
  const deps = { limits, frontDoor };
  return (rawId, subject) => takeRouteLimit(limit, deps, rawId, subject);
}
