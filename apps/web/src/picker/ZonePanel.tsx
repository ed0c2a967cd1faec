import { formatMoney } from '@seatrush/shared';
import { useState } from 'react';
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
  const [qty, setQty] = useState(1);
  const max = Math.max(0, Math.min(available ?? 0, room));
  const soldOut = available === 0;
  const inputId = `zone-qty-${zoneKey}`;
  const q = Math.min(Math.max(1, qty), Math.max(1, max));
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
        <div className="zone-controls">
          <div className="stepper" role="group" aria-label={`Quantity for ${name}`}>
            <button type="button" aria-label="One fewer" disabled={q <= 1} onClick={() => setQty(q - 1)}>
              −
            </button>
            <input
              id={inputId}
              type="number"
              inputMode="numeric"
              min={1}
              max={Math.max(1, max)}
              value={q}
              aria-label={`Tickets for ${name}`}
              onChange={(e) => setQty(Number(e.target.value) || 1)}
            />
            <button type="button" aria-label="One more" disabled={q >= max} onClick={() => setQty(q + 1)}>
              +
            </button>
          </div>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!canHold || busy || max === 0 || priceCents === undefined}
            onClick={() => onHold(zoneKey, q, name)}
          >
            Hold {q}
            <span className="sr-only">
              {' '}
              {q === 1 ? 'ticket' : 'tickets'} for {name}
            </span>
          </button>
        </div>
      )}
    </li>
  );
}
