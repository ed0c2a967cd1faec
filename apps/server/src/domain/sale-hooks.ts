import type { SaleStateName } from '@seatrush/shared';

/**
 * What the inventory engine needs to hear from sale control. The catalog owns the sale state in PostgreSQL;
 * the engine keeps Redis in step with it. Defined here, below both, so the inventory does not import the catalog.
 */
export interface SaleHooks {
  /**
   * Load the showtime's inventory into Redis. Called before the state flips to `on_sale`, so buyers never see
   * a sale that is open without its inventory; if it throws, the sale stays closed and the error is returned.
   * Must be idempotent (an open can be retried).
   */
  opened(showtimeId: string): Promise<void>;
  /** The sale state has been committed (every transition, including open). Must be idempotent. */
  stateChanged(showtimeId: string, state: SaleStateName): Promise<void>;
  /**
   * Optional: a live showtime's settings or its venue's layout changed (prices, hold TTL, limit, seats, zones)
   * while its inventory may be loaded. Called after commit for showtimes that are on sale or paused.
   */
  showtimeChanged?(showtimeId: string, what: 'layout' | 'settings'): Promise<void>;
}
