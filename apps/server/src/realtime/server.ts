import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { rooms } from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import { outageError } from '../db/outage.ts';
import { socketPrincipal } from './auth.ts';
import { registerCommands } from './commands.ts';
import type { RealtimeDeps } from './contract.ts';
import { Fanout } from './fanout.ts';
import { realtimeMetrics } from './metrics.ts';
import { requestOf, startStaffStats } from './staff-room.ts';
import type { RealtimeServer } from './types.ts';

export type { RealtimeDeps, RealtimePorts, RealtimePubSub } from './contract.ts';

export interface Realtime {
  io: RealtimeServer;
  fanout: Fanout<unknown>;
  close(): Promise<void>;
}

/**
 * Attaches Socket.IO to a web node's HTTP server: the Redis adapter (rooms shared by every node), the handshake
 * auth (the HTTP principal resolvers, the HTTP CSRF rule for cookie-authenticated browsers), the commands, the
 * delta pump and the staff statistics. `close()` disconnects every socket and releases the Redis connections.
 */
export async function createRealtime(httpServer: HttpServer, deps: RealtimeDeps): Promise<Realtime> {
  const { config, logger, ports } = deps;
  const io: RealtimeServer = new Server(httpServer, {
    // WebSocket first; polling stays available for clients that cannot upgrade (needs sticky balancing, see docs).
    transports: ['websocket', 'polling'],
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    adapter: deps.pubsub.adapter,
  });

  const m = realtimeMetrics(deps.metrics);
  const fanout = new Fanout<unknown>({
    io,
    feed: deps.pubsub.changes,
    read: (showtimeId, since) => ports.readChanges(showtimeId, since),
    decode: (message) => ports.decodeMessage(message),
    merge: (showtimeId, from, changes) => ports.mergeChanges(showtimeId, from, changes),
    logger,
    coalesceMs: config.realtimeCoalesceMs,
    deliveryBudget: config.realtimeDeliveryBudget,
    sweepMs: 1_000,
    unfollowGraceMs: config.realtimeUnfollowGraceMs,
    onFlush: ({ deliveries, ms, waitedMs, fromLog, reset }) => {
      m.deltas.inc({ source: reset ? 'reset' : fromLog ? 'log' : 'messages' });
      m.deliveries.inc(deliveries);
      m.flush.observe(ms / 1000);
      m.waited.observe(waitedMs / 1000);
    },
    onDecoded: () => m.decoded.inc(),
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
          return next(
            Object.assign(new Error(outage.code), { data: { code: outage.code, ...outage.details } }),
          );
        logger.error({ err }, 'socket handshake failed');
        next(Object.assign(new Error('internal'), { data: { code: 'internal' } }));
      });
  });

  io.on('room:size', (room, ack) => ack(io.of('/').adapter.rooms.get(room)?.size ?? 0));

  io.on('connection', (socket) => {
    deps.metrics.sockets.inc();
    socket.on('disconnect', () => deps.metrics.sockets.dec());
    const principal = socket.data.principal;
    // Hold endings (fanout.ts): every hold of the e-mail for a session that proved it; a claim hears only of
    // the holds its own session made (docs/buyers.md).
    if (principal?.kind === 'buyer') {
      if (principal.verified === true) void socket.join(rooms.buyer(principal.buyerId));
      else if (principal.sessionId) void socket.join(rooms.buyerSession(principal.sessionId));
    }
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
      await deps.pubsub.close();
    },
  };
}
