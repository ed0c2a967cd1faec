import { formatMoney, seatName, sectionNamesOf } from '@seatrush/shared';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useParams, useSearchParams } from 'react-router';
import {
  ApiError,
  forgetHold,
  getOrder,
  getShowtime,
  getStoredEmail,
  holdsForShowtime,
  messageFor,
  requestRefund,
  type OrderDto,
} from '../api/index.ts';
import { queryKeys } from '../api/query.ts';
import { useAnnounce } from '../components/Announcer.tsx';
import { Countdown } from '../components/Countdown.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { LoadError, Loading, Notice } from '../components/Status.tsx';
import { formatDateTime } from '../lib/time.ts';
import { useTitle } from '../lib/title.ts';
import { nextOrderPollMs } from './order-poll.ts';

const statusTitle: Record<OrderDto['status'], string> = {
  PENDING: 'Waiting for payment',
  PAID: 'Paid — your tickets are ready',
  EXPIRED: 'Reservation expired',
  CANCELLED: 'Cancelled',
  PARTIALLY_REFUNDED: 'Partly refunded',
  REFUNDED: 'Refunded',
};

export function OrderPage() {
  const { code = '' } = useParams();
  useTitle(`Order ${code}`);
  const location = useLocation();
  const announce = useAnnounce();
  const [email, setEmail] = useState<string | null>(
    (location.state as { email?: string | null } | null)?.email ?? getStoredEmail(),
  );
  const queryClient = useQueryClient();
  // Back from Stripe (the checkout page's Payment Element, after 3-D Secure or a bank's page): `redirect_status` is
  // what the browser was told; the webhook decides. The client secret is not left in the address bar.
  const [search, setSearch] = useSearchParams();
  const stripeReturn = search.get('redirect_status');
  const hasSecret = search.has('payment_intent_client_secret');
  useEffect(() => {
    if (!hasSecret) return;
    const next = new URLSearchParams(search);
    next.delete('payment_intent_client_secret');
    setSearch(next, { replace: true, state: location.state as unknown });
  }, [hasSecret, search, setSearch, location.state]);
  // Poll while the payment outcome is open: webhooks can arrive late, even after expiry.
  const orderQuery = useQuery({
    queryKey: [...queryKeys.order(code), email],
    queryFn: ({ signal }) => getOrder(code, email, signal),
    refetchInterval: (q) => nextOrderPollMs(q.state.data?.status, q.state.error, q.state.fetchFailureCount),
  });
  const order = orderQuery.data ?? null;
  const error = orderQuery.error;

  const showtimeId = order?.showtimeId;
  const showtime =
    useQuery({
      queryKey: queryKeys.showtime(showtimeId ?? ''),
      queryFn: ({ signal }) => getShowtime(showtimeId!, signal),
      enabled: showtimeId !== undefined,
    }).data ?? null;

  // A paid or closed order's hold is over: stop showing it as "reserved for you".
  const status = order?.status;
  useEffect(() => {
    if (!showtimeId || !status || status === 'PENDING') return;
    for (const h of holdsForShowtime(showtimeId)) if (h.orderCode === code) forgetHold(h.holdId);
    announce(statusTitle[status]);
  }, [showtimeId, status, code, announce]);

  const onRefunded = useCallback(
    (o: OrderDto) => {
      queryClient.setQueryData([...queryKeys.order(code), email], o);
      void queryClient.invalidateQueries({ queryKey: queryKeys.myOrders });
      announce(o.status === 'REFUNDED' ? 'Refund done.' : 'Refund requested.');
    },
    [announce, queryClient, code, email],
  );

  if (error && !order) {
    const needsEmail =
      error instanceof ApiError && ['not_found', 'forbidden', 'unauthenticated'].includes(error.code);
    return (
      <>
        <h1>Order {code}</h1>
        {needsEmail ? (
          <EmailLookup
            code={code}
            message={
              email
                ? 'We could not find that order with this email.'
                : 'Enter the email you used for this order.'
            }
            onEmail={(e) => {
              if (e === email) void orderQuery.refetch();
              else setEmail(e);
            }}
          />
        ) : (
          <LoadError
            error={error}
            retry={() => void orderQuery.refetch()}
            title="We could not load this order"
          />
        )}
      </>
    );
  }
  if (!order) return <Loading label="Loading your order" />;

  const lastPayment = order.payments.at(-1);
  // The hold's token, if this browser made the hold (in any tab): what paying needs.
  const heldTab = holdsForShowtime(order.showtimeId).find((h) => h.holdId === order.holdId);
  const ticketByItem = new Map(order.tickets.map((t) => [t.itemId, t]));
  const refundDone = order.refunds.some((r) => r.status === 'done');
  // A refund asked for but not done (under way, or refused by the provider and being looked at by the box office).
  const refundPending = order.refunds.filter(
    (r) =>
      r.itemIds.length > 0 && (r.status === 'created' || r.status === 'transit' || r.status === 'failed'),
  );
  const sectionName = sectionNamesOf(showtime?.sections ?? []);
  const itemName = (it: OrderDto['items'][number]) =>
    it.seatLabel
      ? seatName(it.seatLabel, sectionName)
      : (showtime?.gaZones.find((z) => z.key === it.zoneKey)?.name ?? 'General admission');

  return (
    <>
      <h1>
        Order <span className="mono">{order.code}</span>
      </h1>
      {showtime && (
        <p className="lead">
          {showtime.event.name} ·{' '}
          <time dateTime={showtime.startsAt}>{formatDateTime(showtime.startsAt)}</time> ·{' '}
          {showtime.venue.name}
        </p>
      )}
      <p className={`status-pill status-${order.status.toLowerCase()}`} data-testid="order-status">
        {statusTitle[order.status]}
      </p>

      {order.status === 'PENDING' &&
        (lastPayment?.status === 'failed' || stripeReturn === 'failed' ? (
          <Notice tone="error" live title="Payment declined" testId="payment-declined">
            <p>{messageFor(new ApiError('payment_declined', 402))}</p>
            {heldTab && (
              <p>
                <Link
                  className="btn btn-primary"
                  to={`/checkout/${encodeURIComponent(heldTab.holdId)}?payment=declined`}
                >
                  Try again
                </Link>{' '}
                <Countdown until={order.expiresAt} label="Time left to pay" />
              </p>
            )}
          </Notice>
        ) : lastPayment === undefined ? (
          // No payment started yet (the reservation was made, the buyer never reached the payment page).
          <Notice tone="info" title="Not paid yet" testId="payment-not-started">
            {heldTab ? (
              <p>
                <Link className="btn btn-primary" to={`/checkout/${encodeURIComponent(heldTab.holdId)}`}>
                  Pay now
                </Link>{' '}
                <Countdown until={order.expiresAt} label="Time left to pay" />
              </p>
            ) : (
              <p>
                Your tickets are reserved until {formatDateTime(order.expiresAt)}. Pay for them in the browser
                where you reserved them; if nothing is paid by then, the reservation ends and nothing is
                charged.
              </p>
            )}
          </Notice>
        ) : (
          <Notice tone="info" live title="Confirming your payment…" icon="hourglass">
            <p>This usually takes a few seconds. This page updates by itself.</p>
          </Notice>
        ))}
      {order.notice === 'paid_after_expiry_refunded' && (
        <Notice tone="warning" live title="Your payment was refunded" testId="late-payment">
          <p>
            Your payment arrived after your reservation had expired and the seats had gone to someone else, so
            we refunded it in full. Nothing else is needed from you.
          </p>
        </Notice>
      )}
      {order.notice === 'paid_after_cancel_refunded' && (
        <Notice tone="warning" live title="Your payment was refunded" testId="late-payment">
          <p>Your payment arrived after the reservation was cancelled, so we refunded it in full.</p>
        </Notice>
      )}
      {order.status === 'EXPIRED' && !order.notice && (
        <Notice tone="info" title="This reservation expired before it was paid">
          <p>Nothing was charged. The seats went back on sale.</p>
        </Notice>
      )}
      {(order.status === 'REFUNDED' || order.status === 'PARTIALLY_REFUNDED') && (
        <Notice
          tone="success"
          live={refundDone}
          title={refundDone ? 'Refund done' : 'Refund on its way'}
          testId="refund-status"
        >
          <p>
            {formatMoney(order.refundedCents, order.currency)}{' '}
            {refundDone ? 'has been refunded' : 'is being refunded'} to your original payment method.
          </p>
        </Notice>
      )}

      {refundPending.length > 0 && (
        <Notice tone="info" title="Your refund is being looked at" testId="refund-pending">
          <p>
            Your refund of{' '}
            {formatMoney(
              refundPending.reduce((n, r) => n + r.amountCents, 0),
              order.currency,
            )}{' '}
            is not done yet; we are on it. Your tickets stay valid until it is.
          </p>
        </Notice>
      )}

      <section className="panel" aria-labelledby="items-heading">
        <h2 id="items-heading" className="panel-title">
          {order.status === 'PAID' || order.status === 'PARTIALLY_REFUNDED' ? 'Tickets' : 'Items'}
        </h2>
        <ul className="ticket-grid">
          {order.items.map((it) => {
            const t = ticketByItem.get(it.id);
            const name = itemName(it);
            // Until the showtime has loaded there is no category name to show (never its key).
            const cat = showtime
              ? (showtime.categories.find((c) => c.key === it.category)?.name ?? it.category)
              : null;
            return (
              <li key={it.id} className={`ticket ticket-${it.status}`}>
                <div className="ticket-body">
                  <p className="ticket-name">{name}</p>
                  <p className="muted">
                    {cat && `${cat} · `}
                    {formatMoney(it.priceCents, order.currency)}
                  </p>
                  {it.status !== 'active' && (
                    <p className="badge">{it.status === 'refunded' ? 'Refunded' : 'Released'}</p>
                  )}
                  {t && it.status === 'active' && <p className="mono small">{t.ticketCode}</p>}
                </div>
                {t && it.status === 'active' && order.status !== 'PENDING' && (
                  <img
                    className="ticket-qr"
                    src={t.qrImage}
                    alt={`QR code for ticket ${t.ticketCode}, ${name}`}
                    width={140}
                    height={140}
                  />
                )}
              </li>
            );
          })}
        </ul>
        <dl className="totals" data-testid="order-totals">
          <div className="total">
            <dt>Total</dt>{' '}
            <dd>
              {order.refundedCents > 0 ? (
                formatMoney(order.totalCents, order.currency)
              ) : (
                <strong>{formatMoney(order.totalCents, order.currency)}</strong>
              )}
            </dd>
          </div>
          {order.refundedCents > 0 && (
            <>
              <div className="total">
                <dt>Refunded</dt> <dd>−{formatMoney(order.refundedCents, order.currency)}</dd>
              </div>
              <div className="total">
                <dt>Total after refunds</dt>{' '}
                <dd>
                  <strong>{formatMoney(order.totalCents - order.refundedCents, order.currency)}</strong>
                </dd>
              </div>
            </>
          )}
        </dl>
      </section>

      {order.buyerRefundable && (
        <RefundPanel order={order} email={email} onRefunded={onRefunded} itemName={itemName} />
      )}
    </>
  );
}

function EmailLookup({
  code,
  message,
  onEmail,
}: {
  code: string;
  message: string;
  onEmail: (email: string) => void;
}) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onEmail(value.trim());
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={`Find order ${code}`}>
      <p>{message}</p>
      <label className="field">
        <span className="field-label">Email</span>
        <input
          type="email"
          autoComplete="email"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          required
        />
      </label>
      <button type="submit" className="btn btn-primary">
        Show order
      </button>
    </form>
  );
}

function RefundPanel({
  order,
  email,
  onRefunded,
  itemName,
}: {
  order: OrderDto;
  email: string | null;
  onRefunded: (o: OrderDto) => void;
  itemName: (item: OrderDto['items'][number]) => string;
}) {
  const active = order.items.filter((i) => i.status === 'active');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<'some' | 'all' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (active.length === 0) return null;
  const amount = (ids: Iterable<string>) => {
    const set = new Set(ids);
    return active.filter((i) => set.has(i.id)).reduce((n, i) => n + i.priceCents, 0);
  };
  const refund = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await requestRefund(order.code, email, confirm === 'some' ? [...chosen] : undefined);
      setConfirm(null);
      setChosen(new Set());
      onRefunded(res.order);
    } catch (err) {
      setError(messageFor(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="refund-heading">
      <h2 id="refund-heading" className="panel-title">
        Refund
      </h2>
      {active.length > 1 && (
        <fieldset className="refund-items">
          <legend>Choose tickets to refund</legend>
          {active.map((i) => (
            <label key={i.id} className="check">
              <input
                type="checkbox"
                checked={chosen.has(i.id)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(i.id);
                  else next.delete(i.id);
                  setChosen(next);
                }}
              />
              {itemName(i)} · {formatMoney(i.priceCents, order.currency)}
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        {active.length > 1 && (
          <button
            type="button"
            className="btn btn-secondary"
            disabled={chosen.size === 0 || busy}
            onClick={() => setConfirm('some')}
          >
            Refund {chosen.size || ''} selected
          </button>
        )}
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy}
          onClick={() => setConfirm('all')}
          data-testid="refund-all"
        >
          Refund whole order
        </button>
      </div>
      <Dialog
        open={confirm !== null}
        title="Refund tickets?"
        onClose={() => setConfirm(null)}
        testId="refund-dialog"
      >
        <p>
          {formatMoney(confirm === 'some' ? amount(chosen) : amount(active.map((i) => i.id)), order.currency)}{' '}
          goes back to your original payment method and the tickets stop working. This can't be undone.
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={() => setConfirm(null)}>
            Keep tickets
          </button>
          <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void refund()}>
            {busy ? 'Refunding…' : 'Refund'}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
