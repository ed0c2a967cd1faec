import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
// Stripe's `pure` entry injects Stripe.js only when loadStripe is called, not when this module is imported. The
// package has no exports map and its `pure/` folder re-exports this file extensionless, which NodeNext cannot
// follow: name the file itself.
import { loadStripe } from '@stripe/stripe-js/dist/pure.mjs';
import type { Stripe, StripeElementsOptions, StripeError } from '@stripe/stripe-js';
import { useMemo, useState, type FormEvent } from 'react';

/**
 * Stripe's part of the checkout page, in its own chunk (imported by StripeCheckout.tsx only when the checkout
 * answered `stripe_elements`): the Payment Element on the PaymentIntent's client secret, and a Pay button that
 * confirms it. On success Stripe itself sends the browser to `returnUrl` (the order page, after 3-D Secure or a
 * bank's page if needed); the order page then waits for the webhook, which is what marks the order paid.
 */

export interface StripePaymentProps {
  /** Stripe.js, loaded with the publishable key (see `loadStripeJs`). */
  stripe: Stripe;
  clientSecret: string;
  /** Absolute URL of our order page: Stripe returns the buyer there with `redirect_status`. */
  returnUrl: string;
  /** The Pay button's text, e.g. "Pay €50.00". */
  payLabel: string;
}

/** Loads Stripe.js from js.stripe.com (the only way Stripe allows). Null where there is no browser. */
export function loadStripeJs(publishableKey: string): Promise<Stripe | null> {
  // Typed here: the file's declarations re-export extensionless too, so TypeScript sees `any`.
  return (loadStripe as (key: string) => Promise<Stripe | null>)(publishableKey);
}

/** What the buyer reads when a payment is refused or fails. */
export function stripeErrorMessage(error: Pick<StripeError, 'type' | 'message'>): string {
  // Stripe words card and validation errors for buyers ("Your card was declined."); its other errors are for
  // developers, so the buyer gets ours.
  if ((error.type === 'card_error' || error.type === 'validation_error') && error.message)
    return error.message;
  return 'The payment could not be completed. Please try again, or use another payment method.';
}

export function StripePayment({ stripe, clientSecret, returnUrl, payLabel }: StripePaymentProps) {
  const options = useMemo<StripeElementsOptions>(
    () => ({ clientSecret, appearance: { theme: 'stripe' } }),
    [clientSecret],
  );
  return (
    <Elements stripe={stripe} options={options}>
      <PaymentForm returnUrl={returnUrl} payLabel={payLabel} />
    </Elements>
  );
}

function PaymentForm({ returnUrl, payLabel }: { returnUrl: string; payLabel: string }) {
  const stripe = useStripe();
  const elements = useElements();
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!stripe || !elements || busy) return;
    setBusy(true);
    setError(null);
    // Resolves only when the payment could not be made: on success Stripe navigates to return_url.
    const { error: failure } = await stripe.confirmPayment({
      elements,
      confirmParams: { return_url: returnUrl },
    });
    setError(stripeErrorMessage(failure));
    setBusy(false);
  };

  if (loadError)
    return (
      <div className="notice notice-error" role="alert" data-testid="stripe-unavailable">
        <div>
          <p className="notice-title">The card form could not load</p>
          <p>{loadError}</p>
        </div>
      </div>
    );

  return (
    <form onSubmit={(e) => void submit(e)} aria-busy={busy || !ready} data-testid="stripe-payment">
      <PaymentElement
        options={{ layout: 'tabs' }}
        onReady={() => setReady(true)}
        onLoadError={(e: { error: { message?: string } }) =>
          setLoadError(
            e.error.message ??
              'Stripe could not show the payment form. Reload the page to try again; your reservation is kept.',
          )
        }
      />
      {error && (
        <p id="stripe-error" className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary btn-block"
          disabled={!stripe || !elements || !ready || busy}
          aria-describedby={error ? 'stripe-error' : undefined}
          data-testid="stripe-pay"
        >
          {busy ? 'Please wait…' : payLabel}
        </button>
      </div>
    </form>
  );
}
