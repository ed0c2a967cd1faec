import { zodResolver } from '@hookform/resolvers/zod';
import {
  counterPaymentMethodSchema,
  counterSaleBodySchema,
  formatMoney,
  gaQuantitySchema,
} from '@seatrush/shared';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { z } from 'zod';
import { Link } from 'react-router';
import type { CounterSaleResult, SeatOwnerDto, ShowtimeDto, VenueDto } from '@seatrush/shared';
import { newIdempotencyKey } from '../../api/inventory.ts';
import { formatCountdown } from '../../lib/time.ts';
import { useNow } from '../../lib/hooks.ts';
import { SeatMapView } from '../../seatmap/SeatMapView.tsx';
import { accessibilityNote, describeSeat } from '../../seatmap/model.ts';
import { BLOCKED, FREE, HELD, SOLD, stateName } from '../../seatmap/states.ts';
import type { SeatStore } from '../../seatmap/store.ts';
import { StateIcon } from '../../picker/Legend.tsx';
import { staffApi } from '../api.ts';
import { Badge, ErrorNote, Field, SuccessNote, When, useAction } from '../ui.tsx';
import { labelIndex, pickByLabel, type LabelPick } from './pick-by-label.ts';
import { useStoreRevision } from './useSeatFeed.ts';

const STATE_WORDS: Record<string, string> = {
  free: 'available',
  held: 'held by a buyer',
  sold: 'sold',
  blocked: 'blocked',
  unknown: 'loading',
};

function seatStateWord(store: SeatStore, i: number): string {
  return STATE_WORDS[stateName(store.states[i] ?? 9)] ?? 'unknown';
}

/** What a label pick could not do, one sentence per kind of problem. */
function pickProblemLines(pick: LabelPick): string[] {
  const lines: string[] = [];
  if (pick.unknown.length) lines.push(`Not in this venue: ${pick.unknown.join(', ')}`);
  if (pick.skipped.length)
    lines.push(
      `Not selected: ${pick.skipped.map((s) => `${s.label} (${STATE_WORDS[s.state] ?? s.state})`).join(', ')}`,
    );
  return lines;
}

/** What the clicked seat's owner is: hold, order and buyer, or the block reason. */
function Inspector({ showtimeId, store, seat }: { showtimeId: string; store: SeatStore; seat: number }) {
  const label = store.model.labels[seat]!;
  const state = store.states[seat];
  const [owner, setOwner] = useState<{ label: string; data: SeatOwnerDto | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const now = useNow(1000);

  useEffect(() => {
    if (state === FREE) return;
    const ac = new AbortController();
    staffApi.seatOwners(showtimeId, { seats: [label] }, ac.signal).then(
      (r) => setOwner({ label, data: r.seats.find((s) => s.seat === label) ?? null }),
      (e: unknown) => {
        if (!ac.signal.aborted) setError(e);
      },
    );
    return () => ac.abort();
  }, [showtimeId, label, state]);

  const o = owner?.label === label ? owner.data : null;
  return (
    <div className="bo-inspector" data-testid="seat-inspector" aria-live="polite">
      <p>
        <strong>{describeSeat(store.model, seat)}</strong> <code>{label}</code> — {seatStateWord(store, seat)}
      </p>
      {error !== null && <ErrorNote error={error} />}
      {o && (
        <dl className="bo-dl">
          {o.orderCode && (
            <>
              <dt>Order</dt>
              <dd>
                <Link to={`/box-office/orders/${o.orderCode}`}>{o.orderCode}</Link>
              </dd>
            </>
          )}
          {o.email && (
            <>
              <dt>Buyer</dt>
              <dd>{o.email}</dd>
            </>
          )}
          {o.holdId && (
            <>
              <dt>Hold</dt>
              <dd>
                <code className="bo-small">{o.holdId}</code>
              </dd>
            </>
          )}
          {o.expiresAt && (
            <>
              <dt>Hold expires</dt>
              <dd>
                <When iso={o.expiresAt} /> ({formatCountdown(Date.parse(o.expiresAt) - now)})
              </dd>
            </>
          )}
          {o.reason && (
            <>
              <dt>Reason</dt>
              <dd>{o.reason}</dd>
            </>
          )}
        </dl>
      )}
    </div>
  );
}

function Legend() {
  return (
    <ul className="bo-legend" aria-label="Seat states">
      <li>
        <StateIcon kind="free" color="#64748b" /> Available
      </li>
      <li>
        <StateIcon kind="selected" color="#64748b" /> Selected
      </li>
      <li>
        <StateIcon kind="held" /> Held
      </li>
      <li>
        <StateIcon kind="sold" /> Sold
      </li>
      <li>
        <StateIcon kind="blocked" /> Blocked
      </li>
    </ul>
  );
}

/** An empty box means "no e-mail" (a walk-in buyer); anything typed must pass the counter-sale body's rule. */
const buyerEmailField = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  counterSaleBodySchema.shape.buyerEmail,
);

const seatSaleForm = z.object({ method: counterPaymentMethodSchema, buyerEmail: buyerEmailField });

/** The counter-sale body's own rules, for what staff type: whole tickets, a valid e-mail or none. */
const zoneSaleForm = z.object({
  zone: z.string().min(1, 'Choose a zone.'),
  quantity: z
    .string()
    .trim()
    .regex(/^\d+$/, 'Give the number of tickets as a whole number.')
    .transform(Number)
    .pipe(gaQuantitySchema),
  method: counterPaymentMethodSchema,
  buyerEmail: buyerEmailField,
});

/**
 * The seat map in staff mode: every state as buyers see it, live; clicking an available or blocked seat selects
 * it for blocking, unblocking or a counter sale; clicking a held or sold seat shows who has it.
 */
export function SeatDesk({
  showtime,
  venue,
  store,
  onChanged,
}: {
  showtime: ShowtimeDto;
  venue: VenueDto;
  store: SeatStore;
  /** After a block, unblock or sale: refresh the lists that don't stream. */
  onChanged: () => void;
}) {
  useStoreRevision(store);
  const model = store.model;
  const [inspect, setInspect] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const saleForm = useForm<z.input<typeof seatSaleForm>, unknown, z.output<typeof seatSaleForm>>({
    resolver: zodResolver(seatSaleForm),
    defaultValues: { method: 'cash', buyerEmail: '' },
  });
  const saleErrors = saleForm.formState.errors;
  const [done, setDone] = useState<string | null>(null);
  const [sale, setSale] = useState<CounterSaleResult | null>(null);
  const [saleKey, setSaleKey] = useState(newIdempotencyKey);
  const [pickLabel, setPickLabel] = useState('');
  const [pickProblems, setPickProblems] = useState<string[]>([]);
  const byLabel = useMemo(() => labelIndex(model.labels), [model]);

  const selected = store.selectedList();
  const selFree = selected.filter((i) => store.states[i] === FREE);
  const selBlocked = selected.filter((i) => store.states[i] === BLOCKED);
  const labels = (list: number[]) => list.map((i) => model.labels[i]!);
  const priceOf = (i: number) => showtime.prices[model.categories[model.cat[i]!]!.key] ?? 0;
  const total = selFree.reduce((n, i) => n + priceOf(i), 0);
  const canSell = showtime.saleState === 'on_sale';

  const toggle = (i: number) => {
    setDone(null);
    setPickProblems([]);
    const s = store.states[i];
    if (store.selected[i]) store.setSelected([i], false);
    else if (s === FREE || s === BLOCKED) store.setSelected([i], true);
    setInspect(s === HELD || s === SOLD || s === BLOCKED ? i : null);
  };

  const selectByLabel = (e: FormEvent) => {
    e.preventDefault();
    const pick = pickByLabel(pickLabel, model.labels, store.states, byLabel);
    store.setSelected(pick.selectable, true);
    setDone(null);
    setPickProblems(pickProblemLines(pick));
    setPickLabel('');
  };

  const block = useAction(async () => {
    const r = await staffApi.blockSeats(showtime.id, { seats: labels(selFree), reason: reason.trim() });
    store.clearSelection();
    setDone(
      `Blocked ${r.changed.length} seat${r.changed.length === 1 ? '' : 's'}` +
        (r.skipped.length ? ` (not blocked, no longer free: ${r.skipped.join(', ')})` : '.'),
    );
    setReason('');
    onChanged();
  });
  const unblock = useAction(async () => {
    const r = await staffApi.unblockSeats(showtime.id, { seats: labels(selBlocked) });
    store.clearSelection();
    setDone(`Released ${r.changed.length} seat${r.changed.length === 1 ? '' : 's'} back on sale.`);
    onChanged();
  });
  const sell = useAction(async ({ method, buyerEmail }: z.output<typeof seatSaleForm>) => {
    const r = await staffApi.counterSale(showtime.id, {
      seats: labels(selFree),
      method,
      requestId: saleKey,
      ...(buyerEmail ? { buyerEmail } : {}),
    });
    store.clearSelection();
    setSale(r);
    setSaleKey(newIdempotencyKey());
    saleForm.reset({ method, buyerEmail: '' });
    onChanged();
  });

  const describe = useMemo(
    () => (i: number) => {
      const acc = accessibilityNote(model, i);
      return `${describeSeat(model, i)}, ${model.labels[i]}, ${seatStateWord(store, i)}${store.selected[i] ? ', selected' : ''}${acc ? `, ${acc}` : ''}`;
    },
    [model, store],
  );

  return (
    <div className="bo-desk">
      <div className="bo-desk-map">
        <SeatMapView
          store={store}
          onSeat={toggle}
          tooltip={(i) => (
            <>
              <strong>{model.labels[i]}</strong>
              <br />
              {model.categories[model.cat[i]!]?.name} · {seatStateWord(store, i)}
              {(store.states[i] === HELD || store.states[i] === SOLD) && (
                <>
                  <br />
                  <span className="bo-small">Click to see who has it</span>
                </>
              )}
            </>
          )}
          describe={describe}
          label={`Seat map of ${venue.name} (staff view)`}
        />
        <Legend />
      </div>
      <aside className="bo-desk-panel" aria-label="Selected seats">
        <form className="bo-inline-form" onSubmit={selectByLabel}>
          <Field label="Select seats by label" hint={`e.g. ${model.labels.slice(0, 2).join(', ')}`}>
            <input value={pickLabel} onChange={(e) => setPickLabel(e.target.value)} />
          </Field>
          <button type="submit" className="bo-btn">
            Select
          </button>
        </form>
        <h3>
          Selection <span className="bo-muted">({selected.length})</span>
        </h3>
        {selected.length === 0 ? (
          <p className="bo-muted">
            Click available seats to block or sell them, blocked seats to release them.
          </p>
        ) : (
          <>
            <ul className="bo-chips" data-testid="selection">
              {selected.map((i) => (
                <li key={i}>
                  <button
                    type="button"
                    className="bo-chip"
                    onClick={() => store.setSelected([i], false)}
                    aria-label={`Remove ${model.labels[i]} from the selection`}
                  >
                    {model.labels[i]}
                    {store.states[i] === BLOCKED ? ' (blocked)' : ''} ×
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" className="bo-btn bo-btn-quiet" onClick={() => store.clearSelection()}>
              Clear selection
            </button>
          </>
        )}
        {pickProblems.length > 0 && (
          <div className="bo-note bo-note-error" role="alert" data-testid="pick-problems">
            {pickProblems.map((line) => (
              <p key={line}>{line}</p>
            ))}
          </div>
        )}
        {done && <SuccessNote>{done}</SuccessNote>}

        {selFree.length > 0 && (
          <form
            className="bo-card bo-subcard"
            aria-label="Block seats"
            onSubmit={(e) => {
              e.preventDefault();
              void block.run();
            }}
          >
            <h4>Block {selFree.length === 1 ? '1 seat' : `${selFree.length} seats`}</h4>
            <Field label="Reason" hint="Press, production hold, sight line…">
              <input required maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
            </Field>
            {block.error !== null && <ErrorNote error={block.error} />}
            <button type="submit" className="bo-btn" disabled={block.pending || !reason.trim()}>
              Block seats
            </button>
          </form>
        )}

        {selBlocked.length > 0 && (
          <div className="bo-card bo-subcard">
            <h4>
              Release {selBlocked.length === 1 ? '1 blocked seat' : `${selBlocked.length} blocked seats`}
            </h4>
            {unblock.error !== null && <ErrorNote error={unblock.error} />}
            <button
              type="button"
              className="bo-btn"
              disabled={unblock.pending}
              onClick={() => void unblock.run()}
            >
              Unblock seats
            </button>
          </div>
        )}

        {selFree.length > 0 && (
          <form
            className="bo-card bo-subcard"
            aria-label="Counter sale"
            onSubmit={(e) => void saleForm.handleSubmit((body) => sell.run(body))(e)}
            noValidate
          >
            <h4>
              Counter sale: {selFree.length} seat{selFree.length === 1 ? '' : 's'},{' '}
              {formatMoney(total, showtime.currency)}
            </h4>
            {!canSell && (
              <p className="bo-muted">The sale is {showtime.saleState.replace('_', ' ')}: open it to sell.</p>
            )}
            <fieldset className="bo-radios">
              <legend>Payment</legend>
              <label>
                <input type="radio" value="cash" {...saleForm.register('method')} /> Cash
              </label>
              <label>
                <input type="radio" value="card_present" {...saleForm.register('method')} /> Card (present)
              </label>
            </fieldset>
            <Field label="Buyer email (optional)" error={saleErrors.buyerEmail?.message}>
              <input
                type="email"
                aria-invalid={saleErrors.buyerEmail ? true : undefined}
                {...saleForm.register('buyerEmail')}
              />
            </Field>
            {sell.error !== null && <ErrorNote error={sell.error} />}
            <button type="submit" className="bo-btn bo-btn-primary" disabled={sell.pending || !canSell}>
              Sell and take payment
            </button>
          </form>
        )}
        {sale && <SaleDone sale={sale} onClose={() => setSale(null)} />}
        {inspect !== null && <Inspector showtimeId={showtime.id} store={store} seat={inspect} />}
      </aside>
    </div>
  );
}

/** The order a counter sale made. */
export function SaleDone({ sale, onClose }: { sale: CounterSaleResult; onClose: () => void }) {
  const o = sale.order;
  return (
    <div className="bo-note bo-note-success" role="status" data-testid="counter-sale-done">
      <p className="bo-note-title">
        Sold: order <Link to={`/box-office/orders/${o.code}`}>{o.code}</Link> <Badge value={o.status} />
      </p>
      <p>
        {o.items.length} ticket{o.items.length === 1 ? '' : 's'}, {formatMoney(o.totalCents, o.currency)} ·{' '}
        {o.items.map((i) => i.seatLabel ?? i.zoneKey).join(', ')}
      </p>
      <button type="button" className="bo-btn bo-btn-quiet" onClick={onClose}>
        Dismiss
      </button>
    </div>
  );
}

/** Counter sale of general-admission places. */
export function ZoneCounterSale({
  showtime,
  venue,
  onChanged,
}: {
  showtime: ShowtimeDto;
  venue: VenueDto;
  onChanged: () => void;
}) {
  const form = useForm<z.input<typeof zoneSaleForm>, unknown, z.output<typeof zoneSaleForm>>({
    resolver: zodResolver(zoneSaleForm),
    defaultValues: { zone: venue.gaZones[0]?.key ?? '', quantity: '1', method: 'cash', buyerEmail: '' },
  });
  const { errors } = form.formState;
  const [zone, typedQuantity] = useWatch({ control: form.control, name: ['zone', 'quantity'] });
  const quantity = /^\d+$/.test(typedQuantity.trim()) ? Number(typedQuantity) : null;
  const [sale, setSale] = useState<CounterSaleResult | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const g = venue.gaZones.find((x) => x.key === zone);
  const price = g ? (showtime.prices[g.category] ?? 0) : 0;
  const sell = useAction(async (body: z.output<typeof zoneSaleForm>) => {
    const r = await staffApi.counterSale(showtime.id, {
      zone: body.zone,
      quantity: body.quantity,
      method: body.method,
      requestId: key,
      ...(body.buyerEmail ? { buyerEmail: body.buyerEmail } : {}),
    });
    setSale(r);
    setKey(newIdempotencyKey());
    onChanged();
  });
  if (venue.gaZones.length === 0) return null;
  return (
    <form
      className="bo-card"
      aria-label="Counter sale of standing places"
      onSubmit={(e) => void form.handleSubmit((body) => sell.run(body))(e)}
      noValidate
    >
      <h2 className="bo-card-title">Counter sale: general admission</h2>
      <div className="bo-row">
        <Field label="Zone" error={errors.zone?.message}>
          <select {...form.register('zone')}>
            {venue.gaZones.map((x) => (
              <option key={x.key} value={x.key}>
                {x.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Quantity" error={errors.quantity?.message}>
          <input
            type="number"
            min={1}
            max={50}
            aria-invalid={errors.quantity ? true : undefined}
            {...form.register('quantity')}
          />
        </Field>
        <Field label="Payment" error={errors.method?.message}>
          <select {...form.register('method')}>
            <option value="cash">Cash</option>
            <option value="card_present">Card (present)</option>
          </select>
        </Field>
        <Field label="Buyer email (optional)" error={errors.buyerEmail?.message}>
          <input
            type="email"
            aria-invalid={errors.buyerEmail ? true : undefined}
            {...form.register('buyerEmail')}
          />
        </Field>
      </div>
      {sell.error !== null && <ErrorNote error={sell.error} />}
      <button
        type="submit"
        className="bo-btn bo-btn-primary"
        disabled={sell.pending || showtime.saleState !== 'on_sale'}
      >
        {quantity === null
          ? 'Sell'
          : `Sell ${quantity} for ${formatMoney(price * quantity, showtime.currency)}`}
      </button>
      {sale && <SaleDone sale={sale} onClose={() => setSale(null)} />}
    </form>
  );
}
