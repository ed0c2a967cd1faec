/**
 * Money is an integer amount in the currency's minor unit ("cents" in field names; yen for JPY, fils for KWD)
 * plus an ISO currency code, everywhere. No floats: a refund of one item out of three must add up to exactly what
 * was paid. Formatting and conversions live in @seatrush/shared (`formatMoney`), shared with the web app.
 */
export interface Money {
  cents: number;
  currency: string;
}

/** Sums cents, refusing anything that is not a safe non-negative integer. */
export function sumCents(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`Not an amount in cents: ${v}`);
    total += v;
  }
  if (!Number.isSafeInteger(total)) throw new RangeError('Amount overflow');
  return total;
}

/**
 * How much of a payment may still be refunded: what was captured minus refunds that are done or under way.
 * Failed and canceled refunds gave nothing back.
 */
export function refundableCents(
  capturedCents: number,
  refunds: Iterable<{ amountCents: number; status: string }>,
): number {
  let out = 0;
  for (const r of refunds) if (r.status !== 'failed' && r.status !== 'canceled') out += r.amountCents;
  return Math.max(0, capturedCents - out);
}
