import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useParams } from 'react-router';
import {
  formatMoney,
  staffRefundBodySchema,
  type RefundDto,
  type StaffOrderDetailDto,
} from '@seatrush/shared';
import { z } from 'zod';
import { getShowtime } from '../../api/catalog.ts';
import { queryKeys } from '../../api/query.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { staffApi } from '../api.ts';
import {
  Badge,
  ErrorNote,
  Field,
  Money,
  PageHeader,
  StaffQuery,
  SuccessNote,
  When,
  useAction,
} from '../ui.tsx';

/** The refund body's own rule for the reason; an empty box means "no reason" (the field is optional). */
const refundForm = z.object({
  reason: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    staffRefundBodySchema.shape.reason,
  ),
});

function actorText(actor: string): string {
  if (actor === 'system') return 'system';
  const [kind, id] = actor.split(':');
  return `${kind} ${id?.slice(0, 10) ?? ''}`;
}

/** What staff are told after a refund or a retry: a refused one says why, and that nothing changed. */
function refundNote(r: RefundDto, currency: string): string {
  const amount = formatMoney(r.amountCents, currency);
  if (r.status === 'failed')
    return `Refund of ${amount} failed: ${r.failureCode ?? 'refused by the provider'}. The order is unchanged; retry it under Refunds.`;
  return `Refunded ${amount} (${r.status}).`;
}

/** One order for staff: items, payments, refunds and audit trail; refund in full or per item; cancel a pending one. */
export function OrderDetailPage() {
  const { code = '' } = useParams();
  const query = useQuery({
    queryKey: queryKeys.staff.order(code),
    queryFn: ({ signal }) => staffApi.order(code, signal),
  });
  // An action's refetch keeps the order on screen (the query keeps its data while it reloads).
  return (
    <StaffQuery query={query} errorTitle={`Order ${code}`} loadingLabel="Loading the order">
      {(order) => <OrderView order={order} />}
    </StaffQuery>
  );
}

/** What a refund or cancel changes: this order, order searches, the showtime's live figures. */
const orderChanged = { invalidate: [queryKeys.staff.all] };

function OrderView({ order }: { order: StaffOrderDetailDto }) {
  // Category names as the venue gives them ("Premium"), not their keys; nothing until they are known.
  const showtime = useQuery({
    queryKey: queryKeys.showtime(order.showtimeId),
    queryFn: ({ signal }) => getShowtime(order.showtimeId, signal),
  });
  const categoryName = (key: string) =>
    showtime.isPending ? '' : (showtime.data?.categories.find((c) => c.key === key)?.name ?? key);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const form = useForm<z.input<typeof refundForm>, unknown, z.output<typeof refundForm>>({
    resolver: zodResolver(refundForm),
    defaultValues: { reason: '' },
  });
  const reasonError = form.formState.errors.reason?.message;
  const [done, setDone] = useState<string | null>(null);
  // A refund moves money and cannot be undone: staff confirm it, as buyers do (`all`: the whole order).
  const [confirming, setConfirming] = useState<{ all: boolean; reason: string | undefined } | null>(null);
  const active = order.items.filter((i) => i.status === 'active');
  const refundable = order.status === 'PAID' || order.status === 'PARTIALLY_REFUNDED';
  const pickedTotal = active.filter((i) => picked.has(i.id)).reduce((n, i) => n + i.priceCents, 0);

  const refund = useAction(async (all: boolean, reason: string | undefined) => {
    const r = await staffApi.refund(order.code, {
      ...(all ? {} : { itemIds: [...picked] }),
      ...(reason ? { reason } : {}),
    });
    setPicked(new Set());
    setConfirming(null);
    form.reset({ reason: '' });
    setDone(refundNote(r.refund, order.currency));
  }, orderChanged);
  // A refund the provider refused: ask it again (the order stays paid until one succeeds).
  const retry = useAction(async (refundId: string) => {
    const r = await staffApi.retryRefund(order.code, refundId);
    setDone(refundNote(r.refund, order.currency));
  }, orderChanged);
  const askRefund = (all: boolean) =>
    void form.handleSubmit(({ reason }) => setConfirming({ all, reason }))();
  const activeTotal = active.reduce((n, i) => n + i.priceCents, 0);
  const confirmAmount = formatMoney(confirming?.all ? activeTotal : pickedTotal, order.currency);
  const confirmCount = confirming?.all ? active.length : picked.size;
  const cancel = useAction(async () => {
    await staffApi.cancelOrder(order.code);
    setDone('Order cancelled; its seats are back on sale.');
  }, orderChanged);

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
                  <td>{categoryName(i.category)}</td>
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
            <Field label="Refund reason (optional)" error={reasonError}>
              <input aria-invalid={reasonError ? true : undefined} {...form.register('reason')} />
            </Field>
            <div className="bo-row">
              <button
                type="button"
                className="bo-btn"
                disabled={picked.size === 0 || refund.pending}
                onClick={() => askRefund(false)}
              >
                Refund selected ({formatMoney(pickedTotal, order.currency)})
              </button>
              <button
                type="button"
                className="bo-btn bo-btn-danger"
                disabled={refund.pending}
                onClick={() => askRefund(true)}
              >
                Refund whole order
              </button>
            </div>
            {refund.error !== null && <ErrorNote error={refund.error} />}
            <Dialog
              open={confirming !== null}
              title={
                confirming?.all
                  ? 'Refund the whole order?'
                  : `Refund ${confirmCount} ticket${confirmCount === 1 ? '' : 's'}?`
              }
              onClose={() => setConfirming(null)}
              testId="staff-refund-dialog"
            >
              <p>
                {confirmAmount} goes back to {order.email} and{' '}
                {confirmCount === 1 ? 'the ticket stops' : 'the tickets stop'} working; the seats go back on
                sale. This can't be undone.
              </p>
              {refund.error !== null && <ErrorNote error={refund.error} />}
              <div className="dialog-actions">
                <button type="button" className="bo-btn" onClick={() => setConfirming(null)}>
                  {confirming?.all ? 'Keep the order' : 'Keep the tickets'}
                </button>
                <button
                  type="button"
                  className="bo-btn bo-btn-danger"
                  disabled={refund.pending}
                  onClick={() => confirming && void refund.run(confirming.all, confirming.reason)}
                >
                  {refund.pending ? 'Refunding…' : `Refund ${confirmAmount}`}
                </button>
              </div>
            </Dialog>
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
                      {r.status === 'failed' && (
                        <>
                          {' '}
                          <span className="bo-small" data-testid="refund-failure">
                            refund failed: {r.failureCode ?? 'refused by the provider'}
                          </span>{' '}
                          <button
                            type="button"
                            className="bo-btn"
                            disabled={retry.pending}
                            onClick={() => void retry.run(r.id)}
                          >
                            {retry.pending ? 'Retrying…' : 'Retry'}
                          </button>
                        </>
                      )}
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
          {retry.error !== null && <ErrorNote error={retry.error} />}
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
