import {
  buyerOrderListSchema,
  checkoutResponseSchema,
  orderSchema,
  refundResponseSchema,
} from '@seatrush/shared';
import { request } from './client.ts';
import type { BuyerOrderListDto, CheckoutResponse, OrderDto, RefundResponse } from './types.ts';
import { withBuyerSession } from './inventory.ts';

const enc = encodeURIComponent;

/**
 * Starts payment for a hold (the server extends it once to cover the payment) and returns the payment page
 * URL and the order code. Errors: hold_expired, hold_not_found, hold_token_invalid, payment_failed.
 */
export function startCheckout(holdId: string, holdToken: string, email: string): Promise<CheckoutResponse> {
  return withBuyerSession(() =>
    request(`/api/holds/${enc(holdId)}/checkout`, {
      method: 'POST',
      body: { holdToken, email },
      schema: checkoutResponseSchema,
    }),
  );
}

/** With the buyer's email, or with the buyer session cookie when `email` is null. */
export function getOrder(code: string, email: string | null, signal?: AbortSignal): Promise<OrderDto> {
  const q = email ? `?email=${enc(email)}` : '';
  return request(`/api/orders/${enc(code)}${q}`, { signal, schema: orderSchema });
}

/**
 * The buyer session's orders, newest first, a page at a time (`cursor`: the previous page's `nextCursor`).
 * Renews the session from the email remembered on this device when the cookie has gone.
 * Errors: unauthenticated (no session, and no email known here).
 */
export function listMyOrders(
  opts: { cursor?: string | null; limit?: number; signal?: AbortSignal } = {},
): Promise<BuyerOrderListDto> {
  const q = new URLSearchParams();
  if (opts.limit !== undefined) q.set('limit', String(opts.limit));
  if (opts.cursor) q.set('cursor', opts.cursor);
  const query = q.toString();
  return withBuyerSession(() =>
    request(`/api/buyer/orders${query ? `?${query}` : ''}`, {
      signal: opts.signal,
      schema: buyerOrderListSchema,
    }),
  );
}

/** All active items when `itemIds` is left out. Errors: refund_not_allowed, invalid_transition. */
export function requestRefund(
  code: string,
  email: string | null,
  itemIds?: string[],
): Promise<RefundResponse> {
  return request(`/api/orders/${enc(code)}/refund`, {
    method: 'POST',
    body: { ...(email ? { email } : {}), ...(itemIds ? { itemIds } : {}) },
    schema: refundResponseSchema,
  });
}
