/** config.stripe: set when PAYMENT_PROVIDER=stripe (all three keys are then present). */
export interface StripeSettings {
  secretKey: string;
  /** The checkout page loads Stripe.js and the Payment Element with it (`pk_test_…`/`pk_live_…`). */
  publishableKey: string;
  webhookSecret: string;
  /** Another API base (tests only; refused in production); undefined = Stripe's. */
  apiBase: string | undefined;
}

/** The Stripe settings as they come from the environment (validated one by one by the schema in index.ts). */
export interface StripeEnv {
  STRIPE_SECRET_KEY?: string | undefined;
  STRIPE_PUBLISHABLE_KEY?: string | undefined;
  STRIPE_WEBHOOK_SECRET?: string | undefined;
  STRIPE_API_BASE?: string | undefined;
}

/** The settings of keys `stripeKeysProblem` found complete. */
export function stripeSettings(e: StripeEnv): StripeSettings {
  return {
    secretKey: e.STRIPE_SECRET_KEY!,
    publishableKey: e.STRIPE_PUBLISHABLE_KEY!,
    webhookSecret: e.STRIPE_WEBHOOK_SECRET!,
    apiBase: e.STRIPE_API_BASE,
  };
}

/**
 * Why PAYMENT_PROVIDER=stripe cannot start with these keys, or null: each of the three is required, and the secret
 * and publishable keys must be of one mode — a test-mode PaymentIntent cannot be confirmed with a live publishable
 * key, nor the reverse, so the buyer's page would fail at the last step. (A secret key naming no mode is left to
 * Stripe. Test keys stay allowed in production, as for the secret key alone: a staging site runs in test mode.)
 */
export function stripeKeysProblem(e: StripeEnv): string | null {
  const names = ['STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'STRIPE_WEBHOOK_SECRET'] as const;
  const missing = names.filter((k) => !e[k]);
  if (missing.length > 0)
    return `PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET (missing: ${missing.join(', ')}).`;
  const secretMode = /^(?:sk|rk)_(test|live)_/.exec(e.STRIPE_SECRET_KEY!)?.[1];
  const publishableMode = /^pk_(test|live)_/.exec(e.STRIPE_PUBLISHABLE_KEY!)?.[1];
  if (secretMode && publishableMode !== secretMode)
    return `STRIPE_SECRET_KEY is a ${secretMode} key but STRIPE_PUBLISHABLE_KEY a ${publishableMode} one: use both keys of the same mode.`;
  return null;
}
