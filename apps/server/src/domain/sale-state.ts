import type { SaleAction, SaleStateName } from '@seatrush/shared';
import { DomainError } from './errors.ts';

/**
 * A showtime's sale as a state machine with named transitions:
 *
 *   scheduled --open--> on_sale --pause--> paused --resume--> on_sale
 *   scheduled | on_sale | paused --close--> closed   (closed is final)
 */
export const saleTransitions: Record<SaleAction, { from: readonly SaleStateName[]; to: SaleStateName }> = {
  open: { from: ['scheduled'], to: 'on_sale' },
  pause: { from: ['on_sale'], to: 'paused' },
  resume: { from: ['paused'], to: 'on_sale' },
  close: { from: ['scheduled', 'on_sale', 'paused'], to: 'closed' },
};

/** The audit action written for each transition. */
export const saleAuditAction: Record<SaleAction, string> = {
  open: 'showtime.sale_opened',
  pause: 'showtime.sale_paused',
  resume: 'showtime.sale_resumed',
  close: 'showtime.sale_closed',
};

/**
 * The state `action` leads to from `current`.
 * @throws DomainError `invalid_transition` when the action is not allowed from `current`.
 */
export function nextSaleState(current: SaleStateName, action: SaleAction): SaleStateName {
  const t = saleTransitions[action];
  if (!t.from.includes(current))
    throw new DomainError(
      'invalid_transition',
      `Cannot ${action} a sale that is ${current.replace('_', ' ')}.`,
      { state: current, action, allowedFrom: [...t.from] },
    );
  return t.to;
}

/** Actions possible from a state (for UIs). */
export function allowedSaleActions(current: SaleStateName): SaleAction[] {
  return (Object.keys(saleTransitions) as SaleAction[]).filter((a) =>
    saleTransitions[a].from.includes(current),
  );
}
