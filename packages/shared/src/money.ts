/**
 * Money, defined once for the server and the web app.
 *
 * Every amount (`priceCents`, `totalCents`, `amountCents`, …) is an integer in the currency's own minor unit —
 * the ISO 4217 exponent: cents for EUR (2), yen for JPY (0), fils for KWD (3). The field names say "cents" for
 * history; the unit is the minor unit of the order's currency. Nothing here uses floating-point arithmetic on
 * amounts: conversions go through decimal strings, so a price typed as "12.30" is exactly 1230.
 */

const exponents = new Map<string, number>();

/**
 * The number of decimals of `currency`'s minor unit (ISO 4217 exponent), e.g. EUR 2, JPY 0, KWD 3, as the
 * runtime's Intl data knows it. Throws RangeError for a code that is not a well-formed currency code.
 */
export function currencyExponent(currency: string): number {
  let e = exponents.get(currency);
  if (e === undefined) {
    e =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    exponents.set(currency, e);
  }
  return e;
}

/**
 * An amount in minor units as an exact decimal string in major units: (1230, 'EUR') → "12.30",
 * (1230, 'JPY') → "1230", (-5, 'KWD') → "-0.005". Throws RangeError unless `minor` is a safe integer.
 */
export function minorToDecimal(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Not an amount in minor units: ${minor}`);
  const exp = currencyExponent(currency);
  const digits = Math.abs(minor).toString();
  const sign = minor < 0 ? '-' : '';
  if (exp === 0) return sign + digits;
  const padded = digits.padStart(exp + 1, '0');
  return `${sign}${padded.slice(0, -exp)}.${padded.slice(-exp)}`;
}

/**
 * Parses an amount typed in major units ("12.3", "12,30", "1200") into minor units of `currency`, exactly.
 * Returns null for anything that is not a plain non-negative decimal with at most the currency's number of
 * decimals (so "12.345" EUR, "1e3", "-3" and "" are null), or whose value is not a safe integer of minor units.
 */
export function decimalToMinor(text: string, currency: string): number | null {
  const exp = currencyExponent(currency);
  const m = /^(\d+)(?:[.,](\d*))?$/.exec(text.trim());
  if (!m) return null;
  const whole = m[1]!;
  const frac = m[2] ?? '';
  if (frac.length > exp) return null;
  const minor = Number(whole + frac.padEnd(exp, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/**
 * Formats an amount in minor units for display, in `locale` (the viewer's default locale when omitted):
 * (1250, 'EUR', 'en-GB') → "€12.50", (1250, 'JPY', 'en-GB') → "¥1,250". Exact for every safe integer.
 * An unknown currency code falls back to "12.50 XYZ"-style text instead of throwing.
 */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  let exact: string;
  try {
    exact = minorToDecimal(minor, currency);
  } catch {
    return `${minor} ${currency}`;
  }
  const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
  // Intl formats a decimal string exactly (no float rounding of large amounts); the lib types lag behind.
  return fmt.format(exact as unknown as number);
}
