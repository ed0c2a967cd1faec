import { rooms } from '@seatrush/shared';
import type { Logger } from '../observability/logger.ts';
import { handshakeRequest, socketPrincipal, type HandshakeAuth } from './auth.ts';
import type { RealtimeDeps } from './contract.ts';
import type { RealtimeServer, RealtimeSocket } from './types.ts';

/** Non-staff sockets following the showtime on every node, and how many nodes answered for it. */
export async function liveCounts(
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
export function requestOf(socket: RealtimeSocket) {
  return handshakeRequest(socket.request, (socket.handshake.auth as { token?: unknown } | undefined)?.token);
}

/** Whether the staff session (or API token) the socket connected with is still valid and still staff. */
export async function stillStaff(socket: RealtimeSocket, auth: HandshakeAuth): Promise<boolean> {
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
export function startStaffStats(io: RealtimeServer, deps: RealtimeDeps, intervalMs: number, logger: Logger) {
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
