/**
 * The staff side of the Seatrush API, for the box-office dashboard. Every call goes through the app's one HTTP
 * client (`request` in src/api) and checks what arrived with the shared zod schemas; nothing is redefined here.
 */
import {
  apiTokenCreatedSchema,
  apiTokenListSchema,
  apiTokenSchema,
  auditListSchema,
  counterSaleResultSchema,
  eventListSchema,
  eventSchema,
  loginResultSchema,
  refundResponseSchema,
  saleControlResultSchema,
  seatBlockListSchema,
  seatBlockResultSchema,
  seatOwnerListSchema,
  showtimeListSchema,
  showtimeSchema,
  showtimeSalesSchema,
  staffMeSchema,
  staffOrderDetailSchema,
  staffOrderListSchema,
  staffUserListSchema,
  staffUserSchema,
  venueListSchema,
  venueSchema,
  type ApiTokenCreate,
  type AuditQuery,
  type CounterSaleBody,
  type EventCreate,
  type EventUpdate,
  type SaleAction,
  type SeatBlockBody,
  type SeatUnblockBody,
  type ShowtimeUpdate,
  type StaffRefundBody,
  type StaffUserCreate,
  type StaffUserUpdate,
} from '@seatrush/shared';
import type { showtimeCreateSchema } from '@seatrush/shared';
import type { z } from 'zod';
import { request } from '../api/client.ts';
import { getSeatMap } from '../api/catalog.ts';

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// --- Session --------------------------------------------------------------------------------------------

export const staffApi = {
  login: (email: string, password: string) =>
    request('/api/staff/login', { method: 'POST', body: { email, password }, schema: loginResultSchema }),
  logout: () => request<void>('/api/staff/logout', { method: 'POST' }),
  me: (signal?: AbortSignal) => request('/api/staff/me', { signal, schema: staffMeSchema }),

  // --- Staff accounts and tokens (admin) ---
  users: (signal?: AbortSignal) => request('/api/staff/users', { signal, schema: staffUserListSchema }),
  createUser: (body: StaffUserCreate) =>
    request('/api/staff/users', { method: 'POST', body, schema: staffUserSchema }),
  updateUser: (id: string, body: StaffUserUpdate) =>
    request(`/api/staff/users/${enc(id)}`, { method: 'PATCH', body, schema: staffUserSchema }),
  tokens: (signal?: AbortSignal) => request('/api/staff/tokens', { signal, schema: apiTokenListSchema }),
  createToken: (body: ApiTokenCreate) =>
    request('/api/staff/tokens', { method: 'POST', body, schema: apiTokenCreatedSchema }),
  revokeToken: (id: string) =>
    request(`/api/staff/tokens/${enc(id)}`, { method: 'DELETE', schema: apiTokenSchema }),

  // --- Catalog ---
  venues: (signal?: AbortSignal) => request('/api/staff/venues', { signal, schema: venueListSchema }),
  venue: (id: string, signal?: AbortSignal) =>
    request(`/api/staff/venues/${enc(id)}`, { signal, schema: venueSchema }),
  /** The body is sent as the user wrote it: the server's validation names every problem with its path. */
  createVenue: (doc: unknown) =>
    request('/api/staff/venues', { method: 'POST', body: doc, schema: venueSchema }),
  replaceLayout: (id: string, doc: unknown) =>
    request(`/api/staff/venues/${enc(id)}/layout`, { method: 'PUT', body: doc, schema: venueSchema }),
  seatMap: (venueId: string, layoutVersion: number, signal?: AbortSignal) =>
    getSeatMap(`/api/venues/${enc(venueId)}/seatmap?v=${layoutVersion}`, signal),

  events: (signal?: AbortSignal) => request('/api/staff/events', { signal, schema: eventListSchema }),
  event: (id: string, signal?: AbortSignal) =>
    request(`/api/staff/events/${enc(id)}`, { signal, schema: eventSchema }),
  createEvent: (body: EventCreate) =>
    request('/api/staff/events', { method: 'POST', body, schema: eventSchema }),
  updateEvent: (id: string, body: EventUpdate) =>
    request(`/api/staff/events/${enc(id)}`, { method: 'PATCH', body, schema: eventSchema }),

  showtimes: (filter: { eventId?: string; venueId?: string } = {}, signal?: AbortSignal) =>
    request(`/api/staff/showtimes${query(filter)}`, { signal, schema: showtimeListSchema }),
  showtime: (id: string, signal?: AbortSignal) =>
    request(`/api/staff/showtimes/${enc(id)}`, { signal, schema: showtimeSchema }),
  createShowtime: (body: z.input<typeof showtimeCreateSchema>) =>
    request('/api/staff/showtimes', { method: 'POST', body, schema: showtimeSchema }),
  updateShowtime: (id: string, body: ShowtimeUpdate) =>
    request(`/api/staff/showtimes/${enc(id)}`, { method: 'PATCH', body, schema: showtimeSchema }),
  sale: (id: string, action: SaleAction) =>
    request(`/api/staff/showtimes/${enc(id)}/sale/${action}`, {
      method: 'POST',
      schema: saleControlResultSchema,
    }),

  // --- Seats and counter sales (box office) ---
  blockSeats: (showtimeId: string, body: SeatBlockBody) =>
    request(`/api/staff/showtimes/${enc(showtimeId)}/seats/block`, {
      method: 'POST',
      body,
      schema: seatBlockResultSchema,
    }),
  unblockSeats: (showtimeId: string, body: SeatUnblockBody) =>
    request(`/api/staff/showtimes/${enc(showtimeId)}/seats/unblock`, {
      method: 'POST',
      body,
      schema: seatBlockResultSchema,
    }),
  blocks: (showtimeId: string, signal?: AbortSignal) =>
    request(`/api/staff/showtimes/${enc(showtimeId)}/seats/blocks`, { signal, schema: seatBlockListSchema }),
  seatOwners: (
    showtimeId: string,
    filter: { seats?: string[]; state?: 'held' | 'sold' | 'blocked'; limit?: number } = {},
    signal?: AbortSignal,
  ) =>
    request(
      `/api/staff/showtimes/${enc(showtimeId)}/seats/owners${query({ seats: filter.seats?.join(','), state: filter.state, limit: filter.limit })}`,
      { signal, schema: seatOwnerListSchema },
    ),
  sales: (showtimeId: string, signal?: AbortSignal) =>
    request(`/api/staff/showtimes/${enc(showtimeId)}/sales`, { signal, schema: showtimeSalesSchema }),
  counterSale: (showtimeId: string, body: CounterSaleBody) =>
    request(`/api/staff/showtimes/${enc(showtimeId)}/counter-sale`, {
      method: 'POST',
      body,
      schema: counterSaleResultSchema,
    }),

  // --- Orders ---
  searchOrders: (q: string, showtimeId?: string, signal?: AbortSignal) =>
    request(`/api/staff/orders${query({ q, showtimeId })}`, { signal, schema: staffOrderListSchema }),
  order: (code: string, signal?: AbortSignal) =>
    request(`/api/staff/orders/${enc(code)}`, { signal, schema: staffOrderDetailSchema }),
  refund: (code: string, body: StaffRefundBody) =>
    request(`/api/staff/orders/${enc(code)}/refund`, { method: 'POST', body, schema: refundResponseSchema }),
  /** Ask the provider again for a refund it refused (idempotent: a done refund is answered as it is). */
  retryRefund: (code: string, refundId: string) =>
    request(`/api/staff/orders/${enc(code)}/refunds/${enc(refundId)}/retry`, {
      method: 'POST',
      schema: refundResponseSchema,
    }),
  cancelOrder: (code: string) =>
    request(`/api/staff/orders/${enc(code)}/cancel`, { method: 'POST', schema: staffOrderDetailSchema }),

  // --- Audit (admin) ---
  audit: (q: Partial<Omit<AuditQuery, 'limit'>> & { limit?: number }, signal?: AbortSignal) =>
    request(`/api/staff/audit${query(q)}`, { signal, schema: auditListSchema }),
};
