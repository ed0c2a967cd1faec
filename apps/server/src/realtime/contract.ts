import type { ServerOptions } from 'socket.io';
import type {
  CheckoutBody,
  CheckoutResponse,
  HoldResponse,
  MyHold,
  QueueStatus,
  ShowtimeSnapshot,
  SocketHoldCreate,
  StaffStats,
} from '@seatrush/shared';
import type { Config } from '../config/index.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { HandshakeAuth } from './auth.ts';
import type { ChangeRead, Published, ShowtimeFeed } from './fanout.ts';

/** What the real-time layer needs from the inventory and the use cases (the same ones HTTP calls). */
export interface RealtimePorts<C = unknown> {
  /** Decodes a message of the change feed (`RealtimePubSub.changes`; null when it is not a change). */
  decodeMessage(message: unknown): Published<C> | null;
  /** Merges consecutive published changes after version `from` into one delta (as `readChanges` would). */
  mergeChanges(showtimeId: string, from: number, changes: Array<Published<C>>): ChangeRead;
  /** The live state of a showtime. Throws `not_found` / `sale_not_open` when it has no live inventory. */
  snapshot(showtimeId: string): Promise<ShowtimeSnapshot>;
  /** The change log after `since`, reduced to the public delta form plus owner-only hold facts. */
  readChanges(showtimeId: string, since: number): Promise<ChangeRead>;
  /**
   * The buyer's live holds in a showtime (no tokens): all of the e-mail's for a verified session, only the ones the
   * session made itself for an unverified one (docs/buyers.md).
   */
  holdsOf(
    showtimeId: string,
    buyer: { buyerId: string; sessionId?: string; verified?: boolean },
  ): Promise<MyHold[]>;
  /** The hold use case, exactly as `POST /api/showtimes/:id/holds` runs it. */
  createHold(
    buyer: { buyerId: string; email: string; sessionId?: string; verified?: boolean },
    input: SocketHoldCreate,
    client: { address: string | undefined },
  ): Promise<HoldResponse>;
  /** The release use case, exactly as `DELETE /api/holds/:holdId` runs it. */
  releaseHold(holdId: string, holdToken: string): Promise<void>;
  /** The checkout use case of `POST /api/holds/:holdId/checkout` (absent on nodes without the orders module). */
  checkout?: (holdId: string, body: CheckoutBody) => Promise<CheckoutResponse>;
  /** Where a buyer stands in a showtime's waiting room (absent on nodes without one). */
  queueStatus?: (showtimeId: string, buyerId: string) => Promise<QueueStatus>;
  /** Live statistics for the staff room (see staff-stats.ts). */
  staffStats(
    showtimeId: string,
    live: { connectedBuyers: number; nodes: number },
  ): Promise<StaffStats | null>;
}

/**
 * The pub/sub the real-time layer rides on, built by the composition root (realtime/ holds no Redis client): the
 * Socket.IO adapter that shares rooms between nodes, and the subscription to the showtimes' change channels.
 */
export interface RealtimePubSub {
  adapter: NonNullable<ServerOptions['adapter']>;
  /** The showtimes' change channels (the fan-out follows those of the rooms on this node, and closes it). */
  changes: ShowtimeFeed;
  /** Closes the adapter's connections (the fan-out closes the change feed). */
  close(): Promise<void>;
}

export interface RealtimeDeps {
  config: Pick<
    Config,
    | 'realtimeCoalesceMs'
    | 'realtimeDeliveryBudget'
    | 'realtimeUnfollowGraceMs'
    | 'staffStatsIntervalMs'
    | 'trustProxy'
  >;
  pubsub: RealtimePubSub;
  logger: Logger;
  metrics: Metrics;
  auth: HandshakeAuth;
  ports: RealtimePorts<unknown>;
}
