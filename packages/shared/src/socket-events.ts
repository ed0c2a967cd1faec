import type { Envelope } from './errors.ts';
import type { HoldResponse } from './inventory.ts';
import type { CheckoutResponse } from './orders.ts';
import type {
  HoldEnded,
  SeatsChanged,
  ShowtimeJoin,
  ShowtimeLeave,
  ShowtimeResync,
  ShowtimeStale,
  ShowtimeSync,
  StaffJoin,
  StaffStats,
} from './realtime.ts';
import type { SocketHoldCheckout, SocketHoldCreate, SocketHoldRelease } from './realtime-holds.ts';
import type { QueueProgress, QueueStatus, QueueWatch } from './waiting-room.ts';

/**
 * The Socket.IO event maps (docs/realtime.md): `new Server<ClientToServerEvents, ServerToClientEvents,
 * InterServerEvents, SocketData>()` on the server, `Socket<ServerToClientEvents, ClientToServerEvents>` in the
 * browser. They name payloads from realtime.ts, realtime-holds.ts, inventory.ts and orders.ts, so they sit above
 * all of them: the contracts they name never import this file back.
 */

export type Ack<T> = (res: Envelope<T>) => void;

export interface ClientToServerEvents {
  'showtime:join': (payload: ShowtimeJoin, ack: Ack<ShowtimeSync>) => void;
  'showtime:resync': (payload: ShowtimeResync, ack: Ack<ShowtimeSync>) => void;
  'showtime:leave': (payload: ShowtimeLeave, ack: Ack<{ left: true }>) => void;
  'hold:create': (payload: SocketHoldCreate, ack: Ack<HoldResponse>) => void;
  'hold:release': (payload: SocketHoldRelease, ack: Ack<{ released: true }>) => void;
  'hold:checkout': (payload: SocketHoldCheckout, ack: Ack<CheckoutResponse>) => void;
  'staff:join': (payload: StaffJoin, ack: Ack<StaffStats>) => void;
  'staff:leave': (payload: StaffJoin, ack: Ack<{ left: true }>) => void;
  /** Follow a waiting room (again after a reconnect): answers where the buyer stands now. */
  'queue:watch': (payload: QueueWatch, ack: Ack<QueueStatus>) => void;
}

export interface ServerToClientEvents {
  'seats:changed': (delta: SeatsChanged) => void;
  'showtime:stale': (fact: ShowtimeStale) => void;
  'hold:expired': (fact: HoldEnded) => void;
  'hold:lost': (fact: HoldEnded) => void;
  'staff:stats': (stats: StaffStats) => void;
  /** A waiting room's progress (`position = place - served`), sold out and resumed included. */
  'queue:progress': (progress: QueueProgress) => void;
}

/** Node-to-node requests through the Redis adapter. */
export interface InterServerEvents {
  /** How many sockets this node has in `room`. */
  'room:size': (room: string, ack: (size: number) => void) => void;
}

/** Who a socket belongs to, set once by the handshake middleware. */
export interface SocketData {
  principal:
    | {
        kind: 'buyer';
        buyerId: string;
        email: string;
        sessionId?: string;
        /** The session proved its e-mail: it sees all of that e-mail's holds, not only its own. */
        verified?: boolean;
      }
    | { kind: 'staff'; staffId: string; role: 'admin' | 'box_office' | 'door' }
    | null;
  /** Showtimes whose rooms this socket joined (bounded; see the server's limit). */
  showtimes: string[];
}
