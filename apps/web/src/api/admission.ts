import { queueStatusSchema, type QueueStatus } from '@seatrush/shared';
import { request } from './client.ts';
import { withBuyerSession } from './inventory.ts';
import { remember } from './admission-token.ts';

export { admissionHeader, admissionToken } from './admission-token.ts';

/** The waiting room's buyer calls (docs/waiting-room.md); the token they receive is kept by admission-token.ts. */
const enc = encodeURIComponent;

/** Joins the line (idempotent). */
export async function joinQueue(showtimeId: string): Promise<QueueStatus> {
  return remember(
    await withBuyerSession(() =>
      request(`/api/showtimes/${enc(showtimeId)}/queue`, { method: 'POST', schema: queueStatusSchema }),
    ),
  );
}

/** Where the buyer stands (and their token once admitted). */
export async function queueStatus(showtimeId: string, signal?: AbortSignal): Promise<QueueStatus> {
  return remember(
    await withBuyerSession(() =>
      request(`/api/showtimes/${enc(showtimeId)}/queue`, { signal, schema: queueStatusSchema }),
    ),
  );
}
