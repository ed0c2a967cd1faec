import type { Stripe } from '@stripe/stripe-js';
import { useEffect, useState, type ComponentType } from 'react';
import { Loading } from '../components/Status.tsx';
import type { StripePaymentProps } from './StripePayment.tsx';

/**
 * The checkout page's Stripe step (checkout answered `next.kind: 'stripe_elements'`). Light on purpose: Stripe's
 * React code is in its own chunk (StripePayment.tsx), imported here only when a buyer pays with Stripe, so the
 * sandbox path and every other page do not carry it. Stripe.js itself comes from js.stripe.com; when it cannot
 * load (blocked, offline, too slow) the buyer is told so and may try again — the page never waits forever.
 */

/** Stripe.js and the chunk that draws the Payment Element. */
export interface LoadedStripe {
  stripe: Stripe;
  Payment: ComponentType<StripePaymentProps>;
}

/** The real loader: our chunk, then Stripe.js from Stripe's servers. */
export async function loadStripeCheckout(publishableKey: string): Promise<LoadedStripe> {
  const m = await import('./StripePayment.tsx');
  const stripe = await m.loadStripeJs(publishableKey);
  if (!stripe) throw new Error('Stripe.js is not available here');
  return { stripe, Payment: m.StripePayment };
}

/** How long Stripe.js may take before the page gives up waiting (the buyer can try again). */
export const STRIPE_LOAD_TIMEOUT_MS = 20_000;

type Stage = { kind: 'loading' } | { kind: 'failed' } | { kind: 'ready'; loaded: LoadedStripe };

export function StripeCheckout({
  publishableKey,
  clientSecret,
  returnUrl,
  payLabel,
  load = loadStripeCheckout,
  timeoutMs = STRIPE_LOAD_TIMEOUT_MS,
}: {
  publishableKey: string;
  clientSecret: string;
  returnUrl: string;
  payLabel: string;
  /** Tests pass a stub: the real Stripe.js cannot be fetched from every machine. */
  load?: (publishableKey: string) => Promise<LoadedStripe>;
  timeoutMs?: number;
}) {
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    // The first of: loaded, failed, timed out. Whatever comes after (or after unmount) is ignored.
    let open = true;
    const settle = (next: Stage) => {
      if (!open) return;
      open = false;
      clearTimeout(timer);
      setStage(next);
    };
    const timer = setTimeout(() => settle({ kind: 'failed' }), timeoutMs);
    Promise.resolve(publishableKey)
      .then(load)
      .then(
        (loaded) => settle({ kind: 'ready', loaded }),
        () => settle({ kind: 'failed' }),
      );
    return () => {
      open = false;
      clearTimeout(timer);
    };
  }, [load, publishableKey, timeoutMs, attempt]);

  if (stage.kind === 'loading') return <Loading label="Loading the secure payment form" />;
  if (stage.kind === 'failed')
    return (
      <div className="notice notice-error" role="alert" data-testid="stripe-unavailable">
        <div>
          <p className="notice-title">The payment form could not load</p>
          <p>
            Our payment partner Stripe could not be reached from this browser (a blocker, a firewall or the
            connection may stop it). Nothing was charged and your reservation is kept while the timer runs.
          </p>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setStage({ kind: 'loading' });
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        </div>
      </div>
    );
  const { stripe, Payment } = stage.loaded;
  return <Payment stripe={stripe} clientSecret={clientSecret} returnUrl={returnUrl} payLabel={payLabel} />;
}
