import { publicEventListSchema, publicEventSchema, publicShowtimeSchema } from '@seatrush/shared';
import { request } from './client.ts';
import type { PublicEvent, PublicShowtime, SeatMapDocument } from './types.ts';

const enc = encodeURIComponent;

export async function listEvents(signal?: AbortSignal): Promise<PublicEvent[]> {
  const r = await request('/api/events', { signal, schema: publicEventListSchema });
  return r.events;
}

export function getEvent(idOrSlug: string, signal?: AbortSignal): Promise<PublicEvent> {
  return request(`/api/events/${enc(idOrSlug)}`, { signal, schema: publicEventSchema });
}

export function getShowtime(id: string, signal?: AbortSignal): Promise<PublicShowtime> {
  return request(`/api/showtimes/${enc(id)}`, { signal, schema: publicShowtimeSchema });
}

/**
 * The seat-map document (immutable per layout version, so the browser cache does the rest). Not re-validated
 * here: the server validated it on upload, and running the cross-checks over 20,000 seats would cost the
 * first paint ~100 ms.
 */
export function getSeatMap(url: string, signal?: AbortSignal): Promise<SeatMapDocument> {
  return request<SeatMapDocument>(url, { signal });
}
