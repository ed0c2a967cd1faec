import type { Request, Response } from 'express';
import { showtimeParamsSchema } from '@seatrush/shared';
import type { LimitedAction, RateLimitSetting } from '../config/index.ts';
import type { RateLimits } from '../auth/rate-limits.ts';
import type { FrontDoor } from '../catalog/front-door.ts';
import type { Principal } from '../auth/principal.ts';
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
  frontDoor: Pick<FrontDoor, 'get'>;
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

function rateLimitStep(limit: RouteLimit, deps: RouteLimitDeps) {
  const limitsFor = async (req: Request): Promise<RateLimitSetting | undefined> => {
    if (!limit.showtimeQueue) return undefined;
    const defaults = deps.limits.defaults[limit.action];
    // Not validated yet (the route's own parsing comes after): only a well-formed id is looked up.
    const parsed = showtimeParamsSchema.safeParse({ id: req.params.id });
    if (!parsed.success) return defaults;
    const id = parsed.data.id;
    // PostgreSQL away (or no such showtime): the configured limits, rather than none.
    const s = await deps.frontDoor.get(id).catch(() => null);
    return { ...defaults, perAddress: s?.queueJoinLimitPerAddress ?? defaults.perAddress };
  };

  return (req: Request, res: Response, next: (err?: unknown) => void): void => {
    const principal = (res.locals.principal as Principal | null | undefined) ?? null;
    limitsFor(req)
      .then((limits) => {
        const scope = limit.showtimeQueue && typeof req.params.id === 'string' ? req.params.id : undefined;
        return deps.limits.take(
          limit.action,
          { address: req.ip, buyer: (limit.buyer ?? sessionOrEmail)(req, principal), scope },
          limits,
        );
      })
      .then((refused) => next(refused ?? undefined), next);
  };
}
