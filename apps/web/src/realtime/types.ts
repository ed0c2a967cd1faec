import type { HoldEnded, MyHold, SeatsChanged, ShowtimeSync } from '@seatrush/shared';
import type { ApiError } from '../api/index.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Receives a join/resync answer (a snapshot, or the deltas since the receiver's version). Returns `gap` when
 * it still misses versions; the feed then resyncs.
 */
export type SyncHandler = (sync: ShowtimeSync) => 'applied' | 'gap';
/** Receives a pushed delta; `gap` makes the feed resync from the receiver's version. */
export type DeltaHandler = (delta: SeatsChanged) => 'applied' | 'ignored' | 'buffered' | 'gap';

export interface FeedOptions {
  /** Connection state for the banner; `error` is set when the server refused (e.g. not_found). */
  onStatus?: (status: ConnectionStatus, error?: ApiError) => void;
  /** My own holds as the server knows them (socket only). */
  onMyHolds?: (holds: MyHold[]) => void;
  /** One of my holds ended without me ending it here: expired, or released elsewhere (socket only). */
  onHoldEnded?: (fact: HoldEnded) => void;
  /** A join/resync is being sent: the receiver should buffer deltas until its answer (ShowtimeMirror.expectSync). */
  onSyncStart?: () => void;
  /** The version the receiver shows, to resume from after a reconnect or a gap. */
  getVersion?: () => number | null;
  /** The `labelsKey` of the seat labels the receiver has, so snapshots can leave them out. */
  getLabelsKey?: () => string | null;
}

export interface ShowtimeSubscription {
  /** Stop receiving; frees the socket room or timer. */
  close(): void;
  /** Ask for fresh data now (after my own hold/release, or when something looks off). */
  resync(): void;
}

export type SubscribeShowtime = (
  showtimeId: string,
  onSync: SyncHandler,
  onDelta: DeltaHandler,
  options?: FeedOptions,
) => ShowtimeSubscription;
