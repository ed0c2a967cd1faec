import {
  queueRoom,
  queueWatchSchema,
  rooms,
  showtimeJoinSchema,
  showtimeLeaveSchema,
  showtimeResyncSchema,
  socketHoldCheckoutSchema,
  socketHoldCreateSchema,
  socketHoldReleaseSchema,
  staffJoinSchema,
  type ShowtimeSync,
} from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { clientAddress } from '../http/client-address.ts';
import { command, tokenBucket, type CommandContext } from './ack.ts';
import type { RealtimeDeps } from './contract.ts';
import type { Fanout } from './fanout.ts';
import { liveCounts, stillStaff } from './staff-room.ts';
import type { RealtimeServer, RealtimeSocket } from './types.ts';

/** A socket may watch a few showtimes at once (tabs share a connection), not hundreds. */
const MAX_SHOWTIMES_PER_SOCKET = 8;
/** Commands per connection: generous for a person (or a page resyncing), a wall for a flood. */
const COMMAND_BURST = 60;
const COMMANDS_PER_SECOND = 30;

/**
 * The commands a socket may send (`entity:verb`, acked with the shared envelope): follow showtimes, hold, release
 * and check out (the same use cases as HTTP), and the staff room. Each is validated with its zod schema first.
 */
export function registerCommands(
  io: RealtimeServer,
  socket: RealtimeSocket,
  deps: RealtimeDeps,
  fanout: Fanout<unknown>,
  log: Logger,
): void {
  const { ports } = deps;
  const principal = socket.data.principal;
  const buyer = principal?.kind === 'buyer' ? principal : null;

  const ctx: CommandContext = { log, allow: tokenBucket(COMMAND_BURST, COMMANDS_PER_SECOND) };

  // An unverified session sees only the holds it made; a verified one all of its e-mail's (docs/buyers.md).
  const myHolds = (showtimeId: string) => (buyer ? ports.holdsOf(showtimeId, buyer) : Promise.resolve([]));

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
      return ports.createHold(buyer, input, {
        address: clientAddress(socket.request, deps.config.trustProxy),
      });
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
    'queue:watch',
    command(ctx, 'queue:watch', queueWatchSchema, async ({ showtimeId }) => {
      if (!buyer) throw new DomainError('unauthenticated', 'A buyer session is required.');
      if (!ports.queueStatus) throw new DomainError('not_ready', 'The waiting room is not served here.');
      // Join first, then read: no progress event falls between the answer and the stream.
      await socket.join(queueRoom(showtimeId));
      return ports.queueStatus(showtimeId, buyer.buyerId);
    }),
  );

  socket.on(
    'staff:join',
    command(ctx, 'staff:join', staffJoinSchema, async ({ showtimeId }) => {
      if (principal?.kind !== 'staff') throw new DomainError('forbidden', 'Staff sign-in is required.');
      if (principal.role === 'door') throw new DomainError('forbidden', 'Door staff can only scan tickets.');
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
