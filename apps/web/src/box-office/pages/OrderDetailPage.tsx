import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { StaffOrderDetailDto } from '@seatrush/shared';
import { useLoad } from '../../lib/hooks.ts';
import { formatMoney } from '../../lib/time.ts';
import { staffApi } from '../api.ts';
import { Badge, ErrorNote, Field, Money, PageHeader, Spinner, SuccessNote, When, useAction } from '../ui.tsx';

function actorText(actor: string): string {
  if (actor === 'system') return 'system';
  const [kind, id] = actor.split(':');
  return `${kind} ${id?.slice(0, 10) ?? ''}`;
}

/** One order for staff: items, payments, refunds and audit trail; refund in full or per item; cancel a pending one. */
export function OrderDetailPage() {
  const { code = '' } = useParams();
  const [version, setVersion] = useState(0);
  const [data, retry] = useLoad(`order:${code}:${version}`, (signal) => staffApi.order(code, signal));
  // While an action's reload is in flight, keep showing the order rather than a spinner.
  const last = useRef<StaffOrderDetailDto | null>(null);
  if (data.status === 'ok') last.current = data.data;

  if (data.status === 'error') return <ErrorNote error={data.error} retry={retry} title={`Order ${code}`} />;
  const order = data.status === 'ok' ? data.data : last.current?.code === code ? last.current : null;
  if (!order) return <Spinner label="Loading the order" />;
  return <OrderView order={order} onChanged={() => setVersion((v) => v + 1)} />;
}

function OrderView({ order, onChanged }: { order: StaffOrderDetailDto; onChanged: () => void }) {
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const active = order.items.filter((i) => i.status === 'active');
  const refundable = order.status === 'PAID' || order.status === 'PARTIALLY_REFUNDED';
  const pickedTotal = active.filter((i) => picked.has(i.id)).reduce((n, i) => n + i.priceCents, 0);

  const refund = useAction(async (all: boolean) => {
    const r = await staffApi.refund(order.code, {
      ...(all ? {} : { itemIds: [...picked] }),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    });
    setPicked(new Set());
    setDone(`Refunded ${formatMoney(r.refund.amountCents, order.currency)} (${r.refund.status}).`);
    onChanged();
  });
  const cancel = useAction(async () => {
    await staffApi.cancelOrder(order.code);
    setDone('Order cancelled; its seats are back on sale.');
    onChanged();
  });

  const toggle = (id: string) =>
    setPicked((p) => {
      const n = new Set(p);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <section>
      <PageHeader
        title={`Order ${order.code}`}
        kicker={
          <>
            <Link to="/box-office/orders">Orders</Link> ›{' '}
            <Link to={`/box-office/showtimes/${order.showtimeId}`}>Showtime</Link>
          </>
        }
      >
        <Badge value={order.status} />
        <Badge value={order.channel} label={order.channel === 'counter' ? 'counter sale' : 'online'} />
      </PageHeader>
      {done && <SuccessNote>{done}</SuccessNote>}
      <dl className="bo-dl bo-card" data-testid="order-summary">
        <dt>Buyer</dt>
        <dd>{order.email}</dd>
        <dt>Total</dt>
        <dd>
          <Money cents={order.totalCents} currency={order.currency} />
        </dd>
        <dt>Refunded</dt>
        <dd>
          <Money cents={order.refundedCents} currency={order.currency} />
        </dd>
        <dt>Created</dt>
        <dd>
          <When iso={order.createdAt} />
        </dd>
        <dt>Paid</dt>
        <dd>
          <When iso={order.paidAt} />
        </dd>
        {order.status === 'PENDING' && (
          <>
            <dt>Hold expires</dt>
            <dd>
              <When iso={order.expiresAt} />
            </dd>
          </>
        )}
      </dl>

      <div className="bo-card">
        <h2 className="bo-card-title">Tickets</h2>
        <table className="bo-table bo-table-compact" aria-label="Order items">
          <thead>
            <tr>
              {refundable && (
                <th scope="col">
                  <span className="bo-sr-only">Choose for refund</span>
                </th>
              )}
              <th scope="col">Seat / zone</th>
              <th scope="col">Category</th>
              <th scope="col" className="bo-num">
                Price
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {order.items.map((i) => {
              const label = i.seatLabel ?? `${i.zoneKey} (standing)`;
              return (
                <tr key={i.id}>
                  {refundable && (
                    <td>
                      {i.status === 'active' && (
                        <input
                          type="checkbox"
                          checked={picked.has(i.id)}
                          onChange={() => toggle(i.id)}
                          aria-label={`Refund ${label}`}
                        />
                      )}
                    </td>
                  )}
                  <td>{label}</td>
                  <td>{i.category}</td>
                  <td className="bo-num">
                    <Money cents={i.priceCents} currency={order.currency} />
                  </td>
                  <td>
                    <Badge value={i.status} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {refundable && active.length > 0 && (
          <div className="bo-refund">
            <Field label="Refund reason (optional)">
              <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
            </Field>
            <div className="bo-row">
              <button
                type="button"
                className="bo-btn"
                disabled={picked.size === 0 || refund.pending}
                onClick={() => void refund.run(false)}
              >
                Refund selected ({formatMoney(pickedTotal, order.currency)})
              </button>
              <button
                type="button"
                className="bo-btn bo-btn-danger"
                disabled={refund.pending}
                onClick={() => void refund.run(true)}
              >
                Refund whole order
              </button>
            </div>
            {refund.error !== null && <ErrorNote error={refund.error} />}
          </div>
        )}
        {order.status === 'PENDING' && (
          <div className="bo-row">
            <button
              type="button"
              className="bo-btn bo-btn-danger"
              disabled={cancel.pending}
              onClick={() => void cancel.run()}
            >
              Cancel order and release seats
            </button>
            {cancel.error !== null && <ErrorNote error={cancel.error} />}
          </div>
        )}
      </div>

      <div className="bo-grid-2">
        <div className="bo-card">
          <h2 className="bo-card-title">Payments</h2>
          {order.payments.length === 0 ? (
            <p className="bo-muted">No payments.</p>
          ) : (
            <table className="bo-table bo-table-compact" aria-label="Payments">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="bo-num">
                    Amount
                  </th>
                  <th scope="col">Confirmed</th>
                </tr>
              </thead>
              <tbody>
                {order.payments.map((p) => (
                  <tr key={p.id}>
                    <td>{p.provider}</td>
                    <td>
                      <Badge value={p.status} />
                      {p.failureCode && <span className="bo-small"> {p.failureCode}</span>}
                    </td>
                    <td className="bo-num">
                      <Money cents={p.amountCents} currency={p.currency} />
                    </td>
                    <td className="bo-small">
                      <When iso={p.confirmedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="bo-card">
          <h2 className="bo-card-title">Refunds</h2>
          {order.refunds.length === 0 ? (
            <p className="bo-muted">No refunds.</p>
          ) : (
            <table className="bo-table bo-table-compact" aria-label="Refunds">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="bo-num">
                    Amount
                  </th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {order.refunds.map((r) => (
                  <tr key={r.id}>
                    <td className="bo-small">
                      <When iso={r.createdAt} />
                    </td>
                    <td>
                      <Badge value={r.status} />
                    </td>
                    <td className="bo-num">
                      <Money cents={r.amountCents} currency={order.currency} />
                    </td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <div className="bo-card">
        <h2 className="bo-card-title">Audit trail</h2>
        {order.audit.length === 0 ? (
          <p className="bo-muted">No entries.</p>
        ) : (
          <ol className="bo-timeline" aria-label="Audit trail">
            {order.audit.map((a) => (
              <li key={a.id}>
                <When iso={a.at} /> · <code>{a.action}</code> ·{' '}
                <span className="bo-muted">{actorText(a.actor)}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
