/**
 * What production refuses as a secret or admin password: values written in this repository (development
 * defaults, the old docker-compose fallbacks, fixed benchmark secrets), anything that says "change me" or is an
 * obvious placeholder, and secrets too short to be random. Whoever has read the source must not be able to sign a
 * buyer token, a hold token, a webhook or a ticket QR code for a production install.
 */

/** Every secret value this repository ever shipped (never valid in production). */
export const KNOWN_SECRETS: ReadonlySet<string> = new Set([
  'dev-only-session-secret-change-me',
  'dev-only-ticket-secret-change-me',
  'dev-only-webhook-secret-change-me',
  'change-me-session-secret-please',
  'change-me-ticket-secret-please',
  'change-me-webhook-secret-please',
  'bench-session-secret-0123456789',
  'bench-ticket-secret-0123456789',
  'bench-webhook-secret-0123456789',
  'bench-fanout-session-secret',
  'bench-fanout-ticket-secret',
  'bench-fanout-webhook-secret',
]);

/** Admin passwords this repository documents (never valid in production). */
export const KNOWN_ADMIN_PASSWORDS: ReadonlySet<string> = new Set(['seatrush-admin', 'change-me-admin']);

/** The shortest production secret: 32 characters (`openssl rand -base64 32` gives 44). */
export const MIN_SECRET_LENGTH = 32;
const MIN_ADMIN_PASSWORD_LENGTH = 12;

const PLACEHOLDER = /change[\s_-]*me|replace[\s_-]*me|placeholder|^dev-only|^example|^secret$|^password/i;

/** Fewer distinct characters than this is typed, not generated (`ssss…`, `abab…`). */
const MIN_DISTINCT = 8;

/** Why `value` may not be the production secret `name`, or null when it may. */
export function productionSecretProblem(name: string, value: string): string | null {
  if (KNOWN_SECRETS.has(value))
    return `${name} is a known value from the Seatrush source; generate your own.`;
  if (PLACEHOLDER.test(value) || new Set(value).size < MIN_DISTINCT)
    return `${name} is a placeholder ("change me" or similar); generate a random one.`;
  if (value.length < MIN_SECRET_LENGTH)
    return `${name} must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32).`;
  return null;
}

/** Why `value` may not be the production admin password, or null when it may. */
export function productionAdminPasswordProblem(value: string): string | null {
  if (KNOWN_ADMIN_PASSWORDS.has(value) || PLACEHOLDER.test(value))
    return 'SEATRUSH_ADMIN_PASSWORD is a known or placeholder value; choose your own.';
  if (value.length < MIN_ADMIN_PASSWORD_LENGTH)
    return `SEATRUSH_ADMIN_PASSWORD must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters in production.`;
  return null;
}
