import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Admission tokens: `wr1.<showtimeId>.<buyerId>.<windowEnd ms>.<signature>`, an HMAC over the rest. A token is a
 * pure function of buyer, showtime and window, so asking again answers the same token (redeeming is idempotent),
 * and checking one needs no database nor Redis: the hold path verifies it from memory.
 */
export type TokenCheck =
  | { ok: true; windowEnd: number }
  | {
      ok: false;
      code:
        | 'admission_token_invalid'
        | 'admission_token_expired'
        | 'admission_token_wrong_buyer'
        | 'admission_token_wrong_showtime';
    };

export interface AdmissionTokens {
  sign(showtimeId: string, buyerId: string, windowEnd: number): string;
  /** Checks signature first (a forged token says nothing else), then showtime, buyer and expiry. */
  verify(token: string, showtimeId: string, buyerId: string, now: number): TokenCheck;
}

const PREFIX = 'wr1';

export function createAdmissionTokens(secret: string): AdmissionTokens {
  const key = createHmac('sha256', secret).update('seatrush admission tokens').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 18);
  return {
    sign(showtimeId, buyerId, windowEnd) {
      const payload = `${PREFIX}.${showtimeId}.${buyerId}.${windowEnd}`;
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    verify(token, showtimeId, buyerId, now) {
      const cut = token.lastIndexOf('.');
      if (cut < 0 || token.length > 300) return { ok: false, code: 'admission_token_invalid' };
      const payload = token.slice(0, cut);
      const sig = Buffer.from(token.slice(cut + 1), 'base64url');
      const expected = mac(payload);
      if (sig.length !== expected.length || !timingSafeEqual(sig, expected))
        return { ok: false, code: 'admission_token_invalid' };
      const [v, st, buyer, end] = payload.split('.');
      const windowEnd = Number(end);
      if (v !== PREFIX || !st || !buyer || !Number.isSafeInteger(windowEnd))
        return { ok: false, code: 'admission_token_invalid' };
      if (st !== showtimeId) return { ok: false, code: 'admission_token_wrong_showtime' };
      if (buyer !== buyerId) return { ok: false, code: 'admission_token_wrong_buyer' };
      if (windowEnd <= now) return { ok: false, code: 'admission_token_expired' };
      return { ok: true, windowEnd };
    },
  };
}
