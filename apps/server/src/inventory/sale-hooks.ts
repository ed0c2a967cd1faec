import type { SaleHooks } from '../domain/sale-hooks.ts';
import type { Inventory } from './inventory.ts';

/**
 * Keeps Redis in step with sale control (the catalog owns the sale state in PostgreSQL):
 * opening loads the inventory (idempotent), every state change is mirrored into the hold script's check,
 * changed settings (prices, hold TTL, limit) are copied into the live meta, and a changed layout rebuilds the
 * inventory from PostgreSQL (holds persisted as pending orders survive it; see docs/inventory.md).
 */
export function inventorySaleHooks(inventory: Inventory): SaleHooks {
  return {
    async opened(showtimeId) {
      await inventory.load(showtimeId);
    },
    async stateChanged(showtimeId, state) {
      if (await inventory.isLoaded(showtimeId)) await inventory.setSaleState(showtimeId, state);
      else if (state === 'on_sale' || state === 'paused') await inventory.load(showtimeId);
    },
    async showtimeChanged(showtimeId, what) {
      if (what === 'settings') await inventory.syncSettings(showtimeId);
      else if (await inventory.isLoaded(showtimeId)) await inventory.load(showtimeId, { force: true });
    },
  };
}
