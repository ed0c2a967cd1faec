/**
 * The door's side of the API (docs/check-in.md): redeem a scan, the showtime's ticket list for offline scanning,
 * the upload of offline scans, and the check-in counts. Through the app's one HTTP client, checked with the
 * shared schemas.
 */
import {
  checkInCountsSchema,
  offlineTicketListSchema,
  redeemResultSchema,
  scanUploadResultSchema,
  type RedeemBody,
  type ScanUploadBody,
} from '@seatrush/shared';
import { request } from '../../api/client.ts';

const enc = encodeURIComponent;

export const checkInApi = {
  redeem: (body: RedeemBody) =>
    request('/api/checkin/redeem', { method: 'POST', body, schema: redeemResultSchema }),
  ticketList: (showtimeId: string, signal?: AbortSignal) =>
    request(`/api/checkin/showtimes/${enc(showtimeId)}/tickets`, { signal, schema: offlineTicketListSchema }),
  upload: (showtimeId: string, body: ScanUploadBody) =>
    request(`/api/checkin/showtimes/${enc(showtimeId)}/scans`, {
      method: 'POST',
      body,
      schema: scanUploadResultSchema,
    }),
  counts: (showtimeId: string, signal?: AbortSignal) =>
    request(`/api/checkin/showtimes/${enc(showtimeId)}/counts`, { signal, schema: checkInCountsSchema }),
};
