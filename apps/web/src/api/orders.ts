import { checkoutResponseSchema, orderSchema, refundResponseSchema } from '@seatrush/shared';
import { request } from './client.ts';
import type { CheckoutResponse, OrderDto, RefundResponse } from './types.ts';
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
