import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';

/** The header the provider signs webhooks with: `Seatrush-Signature: t=<unix seconds>,v1=<hex>`. */
export const SIGNATURE_HEADER = 'seatrush-signature';

/** How far a webhook's timestamp may be from our clock: older ones are replays, newer ones are forged. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, t: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
}

/** The header value for `rawBody` signed at unix time `t`. */
export function signWebhook(secret: string, rawBody: Buffer | string, t: number): string {
  return `t=${t},v1=${hmacHex(secret, t, rawBody)}`;
}

/**
 * Checks a webhook's signature over `${t}.${rawBody}` and that `t` is within ±5 minutes of `nowSeconds`.
 * Several `v1=` entries are accepted (secret rotation signs with both secrets).
 * @throws DomainError `webhook_invalid` for a missing, malformed, wrong or stale signature.
 */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  rawBody: Buffer | undefined,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): void {
  if (!header || !rawBody) throw new DomainError('webhook_invalid', 'Missing signature or body.');
  let t: number | undefined;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) sigs.push(v);
  }
  if (t === undefined || sigs.length === 0)
    throw new DomainError('webhook_invalid', 'Malformed signature header.');
  if (Math.abs(nowSeconds - t) > toleranceSeconds)
    throw new DomainError('webhook_invalid', 'Signature timestamp outside the tolerance window.');
  const expected = Buffer.from(hmacHex(secret, t, rawBody), 'hex');
  const ok = sigs.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  if (!ok) throw new DomainError('webhook_invalid', 'Signature does not match.');
}
