import { formatMoney } from '@seatrush/shared';
import { FREE, HELD, SOLD, BLOCKED } from '../seatmap/states.ts';
import { accessibilityNote, describeSeat, type SeatMapModel } from '../seatmap/model.ts';
import type { SeatStore } from '../seatmap/store.ts';

export interface PriceInfo {
  prices: Map<string, number>;
  currency: string;
}

export function stateText(store: SeatStore, i: number): string {
  if (store.mine[i]) return 'held for you';
  if (store.selected[i]) return 'selected';
  switch (store.states[i]) {
    case FREE:
      return 'available';
    case HELD:
      return 'held by someone else';
    case SOLD:
      return 'sold';
    case BLOCKED:
      return 'not for sale';
    default:
      return 'loading';
  }
}

export function priceText(model: SeatMapModel, i: number, p: PriceInfo): string {
  const cat = model.categories[model.cat[i]!]!;
  const cents = p.prices.get(cat.key);
  return cents === undefined ? `${cat.name}, not on sale` : `${cat.name}, ${formatMoney(cents, p.currency)}`;
}

/** Everything a screen reader needs about one seat, in one sentence. */
export function seatSentence(store: SeatStore, i: number, p: PriceInfo): string {
  const m = store.model;
  const acc = accessibilityNote(m, i);
  return `${describeSeat(m, i)}. ${priceText(m, i, p)}. ${stateText(store, i)}${acc ? `. ${acc}` : ''}.`;
}
