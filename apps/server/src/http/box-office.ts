import type { Express, Request, Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import {
  counterSaleBodySchema,
  counterSaleResultSchema,
  idParamsSchema,
  orderCodeParamsSchema,
  seatBlockBodySchema,
  seatBlockListSchema,
  seatBlockResultSchema,
  seatOwnerListSchema,
  seatOwnerQuerySchema,
  seatUnblockBodySchema,
  showtimeSalesSchema,
  staffOrderDetailSchema,
} from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import { actorOf, type Principal } from '../auth/principal.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { OrdersCore } from '../orders/core.ts';
import type { Queues } from '../queue/queues.ts';
import type { Logger } from '../observability/logger.ts';
import type { HoldSeats } from '../application/holds/hold-seats.ts';
import { blockSeats, listSeatBlocks, unblockSeats } from '../application/seat-blocks/seat-blocks.ts';
import { counterSale } from '../application/counter-sales/sell-at-counter.ts';
import { seatOwners } from '../application/sales-figures/seat-owners.ts';
import { showtimeSales } from '../application/sales-figures/showtime-sales.ts';
import { cancelPendingOrder } from '../application/orders/cancel-pending-order.ts';
import { route, type RouteDef } from './route.ts';
import { sendError } from './errors.ts';

/**
 * The box office's routes: HTTP adapters over the staff use cases in application/ — seat blocks, counter sales,
 * who holds which seat, the database's sales figures for a showtime, and cancelling a pending order — plus the
 * queue board for admins.
 */
export interface BoxOfficeDeps {
  prisma: PrismaClient;
  inventory: Inventory;
  holdSeats: HoldSeats;
  orders: OrdersCore;
  logger: Logger;
  /** The id a new buyer's row gets (counter sales to a new e-mail). */
  buyerIdFor: (email: string) => string;
}

const tags = ['box office'];

/** The box office's own routes (see module comment). All need a staff session or token with at least box_office. */
export function boxOfficeRoutes(deps: BoxOfficeDeps): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/api/staff/showtimes/:id/seats/block',
      access: 'box_office',
      summary:
        'Take free seats off sale with a reason (press, production holds); buyers see them leave at once',
      tags,
      params: idParamsSchema,
      body: seatBlockBodySchema,
      response: seatBlockResultSchema,
      handler: async ({ params, body, principal }) => ({
        body: await blockSeats(deps, params.id, body.seats, body.reason, actorOf(principal)),
      }),
    }),
    route({
      method: 'post',
      path: '/api/staff/showtimes/:id/seats/unblock',
      access: 'box_office',
      summary: 'Put blocked seats back on sale',
      tags,
      params: idParamsSchema,
      body: seatUnblockBodySchema,
      response: seatBlockResultSchema,
      handler: async ({ params, body, principal }) => ({
        body: await unblockSeats(deps, params.id, body.seats, body.reason, actorOf(principal)),
      }),
    }),
    route({
      method: 'get',
      path: '/api/staff/showtimes/:id/seats/blocks',
      access: 'box_office',
      summary: 'Blocked seats of a showtime with their reasons',
      tags,
      params: idParamsSchema,
      response: seatBlockListSchema,
      handler: async ({ params }) => ({ body: await listSeatBlocks(deps.prisma, params.id) }),
    }),
    route({
      method: 'get',
      path: '/api/staff/showtimes/:id/seats/owners',
      access: 'box_office',
      summary: 'Who holds, bought or blocked each seat (filter by seats or state)',
      tags,
      params: idParamsSchema,
      query: seatOwnerQuerySchema,
      response: seatOwnerListSchema,
      handler: async ({ params, query }) => ({
        body: await seatOwners(deps, params.id, query),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    route({
      method: 'get',
      path: '/api/staff/showtimes/:id/sales',
      access: 'box_office',
      summary: 'Tickets, revenue and refunds of a showtime as recorded in the database, per channel',
      tags,
      params: idParamsSchema,
      response: showtimeSalesSchema,
      handler: async ({ params }) => ({
        body: await showtimeSales(deps.prisma, params.id),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    route({
      method: 'post',
      path: '/api/staff/showtimes/:id/counter-sale',
      access: 'box_office',
      summary:
        'Sell seats or GA places at the counter (cash / card present): a PAID order with channel counter',
      tags,
      params: idParamsSchema,
      body: counterSaleBodySchema,
      response: counterSaleResultSchema,
      handler: async ({ params, body, principal }) => {
        const r = await counterSale(deps, params.id, body, actorOf(principal));
        return { status: r.replayed ? 200 : 201, body: r };
      },
    }),
    route({
      method: 'post',
      path: '/api/staff/orders/:code/cancel',
      access: 'box_office',
      summary: 'Cancel a pending order: its hold is released and its seats go back on sale',
      tags: ['staff orders'],
      params: orderCodeParamsSchema,
      response: staffOrderDetailSchema,
      handler: async ({ params, principal }) => ({
        body: await cancelPendingOrder(deps, params.code, actorOf(principal)),
      }),
    }),
  ];
}

/**
 * bull-board's page as ours: without the Google Fonts stylesheet it links (its fonts fall back to the system's;
 * nothing is fetched from another site) and with a link back to the box office.
 */
function ownBoardPage(res: Response, next: (err?: unknown) => void): void {
  const render = res.render.bind(res);
  res.render = (view: string, options?: object) =>
    render(view, options ?? {}, (err: Error | null, html: string) => {
      if (err) return next(err);
      res.send(
        html
          .replace(/<link[^>]*fonts\.(googleapis|gstatic)\.com[^>]*>/g, '')
          .replace(/<body([^>]*)>/, `<body$1>${BACK_LINK}`),
      );
    });
}

const BACK_LINK =
  '<a href="/box-office" style="position:fixed;left:0.75rem;bottom:0.75rem;z-index:1000;padding:0.4rem 0.75rem;' +
  'border-radius:0.4rem;background:#1e293b;color:#fff;font:500 0.9rem system-ui,sans-serif;text-decoration:none">' +
  '<span aria-hidden="true">←</span> Box office</a>';

/** Where bull-board is served (a server page under the dashboard's path; the SPA fallback never sees it). */
export const QUEUE_BOARD_PATH = '/box-office/queues';

/**
 * Mounts bull-board over the BullMQ queues at `/box-office/queues`, for admins only: anonymous browsers are sent
 * to the staff sign-in (and back), other staff in a browser to the web app's "Admins only" page (status 403), and
 * other callers get the usual 401 / 403 envelope. Its actions (retry, clean, promote) are state changes under the
 * same CSRF rule as the API.
 */
export function queueBoardMount(deps: {
  queues: Queues;
  resolvePrincipal: (req: Request) => Promise<Principal | null>;
  checkCsrf: (req: Request, principal: Principal | null) => void;
}): (app: Express) => void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [
      deps.queues.orders,
      deps.queues.expiry,
      deps.queues.maintenance,
      deps.queues.sandboxWebhooks,
    ].map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Seatrush queues' } },
  });
  const router = serverAdapter.getRouter() as (
    req: Request,
    res: unknown,
    next: (err?: unknown) => void,
  ) => void;
  return (app) => {
    app.use(QUEUE_BOARD_PATH, (req, res, next) => {
      deps
        .resolvePrincipal(req)
        .then((principal) => {
          if (!principal || principal.kind !== 'staff') {
            if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html')
              return res.redirect(302, `/box-office/login?next=${encodeURIComponent(QUEUE_BOARD_PATH)}`);
            return sendError(res, new DomainError('unauthenticated', 'Staff sign-in is required.'));
          }
          if (principal.role !== 'admin') {
            // A browser's page load (it asks for text/html by name) gets the dashboard's own "Admins only"
            // page: the web app, answered 403. Programs (Accept: */* or JSON) get the envelope.
            if (req.method === 'GET' && /\btext\/html\b/.test(req.headers.accept ?? '')) {
              res.status(403);
              return next();
            }
            return sendError(res, new DomainError('forbidden', 'This needs the admin role.'));
          }
          if (req.method !== 'GET' && req.method !== 'HEAD') deps.checkCsrf(req, principal);
          ownBoardPage(res, next);
          router(req, res, next);
        })
        .catch(next);
    });
  };
}
