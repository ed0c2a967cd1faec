import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Counter, Histogram } from 'prom-client';
import {
  rooms,
  showtimeJoinSchema,
  showtimeLeaveSchema,
  showtimeResyncSchema,
  socketHoldCheckoutSchema,
  socketHoldCreateSchema,
  socketHoldReleaseSchema,
  staffJoinSchema,
  type CheckoutBody,
  type CheckoutResponse,
  type HoldResponse,
  type MyHold,
  type ShowtimeSnapshot,
  type ShowtimeSync,
  type SocketHoldCreate,
  type StaffStats,
} from '@seatrush/shared';
import type { Config } from '../config/index.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createRedis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import { outageError } from '../db/outage.ts';
import { command, tokenBucket, type CommandContext } from './ack.ts';
import { handshakeRequest, socketPrincipal, type HandshakeAuth } from './auth.ts';
import { Fanout, type ChangeRead, type Published } from './fanout.ts';
import type { RealtimeServer, RealtimeSocket } from './types.ts';

/** What the real-time layer needs from the inventory and the use cases (the same ones HTTP calls). */
export interface RealtimePorts<C = unknown> {
  /** Decodes a message of the inventory's channel (null when it is not a change). */
  decodeMessage(message: string): Published<C> | null;
  /** Merges consecutive published changes after version `from` into one delta (as `readChanges` would). */
  mergeChanges(showtimeId: string, from: number, changes: Array<Published<C>>): ChangeRead;
  /** The live state of a showtime. Throws `not_found` / `sale_not_open` when it has no live inventory. */
  snapshot(showtimeId: string): Promise<ShowtimeSnapshot>;
  /** The change log after `since`, reduced to the public delta form plus owner-only hold facts. */
  readChanges(showtimeId: string, since: number): Promise<ChangeRead>;
  /** The buyer's live holds in a showtime (no tokens). */
  holdsOf(showtimeId: string, buyerId: string): Promise<MyHold[]>;
  /** The hold use case, exactly as `POST /api/showtimes/:id/holds` runs it. */
  createHold(
    buyer: { buyerId: string; email: string; sessionId?: string },
    input: SocketHoldCreate,
  ): Promise<HoldResponse>;
  /** The release use case, exactly as `DELETE /api/holds/:holdId` runs it. */
  releaseHold(holdId: string, holdToken: string): Promise<void>;
  /** The checkout use case of `POST /api/holds/:holdId/checkout` (absent on nodes without the orders module). */
  checkout?: (holdId: string, body: CheckoutBody) => Promise<CheckoutResponse>;
  /** Live statistics for the staff room (see staff-stats.ts). */
  staffStats(
    showtimeId: string,
    live: { connectedBuyers: number; nodes: number },
  ): Promise<StaffStats | null>;
}

export interface RealtimeDeps {
  config: Pick<
    Config,
    'redisUrl' | 'redisPrefix' | 'realtimeCoalesceMs' | 'realtimeDeliveryBudget' | 'staffStatsIntervalMs'
  >;
  logger: Logger;
  metrics: Metrics;
  auth: HandshakeAuth;
  ports: RealtimePorts<unknown>;
}

export interface Realtime {
  io: RealtimeServer;
  fanout: Fanout<unknown>;
  close(): Promise<void>;
}

/** A socket may watch a few showtimes at once (tabs share a connection), not hundreds. */
const MAX_SHOWTIMES_PER_SOCKET = 8;
/** Commands per connection: generous for a person (or a page resyncing), a wall for a flood. */
const COMMAND_BURST = 60;
const COMMANDS_PER_SECOND = 30;

/**
 * Attaches Socket.IO to a web node's HTTP server: the Redis adapter (rooms shared by every node), the handshake
 * auth (the HTTP principal resolvers, the HTTP CSRF rule for cookie-authenticated browsers), the commands, the
 * delta pump and the staff statistics. `close()` disconnects every socket and releases the Redis connections.
 */
export async function createRealtime(httpServer: HttpServer, deps: RealtimeDeps): Promise<Realtime> {
  const { config, logger, ports } = deps;
  const pub = createRedis(config.redisUrl, { connectionName: 'sio-pub' });
  const sub = createRedis(config.redisUrl, { connectionName: 'sio-sub' });
  const inventorySub = createRedis(config.redisUrl, { connectionName: 'inventory-sub' });
  for (const r of [pub, sub, inventorySub])
    r.on('error', (err) => logger.warn({ err: err.message }, 'realtime redis error'));

  const io: RealtimeServer = new Server(httpServer, {
    // WebSocket first; polling stays available for clients that cannot upgrade (needs sticky balancing, see docs).
    transports: ['websocket', 'polling'],
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    adapter: createAdapter(pub, sub, { key: `${config.redisPrefix}:sio`, requestsTimeout: 2_000 }),
  });

  const m = metricsFor(deps.metrics);
  const fanout = new Fanout<unknown>({
    io,
    subscriber: inventorySub,
    channel: `${config.redisPrefix}:inventory`,
    read: (showtimeId, since) => ports.readChanges(showtimeId, since),
    decode: (message) => ports.decodeMessage(message),
    merge: (showtimeId, from, changes) => ports.mergeChanges(showtimeId, from, changes),
    logger,
    coalesceMs: config.realtimeCoalesceMs,
    deliveryBudget: config.realtimeDeliveryBudget,
    sweepMs: 1_000,
    onFlush: ({ deliveries, ms, waitedMs, fromLog, reset }) => {
      m.deltas.inc({ source: reset ? 'reset' : fromLog ? 'log' : 'messages' });
      m.deliveries.inc(deliveries);
      m.flush.observe(ms / 1000);
      m.waited.observe(waitedMs / 1000);
    },
  });
  await fanout.start();

  io.use((socket, next) => {
    const req = requestOf(socket);
    deps.auth
      .resolvePrincipal(req)
      .then((principal) => {
        deps.auth.checkCsrf(req, principal);
        socket.data.principal = socketPrincipal(principal);
        socket.data.showtimes = [];
        next();
      })
      .catch((err: unknown) => {
        if (err instanceof DomainError)
          return next(Object.assign(new Error(err.code), { data: { code: err.code } }));
        // Redis (staff sessions) unreachable: the client is told to come back, not that we have a bug.
        const outage = outageError(err);
        if (outage)
          return next(Object.assign(new Error(outage.code), { data: { code: outage.code, ...outage.details } }));
        logger.error({ err }, 'socket handshake failed');
        next(Object.assign(new Error('internal'), { data: { code: 'internal' } }));
      });
  });

  io.on('room:size', (room, ack) => ack(io.of('/').adapter.rooms.get(room)?.size ?? 0));

  io.on('connection', (socket) => {
    deps.metrics.sockets.inc();
    socket.on('disconnect', () => deps.metrics.sockets.dec());
    const principal = socket.data.principal;
    if (principal?.kind === 'buyer') void socket.join(rooms.buyer(principal.buyerId));
    registerCommands(io, socket, deps, fanout, logger.child({ socketId: socket.id }));
  });

  const stats = startStaffStats(io, deps, config.staffStatsIntervalMs, logger);

  return {
    io,
    fanout,
    async close() {
      stats.stop();
      await fanout.close();
      await new Promise<void>((resolve) => {
        // io.close() also closes the HTTP server; the node closes it too and tolerates the second close.
        void io.close(() => resolve());
      });
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

function registerCommands(
  io: RealtimeServer,
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  fanout: Fanout<unknown>,
  log: Logger,
): void {
  const { ports } = deps;
  const principal = socket.data.principal;
  const buyer = principal?.kind === 'buyer' ? principal : null;
  const buyerId = buyer?.buyerId ?? null;

  const ctx: CommandContext = { log, allow: tokenBucket(COMMAND_BURST, COMMANDS_PER_SECOND) };

  const myHolds = (showtimeId: string) =>
    buyerId ? ports.holdsOf(showtimeId, buyerId) : Promise.resolve([]);

  /** A snapshot, or the deltas after `since` when the change log still covers it. */
  const sync = async (
    showtimeId: string,
    since: number | undefined,
    labelsKey?: string,
  ): Promise<ShowtimeSync> => {
    if (since !== undefined) {
      const read = await ports.readChanges(showtimeId, since);
      if (read.kind === 'changes' && read.to >= since) {
        const holds = await myHolds(showtimeId);
        fanout.noteVersion(showtimeId, read.to);
        return {
          kind: 'deltas',
          delta: { showtimeId, from: since, to: read.to, changes: read.changes, at: Date.now() },
          myHolds: holds,
        };
      }
    }
    const [full, holds] = await Promise.all([ports.snapshot(showtimeId), myHolds(showtimeId)]);
    fanout.noteVersion(showtimeId, full.version);
    const snapshot =
      labelsKey !== undefined && labelsKey === full.labelsKey ? { ...full, seatLabels: undefined } : full;
    return { kind: 'snapshot', snapshot, myHolds: holds };
  };

  socket.on(
    'showtime:join',
    command(ctx, 'showtime:join', showtimeJoinSchema, async ({ showtimeId, since, labelsKey }) => {
      const room = rooms.showtime(showtimeId);
      const joined = socket.rooms.has(room);
      if (!joined && socket.data.showtimes.length >= MAX_SHOWTIMES_PER_SOCKET)
        throw new DomainError(
          'rate_limited',
          `A connection can follow at most ${MAX_SHOWTIMES_PER_SOCKET} showtimes.`,
        );
      // Join before reading: every delta emitted from now on reaches this socket, and the first one starts at or
      // before the version read below, so the client's mirror never has a hole between its answer and the stream.
      if (!joined) {
        // Staff follow the seat map too; a room of the others keeps "connected buyers" a plain room size.
        await socket.join(principal?.kind === 'staff' ? room : [room, rooms.showtimeBuyers(showtimeId)]);
        socket.data.showtimes.push(showtimeId);
      }
      try {
        return await sync(showtimeId, since, labelsKey);
      } catch (err) {
        if (!joined) await leaveShowtime(socket, showtimeId);
        throw err;
      }
    }),
  );

  socket.on(
    'showtime:resync',
    command(ctx, 'showtime:resync', showtimeResyncSchema, async ({ showtimeId, since, labelsKey }) => {
      if (!socket.rooms.has(rooms.showtime(showtimeId)))
        throw new DomainError('invalid_transition', 'Join the showtime before asking to resync it.');
      return sync(showtimeId, since, labelsKey);
    }),
  );

  socket.on(
    'showtime:leave',
    command(ctx, 'showtime:leave', showtimeLeaveSchema, async ({ showtimeId }) => {
      await leaveShowtime(socket, showtimeId);
      return { left: true as const };
    }),
  );

  socket.on(
    'hold:create',
    command(ctx, 'hold:create', socketHoldCreateSchema, async (input) => {
      if (!buyer) throw new DomainError('unauthenticated', 'A buyer session is required.');
      return ports.createHold(buyer, input);
    }),
  );

  socket.on(
    'hold:release',
    command(ctx, 'hold:release', socketHoldReleaseSchema, async ({ holdId, holdToken }) => {
      // Like HTTP: the hold token is the capability, whoever presents it.
      await ports.releaseHold(holdId, holdToken);
      return { released: true as const };
    }),
  );

  socket.on(
    'hold:checkout',
    command(ctx, 'hold:checkout', socketHoldCheckoutSchema, async ({ holdId, ...body }) => {
      // Like HTTP: the hold token and the buyer's email are the capability.
      if (!ports.checkout)
        throw new DomainError('not_ready', 'Checkout is not available over this connection; use HTTP.');
      return ports.checkout(holdId, body);
    }),
  );

  socket.on(
    'staff:join',
    command(ctx, 'staff:join', staffJoinSchema, async ({ showtimeId }) => {
      if (principal?.kind !== 'staff') throw new DomainError('forbidden', 'Staff sign-in is required.');
      // The handshake's session may have ended since (sign-out, deactivation, role change): ask again.
      if (!(await stillStaff(socket, deps.auth)))
        throw new DomainError('unauthenticated', 'Your staff session has ended. Sign in again.');
      const stats = await ports.staffStats(showtimeId, await liveCounts(io, showtimeId));
      if (!stats) throw new DomainError('not_found', 'No such showtime on sale.');
      await socket.join(rooms.staff(showtimeId));
      return stats;
    }),
  );

  socket.on(
    'staff:leave',
    command(ctx, 'staff:leave', staffJoinSchema, async ({ showtimeId }) => {
      await socket.leave(rooms.staff(showtimeId));
      return { left: true as const };
    }),
  );
}

async function leaveShowtime(socket: RealtimeSocket, showtimeId: string): Promise<void> {
  await socket.leave(rooms.showtime(showtimeId));
  await socket.leave(rooms.showtimeBuyers(showtimeId));
  socket.data.showtimes = socket.data.showtimes.filter((id) => id !== showtimeId);
}

/** Non-staff sockets following the showtime on every node, and how many nodes answered for it. */
async function liveCounts(
  io: RealtimeServer,
  showtimeId: string,
): Promise<{ connectedBuyers: number; nodes: number }> {
  const room = rooms.showtimeBuyers(showtimeId);
  const local = io.of('/').adapter.rooms.get(room)?.size ?? 0;
  try {
    const remote = await io.serverSideEmitWithAck('room:size', room);
    return { connectedBuyers: local + remote.reduce((a, b) => a + b, 0), nodes: remote.length + 1 };
  } catch {
    return { connectedBuyers: local, nodes: 1 };
  }
}

/** The socket's handshake presented as an HTTP request, for the HTTP principal resolvers. */
function requestOf(socket: RealtimeSocket) {
  return handshakeRequest(socket.request, (socket.handshake.auth as { token?: unknown } | undefined)?.token);
}

/** Whether the staff session (or API token) the socket connected with is still valid and still staff. */
async function stillStaff(socket: RealtimeSocket, auth: HandshakeAuth): Promise<boolean> {
  const now = await auth.resolvePrincipal(requestOf(socket)).catch(() => null);
  if (now?.kind !== 'staff') return false;
  socket.data.principal = socketPrincipal(now); // a role change takes effect too
  return true;
}

/** A staff socket's session is checked again every this many statistics intervals (5 s by default). */
const STAFF_RECHECK_TICKS = 5;

/**
 * Pushes the statistics of every staff room that has sockets on this node, once per interval, to this node's
 * sockets only. Each node computes for its own staff sockets; the figures are the same on every node because they
 * are read from Redis (and the room sizes are asked of every node). Staff sockets are re-authenticated every
 * STAFF_RECHECK_TICKS intervals: a signed-out or deactivated account stops receiving statistics and is disconnected.
 */
function startStaffStats(io: RealtimeServer, deps: RealtimeDeps, intervalMs: number, logger: Logger) {
  const { ports } = deps;
  const checkedAt = new WeakMap<RealtimeSocket, number>();
  const recheckMs = intervalMs * STAFF_RECHECK_TICKS;
  let running = false;
  const recheck = async (room: string) => {
    const due = [...(io.of('/').adapter.rooms.get(room) ?? [])]
      .map((id) => io.of('/').sockets.get(id))
      .filter((sk): sk is RealtimeSocket => !!sk && Date.now() - (checkedAt.get(sk) ?? 0) >= recheckMs);
    await Promise.all(
      due.map(async (sk) => {
        checkedAt.set(sk, Date.now());
        if (await stillStaff(sk, deps.auth)) return;
        logger.info({ socketId: sk.id }, 'staff session ended; disconnecting its socket');
        sk.disconnect(true);
      }),
    );
  };
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const prefix = rooms.staff('');
      const showtimeIds = [...io.of('/').adapter.rooms.keys()]
        .filter((r) => r.startsWith(prefix))
        .map((r) => r.slice(prefix.length));
      await Promise.all(
        showtimeIds.map(async (showtimeId) => {
          await recheck(rooms.staff(showtimeId));
          const stats = await ports.staffStats(showtimeId, await liveCounts(io, showtimeId));
          if (stats) io.local.to(rooms.staff(showtimeId)).emit('staff:stats', stats);
        }),
      );
    } catch (err) {
      logger.warn({ err }, 'staff statistics failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function metricsFor(metrics: Metrics) {
  const registry = metrics.registry;
  const existing = registry.getSingleMetric('seatrush_realtime_deltas_total');
  if (existing) {
    return {
      deltas: existing as Counter<'source'>,
      deliveries: registry.getSingleMetric('seatrush_realtime_deliveries_total') as Counter,
      flush: registry.getSingleMetric('seatrush_realtime_flush_seconds') as Histogram,
      waited: registry.getSingleMetric('seatrush_realtime_delta_wait_seconds') as Histogram,
    };
  }
  return {
    deltas: new Counter({
      name: 'seatrush_realtime_deltas_total',
      help: 'seats:changed messages emitted by this node (one per room per window), by where the changes came from',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'seatrush_realtime_deliveries_total',
      help: 'seats:changed messages delivered to sockets by this node',
      registers: [registry],
    }),
    flush: new Histogram({
      name: 'seatrush_realtime_flush_seconds',
      help: 'Time to gather (messages or a log read), merge and emit one delta',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    waited: new Histogram({
      name: 'seatrush_realtime_delta_wait_seconds',
      help: 'From the oldest change of a delta reaching this node to its emit (coalescing window + flush)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
