import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container } from './container.ts';
import { createHttpApp } from './http/app.ts';
import { healthRoutes } from './http/health.ts';
import { drainWeb, nodeReadiness, startOps, type NodeLifecycle } from './lifecycle.ts';
import { createAuthGate } from './auth/principal.ts';
import type { RouteDef } from './http/route.ts';
import { openapiRoutes } from './http/openapi.ts';
import { createStaffAuth, type StaffAuth } from './auth/staff.ts';
import { staffRoutes } from './http/staff-auth.ts';
import { catalogRoutes } from './http/catalog.ts';
import type { SaleHooks } from './catalog/common.ts';
import { createInventory, type Inventory } from './inventory/inventory.ts';
import { createSoldOutGate, type SoldOutGate } from './inventory/gate.ts';
import { createBestAvailable } from './inventory/best-hold.ts';
import { inventorySaleHooks } from './inventory/sale-hooks.ts';
import { createBuyerSessions, type BuyerSessions } from './auth/buyer.ts';
import { buyerSessionRoutes } from './http/buyer-session.ts';
import { holdRoutes } from './http/holds.ts';
import { createHoldUseCases, type HoldUseCases } from './application/holds/use-cases.ts';
import type { HoldGuard } from './application/holds/hold-seats.ts';
import { createFrontDoor, type FrontDoor } from './catalog/front-door.ts';
import { createSessionHolds, type SessionHolds } from './auth/session-holds.ts';
import { createFastPath } from './http/fast-path.ts';
import { createRealtime, type Realtime } from './realtime/server.ts';
import { realtimePubSub } from './realtime-pubsub.ts';
import { startWorkerRole } from './worker-role.ts';
import { inventoryPorts } from './realtime/ports.ts';
import { checkout } from './application/checkout/checkout.ts';
import { createOrdersModule, type OrdersModule } from './orders-module.ts';
import { orderRoutes } from './http/orders.ts';
import { paymentRoutes } from './http/payments.ts';
import { stripeWebhookRoutes } from './http/stripe-webhook.ts';
import { webhookRoutes } from './http/webhooks.ts';
import { boxOfficeRoutes, queueBoardMount } from './http/box-office.ts';
import { createRateLimits, type RateLimits } from './auth/rate-limits.ts';
import { holdRateLimitGuard } from './application/holds/hold-limits.ts';
import { frontDoorGuards } from './application/holds/front-door-guards.ts';
import { queueJoinLimit, withRateLimits } from './http/rate-limits.ts';
import { createRoom } from './waiting-room/room.ts';
import { createAdmissionTokens } from './waiting-room/tokens.ts';
import { createAdmissionGuard } from './application/waiting-room/admission-guard.ts';
import { createWaitingRoom, type WaitingRoomUseCases } from './application/waiting-room/waiting-room.ts';
import { waitingRoomSaleHooks } from './application/waiting-room/opening.ts';
import { createBotChallenges } from './application/waiting-room/bot-challenge.ts';
import { waitingRoomRoutes } from './http/waiting-room.ts';
import { queueRoom } from '@seatrush/shared';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { createVerificationCodes, type VerificationCodes } from './auth/verification-codes.ts';
import { requireVerifiedBuyers } from './application/buyers/require-verified.ts';
import { buyerVerificationRoutes } from './http/buyer-verification.ts';
import { devMailMount } from './http/dev-mail.ts';
import { checkInRoutes } from './http/check-in.ts';
import { exportRoutes } from './http/exports.ts';
import { deadLetterRoutes } from './http/dead-letters.ts';
import { createDeadLetters } from './queue/dead-letters.ts';

/**
 * The web port's accept queue. A flash crowd opens thousands of connections at once: Node's default (511)
 * overflows, and every dropped connection waits for its SYN to be resent (1 s, then 3, 7, 15, 31 s) while the node
 * idles — that was the rehearsal's 5 s median buyer session (bench/sessions). The kernel caps it at somaxconn.
 */
const LISTEN_BACKLOG = 4096;

export interface NodeOptions {
  web: boolean;
  worker: boolean;
  /** Port override (0 = any free port, for in-process test nodes). */
  port?: number;
  /** Operations port override (METRICS_PORT; 0 = any free port, null = none). */
  metricsPort?: number | null;
  /** Replaces services (tests inject recording sale hooks, tight login limits). */
  services?: Partial<NodeServices>;
}

/** Things built once per node and shared by the auth gate and the routes. */
export interface NodeServices {
  staffAuth: StaffAuth;
  /** How sale control tells the inventory engine; no-op until the engine is wired in. */
  saleHooks: SaleHooks;
  /** The node's inventory (one per process: its sold-out gate and caches are shared by HTTP and sockets). */
  inventory: Inventory;
  /** The node's sold-out gate (started by the web role; its subscription is closed on stop). */
  soldOutGate: SoldOutGate;
  /** Buyer guest sessions (resolver + issuing). */
  buyers: BuyerSessions;
  /** Which holds each buyer session made ("my orders" lists that session's orders). */
  sessionHolds: SessionHolds;
  /** Each showtime's front-door settings (waiting room, verification, limits), cached per node. */
  frontDoor: FrontDoor;
  /** Checks before every buyer hold: the room's admission, then the rate limits. Counter sales are exempt. */
  holdGuards: readonly HoldGuard[];
  /** The abuse limits (config RATE_LIMIT_*), shared by the hold guard and the limited routes (http/rate-limits.ts). */
  rateLimits: RateLimits;
  /** The waiting room (docs/waiting-room.md): joins, standings, admission ticks, staff controls. */
  waitingRoom: WaitingRoomUseCases;
  /** The hold use cases, shared by the route table, the hot-path dispatcher, sockets and the box office. */
  holds: HoldUseCases;
  /** Orders, payments, refunds: use cases, queues (producer side), payment provider; workers on demand. */
  orders: OrdersModule;
  /** Outgoing mail over SMTP (SMTP_URL): one-time codes, tickets. */
  mailer: Mailer;
  /** One-time codes that prove a buyer session's e-mail (docs/buyers.md). */
  verificationCodes: VerificationCodes;
  /** Draining after SIGTERM: readiness turns 503 (lifecycle.ts). */
  lifecycle: NodeLifecycle;
}

export function createNodeServices(c: Container, overrides: Partial<NodeServices> = {}): NodeServices {
  const soldOutGate =
    overrides.soldOutGate ??
    createSoldOutGate({
      redis: c.redis,
      prefix: c.config.redisPrefix,
      logger: c.logger.child({ module: 'gate' }),
    });
  const inventory =
    overrides.inventory ??
    createInventory({
      redis: c.redis,
      prisma: c.prisma,
      prefix: c.config.redisPrefix,
      logger: c.logger,
      maxExtensionSeconds: c.config.holdExtensionSeconds,
      // Every node derives the same hold tokens, so a retried hold request is answered alike by any node.
      tokenSecret: createHmac('sha256', c.config.sessionSecret).update('seatrush hold tokens').digest('hex'),
      gate: soldOutGate,
    });
  const frontDoor = overrides.frontDoor ?? createFrontDoor({ prisma: c.prisma });
  const admissionTokens = createAdmissionTokens(c.config.sessionSecret);
  const room = createRoom(c.redis, c.config.redisPrefix);
  const waitingRoom =
    overrides.waitingRoom ??
    createWaitingRoom({
      room,
      challenges: createBotChallenges({
        secret: c.config.sessionSecret,
        room,
        ...c.config.botChallenge,
        ttlMs: 10 * 60_000,
      }),
      tokens: admissionTokens,
      frontDoor,
      inventory,
      prisma: c.prisma,
      logger: c.logger.child({ module: 'waiting-room' }),
    });
  const rateLimits =
    overrides.rateLimits ??
    createRateLimits({ redis: c.redis, prefix: c.config.redisPrefix, limits: c.config.rateLimits });
  // One read of the showtime's front-door settings per hold; guards that do not apply there are skipped.
  const holdGuards = overrides.holdGuards ?? [
    frontDoorGuards(frontDoor, [
      createAdmissionGuard({ tokens: admissionTokens }),
      requireVerifiedBuyers,
      holdRateLimitGuard({ limits: rateLimits }),
    ]),
  ];
  const sessionHolds = overrides.sessionHolds ?? createSessionHolds(c.redis, c.config.redisPrefix, c.logger);
  return {
    staffAuth: overrides.staffAuth ?? createStaffAuth(c),
    lifecycle: overrides.lifecycle ?? { draining: false },
    saleHooks:
      overrides.saleHooks ?? waitingRoomSaleHooks(inventorySaleHooks(inventory), waitingRoom, c.logger),
    inventory,
    soldOutGate,
    buyers: overrides.buyers ?? createBuyerSessions({ secret: c.config.sessionSecret }),
    sessionHolds,
    frontDoor,
    holdGuards,
    rateLimits,
    waitingRoom,
    holds:
      overrides.holds ??
      createHoldUseCases({
        inventory,
        gate: soldOutGate,
        metrics: c.metrics,
        bestAvailable: createBestAvailable({ inventory, prisma: c.prisma, logger: c.logger }),
        sessionHolds,
        guards: holdGuards,
      }),
    orders: overrides.orders ?? createOrdersModule(c, { inventory }),
    mailer:
      overrides.mailer ??
      createMailer({ smtpUrl: c.config.smtpUrl, from: c.config.mailFrom, logger: c.logger }),
    verificationCodes:
      overrides.verificationCodes ??
      createVerificationCodes({
        redis: c.redis,
        prefix: c.config.redisPrefix,
        secret: createHmac('sha256', c.config.sessionSecret).update('seatrush email codes').digest('hex'),
        ttlSeconds: c.config.verifyCodeTtlSeconds,
        attempts: c.config.verifyCodeAttempts,
        resendSeconds: c.config.verifyResendSeconds,
      }),
  };
}

/** The whole route table of a web node. Exported so tests can walk every route (see routes-access test). */
export function buildRoutes(c: Container, s: NodeServices): RouteDef[] {
  const routes: RouteDef[] = [
    ...healthRoutes({ readiness: nodeReadiness(c, s.lifecycle, s.inventory) }),
    ...staffRoutes({ prisma: c.prisma, auth: s.staffAuth }),
    ...catalogRoutes({ prisma: c.prisma, logger: c.logger, saleHooks: s.saleHooks }),
    ...buyerSessionRoutes({ prisma: c.prisma, sessions: s.buyers, config: c.config }),
    ...buyerVerificationRoutes({
      send: {
        codes: s.verificationCodes,
        mailer: s.mailer,
        ttlSeconds: c.config.verifyCodeTtlSeconds,
        attempts: c.config.verifyCodeAttempts,
      },
      verify: { codes: s.verificationCodes, prisma: c.prisma, sessions: s.buyers },
      config: c.config,
    }),
    ...holdRoutes(s.holds),
    ...waitingRoomRoutes(s.waitingRoom),
    ...orderRoutes(s.orders.core, s.sessionHolds),
    ...paymentRoutes(s.orders.core, s.orders.sandbox),
    ...stripeWebhookRoutes(s.orders.core, s.orders.stripe),
    ...webhookRoutes({ prisma: c.prisma }),
    ...boxOfficeRoutes({
      prisma: c.prisma,
      inventory: s.inventory,
      holdSeats: s.holds.holdSeats,
      orders: s.orders.core,
      logger: c.logger,
      buyerIdFor: s.buyers.buyerIdFor,
    }),
    ...checkInRoutes({ prisma: c.prisma, ticketSecret: c.config.ticketSigningSecret }),
    ...exportRoutes({ prisma: c.prisma, logger: c.logger }),
    ...deadLetterRoutes({ deadLetters: createDeadLetters(c.redis, c.config.redisPrefix) }),
  ];
  // The abuse limits by method and path, in one place (http/rate-limits.ts): listed routes get theirs.
  const limited = withRateLimits(routes, { limits: s.rateLimits, frontDoor: s.frontDoor });
  limited.push(...openapiRoutes(() => limited));
  return limited;
}

export interface RunningNode {
  url: string;
  /** The operations port (`/metrics`, `/healthz`, `/readyz`), or '' when it is off. */
  metricsUrl: string;
  server: Server | null;
  /** The route table this node serves (empty without the web role); tests walk it. */
  routes: RouteDef[];
  stop(): Promise<void>;
  /** SIGTERM's graceful stop: readiness 503, drain (lifecycle.ts, bounded by DRAIN_TIMEOUT_MS), then `stop()`. */
  drain(): Promise<void>;
}

/**
 * Starts the roles asked for on one container: the web role (HTTP + Socket.IO) and/or the worker role
 * (BullMQ workers, relay, sweepers). The same build runs either, so it scales out by role.
 */
export async function startNode(c: Container, opts: NodeOptions): Promise<RunningNode> {
  const stops: Array<() => Promise<void>> = [];
  let server: Server | null = null;
  let url = '';
  let routes: RouteDef[] = [];
  let realtimeIo: Realtime['io'] | null = null;

  const services = createNodeServices(c, opts.services);
  // Every role serves /metrics and health on its operations port (never forwarded by the balancer); closed last.
  const ops = await startOps(
    c,
    opts.metricsPort !== undefined ? opts.metricsPort : c.config.metricsPort,
    nodeReadiness(c, services.lifecycle, opts.web ? services.inventory : undefined),
  );
  if (ops) stops.push(() => ops.close());
  // Production refuses to start without PAYMENT_PROVIDER (config/): when the sandbox was chosen, say what it means.
  if (c.config.env === 'production' && c.config.paymentProvider === 'sandbox' && services.orders.sandbox)
    c.logger.warn(
      { paymentProvider: 'sandbox' },
      'PAYMENT_PROVIDER=sandbox: payments go to the sandbox provider (test cards, no real money); do not sell real tickets with this install',
    );
  stops.push(() => services.orders.close());
  stops.push(() => services.sessionHolds.flush());
  stops.push(() => Promise.resolve(services.mailer.close()));

  if (opts.web) {
    const gate = createAuthGate(c.config, [
      (req) => services.buyers.resolve(req),
      services.staffAuth.resolver,
    ]);
    routes = buildRoutes(c, services);
    const app = createHttpApp(
      {
        logger: c.logger,
        metrics: c.metrics,
        trustProxy: c.config.trustProxy,
        webDist: c.config.webDist,
        stripeJs: c.config.paymentProvider === 'stripe',
        resolvePrincipal: gate.resolvePrincipal,
        checkCsrf: gate.checkCsrf,
        mounts: [
          queueBoardMount({ queues: services.orders.core.queues, ...gate }),
          // Development only (config/ refuses DEV_MAIL_DIR in production): the mail catcher's page.
          ...[devMailMount(c.config)].filter((m) => m !== null),
        ],
      },
      routes,
    );
    await services.soldOutGate.start();
    stops.push(() => services.soldOutGate.stop());
    // The hot buyer routes are answered before Express (see http/fast-path.ts); everything else goes to Express.
    const fastPath = createFastPath({
      holds: services.holds,
      resolveBuyer: (req) => services.buyers.resolveSync(req),
      checkCsrf: gate.checkCsrf,
      logger: c.logger,
      metrics: c.metrics,
      trustProxy: c.config.trustProxy,
      queue: { room: services.waitingRoom, limit: queueJoinLimit(services.rateLimits, services.frontDoor) },
    });
    const httpServer = createServer((req, res) => {
      if (!fastPath(req, res)) app(req, res);
    });
    server = httpServer;
    httpServer.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(
        { port: opts.port ?? c.config.port, host: c.config.host, backlog: LISTEN_BACKLOG },
        () => resolve(),
      );
    });
    const addr = httpServer.address() as AddressInfo;
    url = `http://127.0.0.1:${addr.port}`;
    services.orders.setSelfUrl(url);
    // Redis may have lost showtimes that PostgreSQL says are on sale: rebuild them before buyers notice.
    await services.inventory
      .rebuildMissing()
      .catch((err: unknown) => c.logger.error({ err }, 'inventory rebuild at start failed'));
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        }),
    );
    const realtime = await createRealtime(httpServer, {
      config: c.config,
      pubsub: realtimePubSub(c, services.soldOutGate.follows.consumer()),
      logger: c.logger.child({ module: 'realtime' }),
      metrics: c.metrics,
      auth: gate,
      ports: {
        ...inventoryPorts({
          inventory: services.inventory,
          holds: services.holds,
          prisma: c.prisma,
          sessionHolds: services.sessionHolds,
          queues: [
            services.orders.core.queues.orders,
            services.orders.core.queues.expiry,
            services.orders.core.queues.maintenance,
          ],
          checkout: (holdId, body) => checkout(services.orders.core, holdId, body),
        }),
        queueStatus: (showtimeId, buyerId) => services.waitingRoom.status(showtimeId, buyerId),
      },
    });
    realtimeIo = realtime.io;
    // The node that ticks a room tells every node's watchers (the adapter carries the event).
    const offProgress = services.waitingRoom.onProgress((p) =>
      realtime.io.to(queueRoom(p.showtimeId)).emit('queue:progress', p),
    );
    stops.push(async () => {
      offProgress();
      await realtime.close();
    });
    // Every web node ticks the rooms; a per-room lock lets one tick at a time (the script stays correct anyway).
    const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const roomLoop = setInterval(() => void services.waitingRoom.tickAll(owner, 900), 1000);
    roomLoop.unref();
    stops.push(() => Promise.resolve(clearInterval(roomLoop)));
  }

  if (opts.worker) stops.push(...(await startWorkerRole(c, services)));

  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  return {
    url,
    metricsUrl: ops?.url ?? '',
    server,
    routes,
    stop,
    async drain() {
      services.lifecycle.draining = true;
      if (server) await drainWeb(server, realtimeIo, c.config.drainTimeoutMs, c.logger);
      await stop();
    },
  };
}
