import { useInfiniteQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatMoney, orderCodeSchema } from '@seatrush/shared';
import { ApiError, getStoredEmail, listMyOrders, recentOrders } from '../api/index.ts';
import { queryKeys } from '../api/query.ts';
import { LoadError, Loading } from '../components/Status.tsx';
import { SeeAllOrdersOfEmail } from '../components/VerifyEmailDialog.tsx';
import { orderRowStatus, ticketCount } from '../lib/my-orders.ts';
import { formatDateTime, serverNow } from '../lib/time.ts';
import { useTitle } from '../lib/title.ts';

const PAGE_SIZE = 20;

/** The buyer session's orders from the server, a page at a time. */
function useMyOrders() {
  return useInfiniteQuery({
    queryKey: queryKeys.myOrders,
    queryFn: ({ signal, pageParam }) => listMyOrders({ limit: PAGE_SIZE, cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}

type MyOrdersQuery = ReturnType<typeof useMyOrders>;

export function OrdersPage() {
  useTitle('My orders');
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const [email, setEmail] = useState(getStoredEmail() ?? '');
  const [error, setError] = useState<string | null>(null);
  const codeId = useId();
  const emailId = useId();
  const mine = useMyOrders();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = orderCodeSchema.safeParse(code);
    if (!parsed.success) {
      setError('That is not an order code. It looks like K7Q2-9XPM (on your confirmation email).');
      return;
    }
    void navigate(`/orders/${encodeURIComponent(parsed.data)}`, { state: { email: email.trim() || null } });
  };

  return (
    <>
      <h1>My orders</h1>
      <div className="orders-layout">
        <section className="panel" aria-labelledby="mine-heading" aria-busy={mine.isPending}>
          <h2 id="mine-heading" className="panel-title">
            Your orders
          </h2>
          <MyOrders mine={mine} />
          {mine.data && <SeeAllOrdersOfEmail onVerified={() => void mine.refetch()} />}
        </section>
        <section className="panel" aria-labelledby="find-heading">
          <h2 id="find-heading" className="panel-title">
            Find an order
          </h2>
          <form onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor={codeId} className="field-label">
                Order code
              </label>
              <input
                id={codeId}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                placeholder="K7Q2-9XPM"
                autoCapitalize="characters"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? 'code-error' : undefined}
                required
              />
            </div>
            <div className="field">
              <label htmlFor={emailId} className="field-label">
                Email used for the order
              </label>
              <input
                id={emailId}
                type="email"
                autoComplete="email"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </div>
            {error && (
              <p id="code-error" className="field-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="btn btn-primary">
              Show order
            </button>
          </form>
        </section>
      </div>
    </>
  );
}

function MyOrders({ mine }: { mine: MyOrdersQuery }) {
  // The list's first page decides the panel; a failed later page keeps what is shown and offers a retry.
  if (mine.isPending) return <Loading label="Loading your orders" />;
  if (mine.isError && !mine.data) {
    // No buyer session and no email known on this device.
    if (mine.error instanceof ApiError && mine.error.code === 'unauthenticated')
      return (
        <>
          <p className="muted">
            Orders you make on this device are listed here. For an order made elsewhere, use its code and
            email.
          </p>
          <RecentOnDevice />
        </>
      );
    return (
      <>
        <LoadError
          error={mine.error}
          retry={() => void mine.refetch()}
          title="We could not load your orders"
        />
        <RecentOnDevice />
      </>
    );
  }
  const orders = mine.data.pages.flatMap((p) => p.orders);
  const loadMore = () => void mine.fetchNextPage();
  if (orders.length === 0)
    return (
      <p className="muted">
        No orders made in this browser yet. For an order made elsewhere, use its code and email.
      </p>
    );
  const now = serverNow();
  return (
    <>
      <ul className="item-list" aria-label="Your orders" data-testid="my-orders">
        {orders.map((o) => {
          const state = orderRowStatus(o, now);
          return (
            <li key={o.code}>
              <Link to={`/orders/${encodeURIComponent(o.code)}`}>
                <span className="mono">{o.code}</span> {o.eventName}
              </Link>
              <span className="muted">
                {formatDateTime(o.startsAt)} · {ticketCount(o.itemCount)} ·{' '}
                <span className={`badge ${state.className}`}>{state.text}</span>
                {state.payBy && <> · pay by {formatDateTime(state.payBy)}</>}
              </span>
              {/* A reservation that ran out cost nothing: no amount (the server leaves out ended ones). */}
              {state.className !== 'status-expired' && <span>{amountText(o)}</span>}
            </li>
          );
        })}
      </ul>
      {mine.isFetchNextPageError && (
        <LoadError error={mine.error} retry={loadMore} title="We could not load older orders" />
      )}
      {mine.hasNextPage && !mine.isFetchNextPageError && (
        <button type="button" className="btn" onClick={loadMore} disabled={mine.isFetchingNextPage}>
          {mine.isFetchingNextPage ? 'Loading…' : 'Show older orders'}
        </button>
      )}
    </>
  );
}

/** What the order comes to: after a refund, what is left and what was refunded. */
function amountText(o: { totalCents: number; refundedCents: number; currency: string }): string {
  if (o.refundedCents === 0) return formatMoney(o.totalCents, o.currency);
  const left = formatMoney(o.totalCents - o.refundedCents, o.currency);
  return `${left} (${formatMoney(o.refundedCents, o.currency)} refunded)`;
}

/** Codes of orders started in this browser: what is left to show when the server cannot say. */
function RecentOnDevice() {
  const recent = recentOrders();
  if (recent.length === 0) return null;
  return (
    <>
      <h3 className="panel-title">On this device</h3>
      <ul className="link-list" aria-label="On this device">
        {recent.map((c) => (
          <li key={c}>
            <Link to={`/orders/${encodeURIComponent(c)}`}>{c}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}
