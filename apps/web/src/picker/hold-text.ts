import type { HoldRequest, HoldResponse } from '../api/index.ts';

/** How the picker names things to buyers: seats as the map does ("Stalls, row A, seat 3"), zones by name. */
export interface Namers {
  seatText: (label: string) => string;
  zoneName: (key: string) => string;
}

/** What a hold took, for "… held for you": the seats the server chose (best available) come from its answer. */
export function heldText(body: HoldRequest, held: HoldResponse, { seatText, zoneName }: Namers): string {
  if (body.best)
    return held.items.flatMap((it) => (it.kind === 'seat' ? [seatText(it.seat)] : [])).join('; ');
  if (body.seats) return body.seats.length === 1 ? seatText(body.seats[0]!) : `${body.seats.length} seats`;
  const quantity = body.quantity ?? 0;
  return `${quantity} ${quantity === 1 ? 'ticket' : 'tickets'} for ${zoneName(body.zone ?? '')}`;
}
