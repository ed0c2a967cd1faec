import { formatMoney } from '@seatrush/shared';
import { describeSeat } from '../seatmap/model.ts';
import type { SeatStore } from '../seatmap/store.ts';
import type { PriceInfo } from './seat-text.ts';

export function limitText(limit: number | null, held: number, room: number): string {
  if (limit === null) return `You can hold up to ${room + held} tickets in one go.`;
  const base = `You can have up to ${limit} ${limit === 1 ? 'ticket' : 'tickets'} for this show, counting tickets you hold or have bought.`;
  if (room <= 0) return `${base} You have reached that limit.`;
  return `${base}${held ? ` You hold ${held} already, so` : ''} ${room} more ${room === 1 ? 'is' : 'are'} possible.`;
}

export function SelectionPanel({
  store,
  priceInfo,
  limit,
  held,
  room,
  canHold,
  busy,
  onHold,
  onFocusSeat,
}: {
  store: SeatStore;
  priceInfo: PriceInfo;
  limit: number | null;
  held: number;
  /** How many more seats may be selected. */
  room: number;
  canHold: boolean;
  busy: boolean;
  onHold: () => void;
  onFocusSeat: (i: number) => void;
}) {
  const selected = store.selectedList();
  const m = store.model;
  const total = selected.reduce((n, i) => n + (priceInfo.prices.get(m.categories[m.cat[i]!]!.key) ?? 0), 0);
  return (
    <section className="panel" aria-labelledby="selection-heading">
      <h2 id="selection-heading" className="panel-title">
        Your selection
      </h2>
      <p className="hint" id="limit-hint">
        {limitText(limit, held, room)}
      </p>
      {selected.length === 0 ? (
        <p className="muted">Pick seats on the map or from the list.</p>
      ) : (
        <>
          <ul className="selection-list">
            {selected.map((i) => {
              const cat = m.categories[m.cat[i]!]!;
              return (
                <li key={i}>
                  <button type="button" className="link-button" onClick={() => onFocusSeat(i)}>
                    {describeSeat(m, i)}
                  </button>
                  <span className="muted">
                    {cat.name} · {formatMoney(priceInfo.prices.get(cat.key) ?? 0, priceInfo.currency)}
                  </span>
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Remove ${describeSeat(m, i)}`}
                    onClick={() => store.toggleSelected(i)}
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
          <p className="total">
            <span>Total</span> <strong>{formatMoney(total, priceInfo.currency)}</strong>
          </p>
        </>
      )}
      <div className="actions">
        <button
          type="button"
          className="btn btn-primary btn-block"
          disabled={selected.length === 0 || !canHold || busy}
          onClick={onHold}
          aria-describedby="limit-hint"
          data-testid="hold-seats"
        >
          {busy
            ? 'Holding…'
            : selected.length
              ? `Hold ${selected.length} ${selected.length === 1 ? 'seat' : 'seats'}`
              : 'Hold seats'}
        </button>
        {selected.length > 0 && (
          <button type="button" className="btn btn-ghost" onClick={() => store.clearSelection()}>
            Clear
          </button>
        )}
      </div>
    </section>
  );
}
