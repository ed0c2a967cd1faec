import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.ts';

/**
 * Who may call a route. `door`: any staff (door staff only scan, so only check-in routes are `door`);
 * `box_office`: box office or admin; `admin`: admin. Staff roles never imply buyer identity.
 */
export type Access = 'public' | 'buyer' | 'door' | 'box_office' | 'admin';

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | null;
  req: Request;
  res: Response;
}

/** What a handler returns: a status and a JSON body (or `undefined` when it wrote the response itself). */
export type RouteResult = { status?: number; body?: unknown; headers?: Record<string, string> } | undefined;

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  access: Access;
  summary: string;
  tags?: string[];
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Response schema (documentation). */
  response?: z.ZodType;
  /** Extra middleware (e.g. rate limiting) run after authentication, before the handler. */
  before?: Array<(req: Request, res: Response, next: (err?: unknown) => void) => void>;
  handler: (ctx: RouteContext<P, Q, B>) => Promise<RouteResult> | RouteResult;
}

/** Keeps the generic parameters inferred from the schemas at the definition site. */
export function route<P, Q, B>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}
