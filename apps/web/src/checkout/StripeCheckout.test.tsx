import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Stripe } from '@stripe/stripe-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StripeCheckout, type LoadedStripe } from './StripeCheckout.tsx';
import { StripePayment } from './StripePayment.tsx';

/**
 * The checkout page's Stripe step with Stripe's real React bindings (@stripe/react-stripe-js) around a stub of the
 * Stripe.js object: the real Stripe.js only comes from js.stripe.com, which these machines cannot reach. The stub
 * does what Stripe.js does at the seams the page relies on: `elements()` → a Payment Element that mounts and says
 * `ready` (or `loaderror`), and `confirmPayment()` that on success navigates away (never resolves) or resolves
 * with `{ error }`.
 */

afterEach(cleanup);

const CLIENT_SECRET = 'pi_3Abc_secret_Xyz';
const RETURN_URL = 'https://shop.example/orders/K7Q2-9XPM';

type Listener = (event: unknown) => void;

function stubStripe(opts: {
  confirmPayment?: (args: unknown) => Promise<unknown>;
  loadError?: { type: string; message?: string };
}) {
  const listeners = new Map<string, Listener>();
  const element = {
    mount: vi.fn((node: HTMLElement) => {
      node.innerHTML = '<div data-testid="payment-element">card number · expiry · CVC</div>';
    }),
    // Stripe.js reports `ready` (or `loaderror`) once the element's frame has loaded: after listeners attach.
    on: vi.fn((event: string, cb: Listener) => {
      listeners.set(event, cb);
      if (event === 'ready' && !opts.loadError) setTimeout(() => cb({ elementType: 'payment' }), 0);
      if (event === 'loaderror' && opts.loadError)
        setTimeout(() => cb({ elementType: 'payment', error: opts.loadError }), 0);
    }),
    off: vi.fn((event: string) => listeners.delete(event)),
    update: vi.fn(),
    destroy: vi.fn(),
  };
  const elements = {
    create: vi.fn(() => element),
    getElement: vi.fn(() => element),
    update: vi.fn(),
    submit: vi.fn(),
  };
  const confirmPayment = vi.fn(opts.confirmPayment ?? (() => new Promise<never>(() => {})));
  const stripe = {
    elements: vi.fn(() => elements),
    confirmPayment,
    createToken: vi.fn(),
    createPaymentMethod: vi.fn(),
    confirmCardPayment: vi.fn(),
  };
  return {
    stripe: stripe as unknown as Stripe,
    elementsOf: stripe.elements,
    elements,
    element,
    confirmPayment,
  };
}

const loaded = (stripe: Stripe): Promise<LoadedStripe> => Promise.resolve({ stripe, Payment: StripePayment });

function renderCheckout(load: (key: string) => Promise<LoadedStripe>, timeoutMs?: number) {
  return render(
    <StripeCheckout
      publishableKey="pk_test_seatrush"
      clientSecret={CLIENT_SECRET}
      returnUrl={RETURN_URL}
      payLabel="Pay €50.00"
      load={load}
      {...(timeoutMs === undefined ? {} : { timeoutMs })}
    />,
  );
}

const payButton = () => screen.getByTestId<HTMLButtonElement>('stripe-pay');

describe('StripeCheckout', () => {
  it('shows the Payment Element on the client secret and confirms the payment, returning to the order page', async () => {
    const s = stubStripe({});
    const load = vi.fn(() => loaded(s.stripe));
    renderCheckout(load);
    expect(screen.getByRole('status').textContent).toMatch(/Loading the secure payment form/);

    await waitFor(() => expect(payButton().disabled).toBe(false));
    expect(load).toHaveBeenCalledWith('pk_test_seatrush');
    expect(s.elementsOf).toHaveBeenCalledWith(expect.objectContaining({ clientSecret: CLIENT_SECRET }));
    expect(s.elements.create).toHaveBeenCalledWith('payment', expect.anything());
    expect(screen.getByTestId('payment-element')).toBeTruthy();
    expect(payButton().textContent).toBe('Pay €50.00');

    fireEvent.click(payButton());
    await waitFor(() => expect(s.confirmPayment).toHaveBeenCalledTimes(1));
    // Stripe sends the buyer on to return_url itself (after 3-D Secure if needed): the order page, which waits
    // for the webhook.
    expect(s.confirmPayment).toHaveBeenCalledWith({
      elements: s.elements,
      confirmParams: { return_url: RETURN_URL },
    });
    await waitFor(() => expect(payButton().textContent).toBe('Please wait…'));
    expect(payButton().disabled).toBe(true);
    fireEvent.click(payButton());
    expect(s.confirmPayment).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows Stripe’s message when the payment is refused, and lets the buyer try again', async () => {
    const answers = [
      { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } },
      { error: { type: 'api_connection_error', message: 'Network error on https://api.stripe.com/v1/…' } },
    ];
    const s = stubStripe({ confirmPayment: () => Promise.resolve(answers.shift()) });
    renderCheckout(() => loaded(s.stripe));
    await waitFor(() => expect(payButton().disabled).toBe(false));

    fireEvent.click(payButton());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Your card was declined.'));
    expect(payButton().disabled).toBe(false);
    expect(payButton().textContent).toBe('Pay €50.00');

    // Errors that are not about the card are Stripe's words for developers: the buyer reads ours.
    fireEvent.click(payButton());
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toMatch(/could not be completed\. Please try again/),
    );
    expect(s.confirmPayment).toHaveBeenCalledTimes(2);
  });

  it('says so when Stripe.js cannot load, and loads again on request', async () => {
    const s = stubStripe({});
    const load = vi
      .fn<(key: string) => Promise<LoadedStripe>>()
      .mockRejectedValueOnce(new Error('Failed to load Stripe.js'))
      .mockImplementationOnce(() => loaded(s.stripe));
    renderCheckout(load);

    await waitFor(() => expect(screen.getByTestId('stripe-unavailable')).toBeTruthy());
    expect(screen.getByRole('alert').textContent).toMatch(/payment form could not load.*Nothing was charged/);
    expect(screen.queryByTestId('stripe-pay')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(payButton().disabled).toBe(false));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('gives up waiting for a Stripe.js that never answers', async () => {
    const s = stubStripe({});
    let finish: (v: LoadedStripe) => void = () => {};
    const hanging = new Promise<LoadedStripe>((resolve) => (finish = resolve));
    renderCheckout(() => hanging, 1);
    await waitFor(() => expect(screen.getByTestId('stripe-unavailable')).toBeTruthy());
    // A late answer does not bring back a form the buyer was told is unavailable; "Try again" does.
    finish({ stripe: s.stripe, Payment: StripePayment });
    await hanging;
    expect(screen.getByTestId('stripe-unavailable')).toBeTruthy();
    expect(s.elementsOf).not.toHaveBeenCalled();
  });

  it('reports a Payment Element that fails to load (for example a client secret Stripe refuses)', async () => {
    const s = stubStripe({
      loadError: { type: 'invalid_request_error', message: 'No such payment_intent.' },
    });
    renderCheckout(() => loaded(s.stripe));
    await waitFor(() => expect(screen.getByTestId('stripe-unavailable')).toBeTruthy());
    expect(screen.getByRole('alert').textContent).toMatch(/card form could not load/);
    expect(screen.queryByTestId('stripe-pay')).toBeNull();
  });
});
