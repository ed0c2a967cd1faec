import { createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import { ORDER_CODE_ALPHABET } from '@seatrush/shared';

// Random bytes come from a pool refilled in 4 KB steps: thousands of codes a second would otherwise mean
// thousands of small calls into the CSPRNG.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt >= pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

/** Unbiased: bytes at or above the largest multiple of the alphabet's size are drawn again. */
const LIMIT = 256 - (256 % ORDER_CODE_ALPHABET.length);

function randomChars(n: number): string {
  let out = '';
  while (out.length < n) {
    const b = randomByte();
    if (b < LIMIT) out += ORDER_CODE_ALPHABET[b % ORDER_CODE_ALPHABET.length];
  }
  return out;
}

/** `n` random bytes as hex, from the same pool (ids, not secrets). */
export function randomHex(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += randomByte().toString(16).padStart(2, '0');
  return out;
}

/**
 * A public order code such as `K7Q2-9XPM`: 8 characters from 30 that cannot be mistaken for each other when read
 * aloud or typed from paper (about 39 bits). Collisions are possible over millions of orders; order persistence
 * detects them (the unique index) and draws again.
 */
export function newOrderCode(): string {
  const s = randomChars(8);
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** A ticket code (12 characters, about 59 bits): printed under the QR code and unique across all tickets. */
export function newTicketCode(): string {
  return randomChars(12);
}

const QR_VERSION = 'SR1';

function ticketSignature(secret: string, ticketCode: string, showtimeId: string): string {
  return createHmac('sha256', secret)
    .update(`${QR_VERSION}.${ticketCode}.${showtimeId}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * What a ticket's QR code encodes: `SR1.<ticketCode>.<showtimeId>.<signature>`. The signature (HMAC-SHA256 with the
 * ticket signing secret, 128 bits kept) lets a door scanner reject forged tickets offline; whether the ticket is
 * still valid (not refunded, not used) is the scanner's online check.
 */
export function ticketQrPayload(secret: string, ticketCode: string, showtimeId: string): string {
  return `${QR_VERSION}.${ticketCode}.${showtimeId}.${ticketSignature(secret, ticketCode, showtimeId)}`;
}

/** Verifies a scanned payload. Returns null for anything forged, truncated or of another version. */
export function verifyTicketQrPayload(
  secret: string,
  payload: string,
): { ticketCode: string; showtimeId: string } | null {
  const parts = payload.split('.');
  if (parts.length !== 4 || parts[0] !== QR_VERSION) return null;
  const [, ticketCode, showtimeId, sig] = parts as [string, string, string, string];
  const expected = Buffer.from(ticketSignature(secret, ticketCode, showtimeId));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { ticketCode, showtimeId };
}

/** The QR code as an SVG data URL (the page's CSP allows `data:` images). */
export async function qrDataUrl(payload: string): Promise<string> {
  const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
