import { useEffect, useState } from 'react';
import {
  staffStatsSchema,
  type ClientToServerEvents,
  type Envelope,
  type ServerToClientEvents,
  type StaffStats,
} from '@seatrush/shared';
import { io, type Socket } from 'socket.io-client';
import { ApiError } from '../../api/index.ts';

type StaffSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type StatsStatus = 'connecting' | 'live' | 'reconnecting';

export interface StaffStatsFeed {
  stats: StaffStats | null;
  status: StatsStatus;
  /** A refusal from the server (forbidden, not_found: the sale's inventory isn't loaded yet). */
  error: ApiError | null;
}

const ACK_TIMEOUT_MS = 5000;
const RETRY_MS = 3000;

function unwrap(res: Envelope<StaffStats>): StaffStats {
  if (!res.ok)
    throw new ApiError(res.error.code, 0, res.error.message, res.error.issues ?? [], res.error.details ?? {});
  const parsed = staffStatsSchema.safeParse(res.data);
  if (!parsed.success) throw new ApiError('internal', 0, `Malformed staff stats: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * The staff room of one showtime (issue 6): `staff:join` answers with the current statistics and the server then
 * pushes `staff:stats` on its interval. The socket carries the `sr_staff` cookie, so the server knows it is staff.
 * Rejoins after every reconnect; retries a refused join (e.g. a sale not opened yet) every few seconds, so the
 * figures appear by themselves once the inventory is loaded. `refreshKey` forces an immediate rejoin.
 */
export function useStaffStats(showtimeId: string, refreshKey = 0): StaffStatsFeed {
  const [feed, setFeed] = useState<StaffStatsFeed>({ stats: null, status: 'connecting', error: null });

  useEffect(() => {
    let closed = false;
    let joined = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const socket: StaffSocket = io({ transports: ['websocket'], forceNew: true });

    const accept = (stats: StaffStats) => {
      if (closed || stats.showtimeId !== showtimeId) return;
      setFeed({ stats, status: 'live', error: null });
    };

    const join = async () => {
      clearTimeout(retry);
      if (closed || !socket.connected) return;
      try {
        // With a timeout, socket.io's typings lose the ack's type; it is checked by `unwrap` anyway.
        const ack = (await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('staff:join', { showtimeId })) as Envelope<StaffStats>;
        joined = true;
        accept(unwrap(ack));
      } catch (err) {
        if (closed) return;
        setFeed((f) => ({
          ...f,
          status: joined ? 'reconnecting' : 'connecting',
          error: err instanceof ApiError ? err : f.error,
        }));
        retry = setTimeout(() => void join(), RETRY_MS);
      }
    };

    socket.on('connect', () => void join());
    socket.on('disconnect', () => setFeed((f) => ({ ...f, status: joined ? 'reconnecting' : 'connecting' })));
    socket.on('staff:stats', (raw) => {
      const parsed = staffStatsSchema.safeParse(raw);
      if (parsed.success) accept(parsed.data);
    });

    return () => {
      closed = true;
      clearTimeout(retry);
      if (socket.connected) socket.emit('staff:leave', { showtimeId }, () => undefined);
      socket.disconnect();
    };
  }, [showtimeId, refreshKey]);

  return feed;
}
