import {
  checkoutBodySchema,
  formatMoney,
  seatName,
  sectionNamesOf,
  type CheckoutNext,
} from '@seatrush/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import type { z } from 'zod';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  ApiError,
  forgetHold,
  getOrder,
  getShowtime,
  getStoredEmail,
  holdsSnapshot,
  messageFor,
  onHoldsChanged,
  releaseHold,
  rememberOrder,
  setStoredEmail,
  startCheckout,
  updateHold,
  type OrderDto,
  type PublicShowtime,
  type StoredHold,
} from '../api/index.ts';
import { queryKeys } from '../api/query.ts';
import { StripeCheckout } from '../checkout/StripeCheckout.tsx';
import { useAnnounce } from '../components/Announcer.tsx';
import { Countdown } from '../components/Countdown.tsx';
import { Notice } from '../components/Status.tsx';
import { useNow } from '../lib/hooks.ts';
import { formatDateTime } from '../lib/time.ts';
import { useTitle } from '../lib/title.ts';

/** The checkout body's own rules for the e-mail, so the browser says what the server would. */
const emailForm = checkoutBodySchema.pick({ email: true });

/** What the payment page may report when it sends the buyer back here (`?payment=`). */
const returnMessages: Record<string, string> = {
  declined: 'Your payment was declined. You can try another card while your reservation lasts.',
  insufficient_funds:
    'The card has insufficient funds. You can try another card while your reservation lasts.',
  failed: 'The payment could not be completed. You can try again while your reservation lasts.',
  canceled: 'You left the payment page. Your reservation is still held — you can pay while it lasts.',
  cancelled: 'You left the payment page. Your reservation is still held — you can pay while it lasts.',
};

export function CheckoutPage() {
  useTitle('Checkout');
  const { holdId = '' } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const hold = useSyncExternalStore(onHoldsChanged, holdsSnapshot)[holdId];
  const [expired, setExpired] = useState(false);
  const now = useNow(1000);

  const showtime =
    useQuery({
      queryKey: queryKeys.showtime(hold?.showtimeId ?? ''),
      queryFn: ({ signal }) => getShowtime(hold!.showtimeId, signal),
      enabled: hold !== undefined,
    }).data ?? null;

  // Back from the payment page: the order tells whether the last attempt failed or already went through.
  const orderCode = hold?.orderCode;
  const order =
    useQuery({
      queryKey: [...queryKeys.order(orderCode ?? ''), getStoredEmail()],
      queryFn: ({ signal }) => getOrder(orderCode!, getStoredEmail(), signal),
      enabled: orderCode !== undefined,
    }).data ?? null;
  const paidCode = order?.status === 'PAID' ? order.code : null;
  useEffect(() => {
    if (paidCode) void navigate(`/orders/${encodeURIComponent(paidCode)}`, { replace: true });
  }, [paidCode, navigate]);

  if (!hold) {
    return (
      <>
        <h1>Checkout</h1>
        <Notice tone="warning" title="We can't find this reservation here">
          <p>
            Reservations are kept in the browser where you made them, and end when their time runs out. If you
            already paid, your order is under <Link to="/orders">My orders</Link>. Otherwise{' '}
            <Link to="/">choose seats again</Link>.
          </p>
        </Notice>
      </>
    );
  }

  const timeUp = expired || Date.parse(hold.expiresAt) <= now;
  const lastPayment = order?.payments.at(-1);
  const returned = search.get('payment');
  const failure =
    (returned && returnMessages[returned]) ??
    (lastPayment?.status === 'failed' ? messageFor(new ApiError('payment_declined', 402)) : null);

  return (
    <CheckoutView
      hold={hold}
      showtime={showtime}
      order={order}
      failure={failure}
      timeUp={timeUp}
      onExpired={() => setExpired(true)}
    />
  );
}

function CheckoutView({
  hold,
  showtime,
  order,
  failure,
  timeUp,
  onExpired,
}: {
  hold: StoredHold;
  showtime: PublicShowtime | null;
  order: OrderDto | null;
  failure: string | null;
  timeUp: boolean;
  onExpired: () => void;
}) {
  const navigate = useNavigate();
  const announce = useAnnounce();
  const form = useForm<z.input<typeof emailForm>, unknown, z.output<typeof emailForm>>({
    resolver: zodResolver(emailForm),
    defaultValues: { email: getStoredEmail() ?? '' },
  });
  const [error, setError] = useState<string | null>(null);
  // Set when the provider takes the payment on this page (Stripe's Payment Element) instead of its own.
  const [onPage, setOnPage] = useState<{
    next: Extract<CheckoutNext, { kind: 'stripe_elements' }>;
    orderCode: string;
  } | null>(null);

  const pay = useMutation({
    mutationFn: ({ email }: z.output<typeof emailForm>) => startCheckout(hold.holdId, hold.holdToken, email),
    onSuccess: (res, { email }) => {
      updateHold(hold.holdId, { orderCode: res.orderCode, expiresAt: res.expiresAt });
      rememberOrder(res.orderCode);
      if (!getStoredEmail()) setStoredEmail(email);
      if (res.next.kind === 'stripe_elements') {
        setOnPage({ next: res.next, orderCode: res.orderCode });
        announce('Enter your payment details below.');
        return;
      }
      announce('Taking you to the payment page.');
      window.location.assign(res.next.url);
    },
    onError: (err) => {
      if (err instanceof ApiError && (err.code === 'hold_expired' || err.code === 'hold_not_found'))
        onExpired();
      const emailIssue =
        err instanceof ApiError && err.code === 'validation_failed'
          ? err.issues.find((i) => i.path.includes('email'))
          : undefined;
      if (emailIssue) form.setError('email', { message: emailIssue.message });
      const text = emailIssue?.message ?? messageFor(err);
      if (!emailIssue) setError(text);
      announce(text, 'assertive');
    },
  });

  const cancel = useMutation({
    mutationFn: async () => {
      try {
        await releaseHold(hold.holdId, hold.holdToken);
      } catch (err) {
        if (!(err instanceof ApiError && ['hold_not_found', 'hold_expired'].includes(err.code))) throw err;
      }
    },
    onSuccess: () => {
      forgetHold(hold.holdId);
      announce('Reservation cancelled. The seats are back on sale.');
      void navigate(`/showtimes/${encodeURIComponent(hold.showtimeId)}`);
    },
    onError: (err) => setError(messageFor(err)),
  });

  // A successful pay to a hosted page navigates away: stay busy until the page is gone.
  const busy = pay.isPending || (pay.isSuccess && pay.data.next.kind === 'redirect') || cancel.isPending;
  const typedEmail = useWatch({ control: form.control, name: 'email' });
  const emailError = form.formState.errors.email?.message;
  const shownError = emailError ?? error;
  const submit = form.handleSubmit(
    (values) => {
      setError(null);
      pay.mutate(values);
    },
    (errors) => {
      if (errors.email?.message) announce(errors.email.message, 'assertive');
    },
  );

  const zoneName = (key: string) => showtime?.gaZones.find((z) => z.key === key)?.name ?? key;
  const catName = (key: string) => showtime?.categories.find((c) => c.key === key)?.name ?? key;
  const sectionName = sectionNamesOf(showtime?.sections ?? []);

  return (
    <>
      <h1>Checkout</h1>
      {showtime && (
        <p className="lead">
          {showtime.event.name} ·{' '}
          <time dateTime={showtime.startsAt}>{formatDateTime(showtime.startsAt)}</time> ·{' '}
          {showtime.venue.name}
        </p>
      )}
      <div className="checkout-layout">
        <section className="panel" aria-labelledby="summary-heading">
          <h2 id="summary-heading" className="panel-title">
            Your tickets
          </h2>
          <ul className="item-list">
            {hold.items.map((it, k) => (
              <li key={k}>
                <span>
                  {it.kind === 'seat'
                    ? seatName(it.seat, sectionName)
                    : `${it.quantity} × ${zoneName(it.zone)}`}
                </span>
                <span className="muted">{catName(it.category)}</span>
                <span>
                  {formatMoney(it.priceCents * (it.kind === 'ga' ? it.quantity : 1), hold.currency)}
                </span>
              </li>
            ))}
          </ul>
          <p className="total">
            <span>Total</span> <strong>{formatMoney(hold.totalCents, hold.currency)}</strong>
          </p>
        </section>

        <section className="panel" aria-labelledby="pay-heading">
          <h2 id="pay-heading" className="panel-title">
            Pay
          </h2>
          {timeUp ? (
            <Notice tone="error" live title="Your reservation expired" testId="checkout-expired">
              <p>The payment window ran out and the seats were released.</p>
              <p>
                <Link
                  to={`/showtimes/${encodeURIComponent(hold.showtimeId)}`}
                  onClick={() => forgetHold(hold.holdId)}
                >
                  Choose seats again
                </Link>
              </p>
            </Notice>
          ) : (
            <>
              <div className="hold-timer hold-timer-large">
                <span className="hold-timer-label">Time left to pay</span>
                <Countdown
                  until={hold.expiresAt}
                  label="Time left to pay"
                  warnAt={[120_000, 60_000]}
                  onDone={onExpired}
                />
              </div>
              {failure && (
                <Notice tone="error" live title="Payment not completed" testId="payment-declined">
                  <p>{failure}</p>
                </Notice>
              )}
              {onPage ? (
                <div className="stripe-checkout">
                  <StripeCheckout
                    publishableKey={onPage.next.publishableKey}
                    clientSecret={onPage.next.clientSecret}
                    returnUrl={new URL(
                      `/orders/${encodeURIComponent(onPage.orderCode)}`,
                      window.location.origin,
                    ).toString()}
                    payLabel={`Pay ${formatMoney(hold.totalCents, hold.currency)}`}
                  />
                  <div className="actions">
                    <button
                      type="button"
                      className="btn btn-ghost"
                      disabled={cancel.isPending}
                      onClick={() => cancel.mutate()}
                    >
                      Cancel reservation
                    </button>
                  </div>
                  {error && (
                    <p className="field-error" role="alert">
                      {error}
                    </p>
                  )}
                </div>
              ) : (
                <form onSubmit={(e) => void submit(e)} noValidate>
                  <label className="field">
                    <span className="field-label">Email for your tickets</span>
                    <input
                      type="email"
                      autoComplete="email"
                      required
                      {...form.register('email')}
                      aria-invalid={emailError ? true : undefined}
                      aria-describedby={shownError ? 'checkout-error' : undefined}
                    />
                  </label>
                  {shownError && (
                    <p id="checkout-error" className="field-error" role="alert">
                      {shownError}
                    </p>
                  )}
                  <div className="actions">
                    <button
                      type="submit"
                      className="btn btn-primary btn-block"
                      disabled={busy || !typedEmail.trim()}
                      data-testid="pay"
                    >
                      {busy
                        ? 'Please wait…'
                        : failure
                          ? 'Try paying again'
                          : `Pay ${formatMoney(hold.totalCents, hold.currency)}`}
                    </button>
                    <button
                      type="button"
                      className="btn btn-ghost"
                      disabled={busy}
                      onClick={() => cancel.mutate()}
                    >
                      Cancel reservation
                    </button>
                  </div>
                </form>
              )}
              {order && (
                <p className="muted">
                  Order <Link to={`/orders/${encodeURIComponent(order.code)}`}>{order.code}</Link>
                </p>
              )}
            </>
          )}
        </section>
      </div>
    </>
  );
}
