import { useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
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
} from '../api/index.ts';
import { useAnnounce } from '../components/Announcer.tsx';
import { Countdown } from '../components/Countdown.tsx';
import { Notice } from '../components/Status.tsx';
import { useNow } from '../lib/hooks.ts';
import { formatDateTime, formatMoney } from '../lib/time.ts';
import { useTitle } from '../lib/title.ts';

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
  const announce = useAnnounce();
  const hold = useSyncExternalStore(onHoldsChanged, holdsSnapshot)[holdId];
  const [showtime, setShowtime] = useState<PublicShowtime | null>(null);
  const [order, setOrder] = useState<OrderDto | null>(null);
  const [email, setEmail] = useState(getStoredEmail() ?? '');
  const [error, setError] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);
  const [busy, setBusy] = useState(false);
  const now = useNow(1000);

  useEffect(() => {
    if (!hold) return;
    const ac = new AbortController();
    getShowtime(hold.showtimeId, ac.signal).then(setShowtime, () => undefined);
    return () => ac.abort();
  }, [hold]);

  // Back from the payment page: the order tells whether the last attempt failed or already went through.
  const orderCode = hold?.orderCode;
  useEffect(() => {
    if (!orderCode) return;
    const ac = new AbortController();
    getOrder(orderCode, getStoredEmail(), ac.signal).then(
      (o) => {
        setOrder(o);
        if (o.status === 'PAID') void navigate(`/orders/${encodeURIComponent(o.code)}`, { replace: true });
      },
      () => undefined,
    );
    return () => ac.abort();
  }, [orderCode, navigate]);

  if (!hold) {
    return (
      <>
        <h1>Checkout</h1>
        <Notice tone="warning" title="We can't find this reservation here">
          <p>
            Reservations are kept in the browser tab where you made them. If you already paid, your order is
            under <Link to="/orders">My orders</Link>. Otherwise <Link to="/">choose seats again</Link>.
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

  const pay = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const res = await startCheckout(hold.holdId, hold.holdToken, email.trim());
      updateHold(hold.holdId, { orderCode: res.orderCode, expiresAt: res.expiresAt });
      rememberOrder(res.orderCode);
      if (!getStoredEmail()) setStoredEmail(email.trim());
      announce('Taking you to the payment page.');
      window.location.assign(res.paymentUrl);
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'hold_expired' || err.code === 'hold_not_found'))
        setExpired(true);
      const text =
        err instanceof ApiError &&
        err.code === 'validation_failed' &&
        err.issues.some((i) => i.path.includes('email'))
          ? 'Enter a valid email address.'
          : messageFor(err);
      setError(text);
      announce(text, 'assertive');
      setBusy(false);
    }
  };

  const cancel = async () => {
    setBusy(true);
    try {
      await releaseHold(hold.holdId, hold.holdToken);
    } catch (err) {
      if (!(err instanceof ApiError && ['hold_not_found', 'hold_expired'].includes(err.code))) {
        setError(messageFor(err));
        setBusy(false);
        return;
      }
    }
    forgetHold(hold.holdId);
    announce('Reservation cancelled. The seats are back on sale.');
    void navigate(`/showtimes/${encodeURIComponent(hold.showtimeId)}`);
  };

  const zoneName = (key: string) => showtime?.gaZones.find((z) => z.key === key)?.name ?? key;
  const catName = (key: string) => showtime?.categories.find((c) => c.key === key)?.name ?? key;

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
                  {it.kind === 'seat' ? `Seat ${it.seat}` : `${it.quantity} × ${zoneName(it.zone)}`}
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
                  onDone={() => setExpired(true)}
                />
              </div>
              {failure && (
                <Notice tone="error" live title="Payment not completed" testId="payment-declined">
                  <p>{failure}</p>
                </Notice>
              )}
              <form onSubmit={(e) => void pay(e)} noValidate>
                <label className="field">
                  <span className="field-label">Email for your tickets</span>
                  <input
                    type="email"
                    autoComplete="email"
                    required
                    value={email}
                    onChange={(e) => setEmail(e.target.value)}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? 'checkout-error' : undefined}
                  />
                </label>
                {error && (
                  <p id="checkout-error" className="field-error" role="alert">
                    {error}
                  </p>
                )}
                <div className="actions">
                  <button
                    type="submit"
                    className="btn btn-primary btn-block"
                    disabled={busy || !email.trim()}
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
                    onClick={() => void cancel()}
                  >
                    Cancel reservation
                  </button>
                </div>
              </form>
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
