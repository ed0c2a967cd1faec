import { formatMoney, gaQuantitySchema } from '@seatrush/shared';
import { useForm, useWatch } from 'react-hook-form';
import { z } from 'zod';
import type { PublicShowtime, ZoneCounts } from '../api/index.ts';

/** GA zones: a quantity picker each, with live remaining counts. */
export function ZonePanel({
  showtime,
  zones,
  room,
  canHold,
  busy,
  onHold,
}: {
  showtime: PublicShowtime;
  zones: Record<string, ZoneCounts>;
  room: number;
  canHold: boolean;
  busy: boolean;
  onHold: (zone: string, quantity: number, name: string) => void;
}) {
  if (showtime.gaZones.length === 0) return null;
  const price = new Map(showtime.categories.map((c) => [c.key, c.priceCents]));
  return (
    <section className="panel" aria-labelledby="ga-heading">
      <h2 id="ga-heading" className="panel-title">
        Standing and general admission
      </h2>
      <ul className="zone-list">
        {showtime.gaZones.map((z) => (
          <ZoneRow
            key={z.key}
            zoneKey={z.key}
            name={z.name}
            priceCents={price.get(z.category)}
            currency={showtime.currency}
            available={zones[z.key]?.available}
            room={room}
            canHold={canHold}
            busy={busy}
            onHold={onHold}
          />
        ))}
      </ul>
    </section>
  );
}

/** What the quantity box may hold, by the hold API's own rule (whole tickets, 1 to the per-hold maximum). */
const quantityText = z
  .string()
  .trim()
  .regex(/^\d+$/, 'Give the number of tickets as a whole number.')
  .transform(Number)
  .pipe(gaQuantitySchema);

/** The first problem with a typed quantity, or true; `max` is what is left for this buyer here. */
export function checkQuantity(text: string, max: number): string | true {
  const r = quantityText.safeParse(text);
  if (!r.success) return r.error.issues[0]?.message ?? 'Give the number of tickets as a whole number.';
  if (r.data > max) return max === 0 ? 'No tickets left for you here.' : `You can hold at most ${max} here.`;
  return true;
}

function ZoneRow(props: {
  zoneKey: string;
  name: string;
  priceCents: number | undefined;
  currency: string;
  available: number | undefined;
  room: number;
  canHold: boolean;
  busy: boolean;
  onHold: (zone: string, quantity: number, name: string) => void;
}) {
  const { zoneKey, name, priceCents, currency, available, room, canHold, busy, onHold } = props;
  const max = Math.max(0, Math.min(available ?? 0, room));
  const form = useForm<{ quantity: string }>({ defaultValues: { quantity: '1' }, mode: 'onChange' });
  const typed = useWatch({ control: form.control, name: 'quantity' });
  const error = form.formState.errors.quantity?.message;
  const soldOut = available === 0;
  const inputId = `zone-qty-${zoneKey}`;
  const errorId = `${inputId}-error`;
  const parsed = quantityText.safeParse(typed);
  const q = parsed.success ? parsed.data : null;
  const step = (n: number) => form.setValue('quantity', String(n), { shouldValidate: true });
  const submit = form.handleSubmit(({ quantity }) => onHold(zoneKey, Number(quantity.trim()), name));
  return (
    <li className="zone-row" id={`zone-${zoneKey}`}>
      <div className="zone-head">
        <span className="zone-name">{name}</span>
        <span className="zone-price">
          {priceCents === undefined ? 'Not on sale' : formatMoney(priceCents, currency)}
        </span>
      </div>
      <p className="muted" aria-live="off">
        {available === undefined
          ? 'Checking availability…'
          : soldOut
            ? 'Sold out'
            : `${available.toLocaleString('en')} left`}
      </p>
      {!soldOut && (
        <form className="zone-controls" onSubmit={(e) => void submit(e)} noValidate>
          <div className="stepper" role="group" aria-label={`Quantity for ${name}`}>
            <button
              type="button"
              aria-label="One fewer"
              disabled={q === null || q <= 1}
              onClick={() => step((q ?? 2) - 1)}
            >
              −
            </button>
            <input
              id={inputId}
              type="number"
              inputMode="numeric"
              min={1}
              max={Math.max(1, max)}
              aria-label={`Tickets for ${name}`}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              {...form.register('quantity', { validate: (v) => checkQuantity(v, max) })}
            />
            <button
              type="button"
              aria-label="One more"
              disabled={q === null || q >= max}
              onClick={() => step((q ?? 0) + 1)}
            >
              +
            </button>
          </div>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={!canHold || busy || max === 0 || priceCents === undefined || q === null}
          >
            Hold {q ?? ''}
            <span className="sr-only">
              {' '}
              {q === 1 ? 'ticket' : 'tickets'} for {name}
            </span>
          </button>
          {error && (
            <p id={errorId} className="field-error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </li>
  );
}
