import {
  holdEndedSchema,
  myHoldSchema,
  seatsChangedSchema,
  showtimeSnapshotSchema,
  showtimeStaleSchema,
  type ClientToServerEvents,
  errorBodySchema,
  type ServerToClientEvents,
  type ShowtimeSync,
} from '@seatrush/shared';
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { ApiError } from '../api/index.ts';
import type { ConnectionStatus, SubscribeShowtime } from './types.ts';

export type BuyerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 5000;

let shared: BuyerSocket | null = null;
let users = 0;

/**
 * One websocket per tab, shared by every subscription. WebSocket transport only, so a plain round-robin
 * balancer works (issue 6); the `sr_buyer` cookie rides along on the handshake.
 */
function acquire(): BuyerSocket {
  users++;
  if (!shared) {
    shared = io({ transports: ['websocket'] });
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
  }
  return shared;
}

function release(): void {
  users--;
  if (users <= 0 && shared) {
    shared.disconnect();
    shared = null;
    users = 0;
    window.removeEventListener('offline', onOffline);
    window.removeEventListener('online', onOnline);
  }
}

/**
 * An open websocket can outlive a dropped network by the server's ping interval + timeout (tens of seconds).
 * The browser knows sooner: show "reconnecting" at once, and reconnect (rejoining from our version) when the
 * network is back.
 */
const offlineListeners = new Set<() => void>();
function onOffline(): void {
  for (const l of offlineListeners) l();
}
function onOnline(): void {
  refreshSocketIdentity();
}

/**
 * The socket learns who the buyer is from the cookie on its handshake. After a buyer session starts, reconnect
 * so the server sees it (my holds, hold:expired); subscriptions rejoin from their version on `connect`.
 */
export function refreshSocketIdentity(): void {
  if (!shared) return;
  shared.disconnect();
  shared.connect();
}

const syncSchema = z.union([
  z.object({ kind: z.literal('snapshot'), snapshot: showtimeSnapshotSchema, myHolds: z.array(myHoldSchema) }),
  z.object({ kind: z.literal('deltas'), delta: seatsChangedSchema, myHolds: z.array(myHoldSchema) }),
]);

const ackSchema = z.union([
  z.object({ ok: z.literal(true), data: syncSchema }),
  z.object({ ok: z.literal(false), error: errorBodySchema }),
]);

/** Checks an ack envelope at the edge; a refusal becomes an ApiError with its catalogue code. */
function unwrap(raw: unknown): ShowtimeSync {
  const parsed = ackSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError('internal', 0, `Malformed ack: ${parsed.error.message}`);
  const res = parsed.data;
  if (!res.ok)
    throw new ApiError(res.error.code, 0, res.error.message, res.error.issues ?? [], res.error.details ?? {});
  return res.data;
}

/**
 * The real-time feed (issue 6): `showtime:join` answers with a snapshot or the deltas since our version;
 * `seats:changed` pushes deltas in version order; a gap or `showtime:stale` triggers `showtime:resync`.
 * After a reconnect it joins again from the version it shows, so the map catches up by itself.
 */
export const subscribeBySocket: SubscribeShowtime = (showtimeId, onSync, onDelta, options = {}) => {
  const socket = acquire();
  let closed = false;
  let status: ConnectionStatus | null = null;
  let synced = false;
  let syncing = false;
  let again = false;
  /** Room membership lives on the server per connection: after a reconnect we must join again. */
  let joined = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setStatus = (s: ConnectionStatus, err?: ApiError) => {
    if (s === status && !err) return;
    status = s;
    options.onStatus?.(s, err);
  };

  /**
   * `showtime:join` (from our version when we have one: the server answers with deltas if it can) on a new
   * connection; `showtime:resync` within a joined one. `fresh` asks for a full snapshot.
   */
  const request = async (fresh: boolean): Promise<ShowtimeSync> => {
    const since = fresh ? null : (options.getVersion?.() ?? null);
    const labels = options.getLabelsKey?.() ?? null;
    const labelsKey = labels ? { labelsKey: labels } : {};
    options.onSyncStart?.();
    if (!joined || since === null) {
      const ack: unknown = await socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck(
          'showtime:join',
          since === null ? { showtimeId, ...labelsKey } : { showtimeId, since, ...labelsKey },
        );
      const answer = unwrap(ack);
      joined = true;
      return answer;
    }
    const ack: unknown = await socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('showtime:resync', { showtimeId, since, ...labelsKey });
    return unwrap(ack);
  };

  /** Join (or resume) from our version; a fresh snapshot when the server can't continue from it. */
  const sync = async () => {
    if (closed || !socket.connected) return;
    if (syncing) {
      again = true;
      return;
    }
    syncing = true;
    clearTimeout(retryTimer);
    try {
      let answer = await request(false);
      if (closed) return;
      options.onMyHolds?.(answer.myHolds);
      if (onSync(answer) === 'gap') {
        answer = await request(true);
        if (closed) return;
        onSync(answer);
      }
      synced = true;
      setStatus('live');
    } catch (err) {
      if (closed) return;
      // A refusal (not_found, forbidden) is worth showing; a timeout just means "still reconnecting".
      setStatus(
        synced ? 'reconnecting' : 'connecting',
        err instanceof ApiError && err.code !== 'internal' ? err : undefined,
      );
      retryTimer = setTimeout(() => void sync(), 2000);
    } finally {
      syncing = false;
      if (again && !closed) {
        again = false;
        void sync();
      }
    }
  };

  const onConnect = () => {
    joined = false;
    void sync();
  };
  const onDisconnect = (reason: string) => {
    // Our own reconnect (refreshSocketIdentity) is not an outage worth a banner.
    if (reason !== 'io client disconnect') setStatus(synced ? 'reconnecting' : 'connecting');
  };
  const onChanged = (raw: unknown) => {
    const parsed = seatsChangedSchema.safeParse(raw);
    if (!parsed.success || parsed.data.showtimeId !== showtimeId || closed) return;
    if (onDelta(parsed.data) === 'gap') void sync();
  };
  const onStale = (raw: unknown) => {
    const parsed = showtimeStaleSchema.safeParse(raw);
    if (parsed.success && parsed.data.showtimeId === showtimeId) void sync();
  };
  const onEnded = (raw: unknown) => {
    const parsed = holdEndedSchema.safeParse(raw);
    if (parsed.success && parsed.data.showtimeId === showtimeId) options.onHoldEnded?.(parsed.data);
  };

  const onBrowserOffline = () => setStatus(synced ? 'reconnecting' : 'connecting');
  offlineListeners.add(onBrowserOffline);
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('seats:changed', onChanged);
  socket.on('showtime:stale', onStale);
  socket.on('hold:expired', onEnded);
  socket.on('hold:lost', onEnded);
  setStatus('connecting');
  if (socket.connected) onConnect();

  return {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      offlineListeners.delete(onBrowserOffline);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('seats:changed', onChanged);
      socket.off('showtime:stale', onStale);
      socket.off('hold:expired', onEnded);
      socket.off('hold:lost', onEnded);
      if (socket.connected)
        socket.timeout(ACK_TIMEOUT_MS).emit('showtime:leave', { showtimeId }, () => undefined);
      release();
    },
    resync() {
      void sync();
    },
  };
};

/** Whether the shared socket is connected (for the hybrid feed's fallback decision). */
export function socketConnected(): boolean {
  return shared?.connected ?? false;
}
