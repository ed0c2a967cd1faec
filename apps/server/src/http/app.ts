import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { NUL_MESSAGE, nulBytePath, zodIssues } from '@seatrush/shared';
import type { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import { errorMiddleware, sendError, toDomainError } from './errors.ts';
import { requestIdOf } from './request-id.ts';
import type { Access, RouteDef } from './route.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { type Principal } from '../auth/principal.ts';
import type { ProxyTrust } from '../config/trust-proxy.ts';

export interface HttpDeps {
  logger: Logger;
  metrics: Metrics;
  /** Which peers' X-Forwarded-* headers Express believes (config/trust-proxy.ts; the CSRF check uses the same). */
  trustProxy: ProxyTrust;
  webDist: string | undefined;
  /** Identifies the caller from cookies / Authorization; null for anonymous. */
  resolvePrincipal: (req: Request) => Promise<Principal | null>;
  /** Refuses cookie-authenticated state changes from foreign origins (throws `csrf_failed`). */
  checkCsrf: (req: Request, principal: Principal | null) => void;
  /** Non-route mounts (docs, bull-board) added before the SPA fallback. */
  mounts?: Array<(app: express.Express) => void>;
  /** The checkout page loads Stripe.js and its Payment Element frames (PAYMENT_PROVIDER=stripe): allow them. */
  stripeJs?: boolean;
}

/** What Stripe.js and the Payment Element need in the CSP (docs.stripe.com/security/guide#content-security-policy). */
const STRIPE_CSP = {
  'script-src': ['https://js.stripe.com', 'https://*.js.stripe.com'],
  'frame-src': ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'],
  'connect-src': ['https://api.stripe.com'],
};

/** Whether `principal` satisfies `access`. Returns the error to send otherwise. */
export function authorize(access: Access, principal: Principal | null): DomainError | null {
  if (access === 'public') return null;
  if (!principal) return new DomainError('unauthenticated');
  if (access === 'buyer')
    return principal.kind === 'buyer'
      ? null
      : new DomainError('unauthenticated', 'A buyer session is required.');
  if (principal.kind !== 'staff') return new DomainError('unauthenticated', 'Staff sign-in is required.');
  if (access === 'admin' && principal.role !== 'admin')
    return new DomainError('forbidden', 'This needs the admin role.');
  if (access === 'box_office' && principal.role === 'door')
    return new DomainError('forbidden', 'Door staff can only scan tickets.');
  return null;
}

/** Validates one part of a request like every route does (also used by the hot-path dispatcher). */
export function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  // PostgreSQL text cannot hold NUL (22021): refuse it here, for every route, with or without a schema.
  const nul = nulBytePath(value);
  if (nul !== null) {
    const path = nul === '(body)' ? where : `${where}.${nul}`;
    throw new DomainError('validation_failed', `Invalid ${where}: ${path} ${NUL_MESSAGE}`, undefined, [
      { path, message: NUL_MESSAGE },
    ]);
  }
  if (!schema) return value as T;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = zodIssues(r.error).map((i) => ({
    ...i,
    path: i.path === '(body)' ? where : `${where}.${i.path}`,
  }));
  throw new DomainError(
    where === 'params' ? 'not_found' : 'validation_failed',
    `Invalid ${where}: ${issues[0]?.path} ${issues[0]?.message}`,
    undefined,
    issues,
  );
}

/** Builds the Express app from the route table. Every route is authenticated, validated and measured the same way. */
export function createHttpApp(deps: HttpDeps, routes: RouteDef[]): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy);
  app.use(
    helmet({
      // Browsers then send a real Origin on same-origin form posts (no-referrer makes it "null"), which the
      // CSRF check needs; cross-site requests still only learn our origin.
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'", ...(deps.stripeJs ? STRIPE_CSP['script-src'] : [])],
          'connect-src': ["'self'", 'ws:', 'wss:', ...(deps.stripeJs ? STRIPE_CSP['connect-src'] : [])],
          ...(deps.stripeJs ? { 'frame-src': STRIPE_CSP['frame-src'] } : {}),
          'img-src': ["'self'", 'data:'],
        },
      },
    }),
  );
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const id = requestIdOf(req);
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
    }),
  );
  app.use(
    express.json({
      limit: '2mb',
      strict: true,
      type: ['application/json', 'application/*+json'],
      // Webhook signatures are computed over the exact bytes received (see payments/signature.ts).
      verify: (req, _res, buf) => {
        if (req.url?.startsWith('/api/payments/webhook'))
          (req as { rawBody?: Buffer }).rawBody = Buffer.from(buf);
      },
    }),
  );

  for (const def of routes) {
    const handlers: Array<(req: Request, res: Response, next: NextFunction) => void> = [];
    handlers.push((req, res, next) => {
      const end = deps.metrics.httpDuration.startTimer({ method: def.method, route: def.path });
      res.on('finish', () => {
        end();
        deps.metrics.httpRequests.inc({
          method: def.method,
          route: def.path,
          status: String(res.statusCode),
        });
      });
      deps
        .resolvePrincipal(req)
        .then((principal) => {
          const denied = authorize(def.access, principal);
          if (denied) return sendError(res, denied);
          if (def.method !== 'get') deps.checkCsrf(req, principal);
          res.locals.principal = principal;
          next();
        })
        .catch(next);
    });
    handlers.push(...(def.before ?? []));
    handlers.push((req, res, next) => {
      const run = async () => {
        if (def.method !== 'get' && def.method !== 'delete' && def.body && req.body === undefined) {
          if (
            req.headers['content-length'] &&
            req.headers['content-length'] !== '0' &&
            !req.is('application/json')
          )
            throw new DomainError('unsupported_media_type');
        }
        const params = parsePart(def.params, req.params, 'params');
        const query = parsePart(def.query, req.query, 'query');
        const body = parsePart(def.body, req.body ?? {}, 'body');
        const result = await def.handler({
          params,
          query,
          body,
          principal: (res.locals.principal as Principal | null) ?? null,
          req,
          res,
        });
        if (!result || res.headersSent) return;
        for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
        const status = result.status ?? 200;
        if (result.body === undefined) res.status(status).end();
        else res.status(status).json(result.body);
      };
      run().catch(next);
    });
    app[def.method](def.path, ...handlers);
  }

  for (const mount of deps.mounts ?? []) mount(app);

  app.use('/api', (_req, res) => sendError(res, new DomainError('not_found', 'No such API route.')));
  if (deps.webDist && existsSync(join(deps.webDist, 'index.html'))) {
    const dist = deps.webDist;
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    // Single-page app: every other GET gets index.html so client-side routes work on reload.
    app.get(/.*/, (_req, res) => res.sendFile(join(dist, 'index.html')));
  }
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const mapped = toDomainError(err);
    if (mapped) return sendError(res, mapped);
    next(err);
  });
  app.use(errorMiddleware(deps.logger));
  return app;
}
