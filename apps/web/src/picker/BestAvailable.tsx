import { useId, useState } from 'react';
import type { PublicShowtime } from '../api/index.ts';

/**
 * "Best available: N seats in category X". Shown only when the shared hold schema accepts
 * `{ best: { category, quantity } }` (see api/features.ts); today it does not.
 */
export function BestAvailable({
  showtime,
  room,
  canHold,
  busy,
  onHold,
}: {
  showtime: PublicShowtime;
  room: number;
  canHold: boolean;
  busy: boolean;
  onHold: (category: string, quantity: number) => void;
}) {
  const [category, setCategory] = useState(showtime.categories[0]?.key ?? '');
  const [qty, setQty] = useState(2);
  const catId = useId();
  const qtyId = useId();
  return (
    <section className="panel" aria-labelledby="best-heading">
      <h2 id="best-heading" className="panel-title">
        Best available
      </h2>
      <p className="hint">We pick the best seats together in your price range.</p>
      <div className="best-row">
        <div className="field">
          <label htmlFor={qtyId} className="field-label">
            Seats
          </label>
          <select id={qtyId} value={qty} onChange={(e) => setQty(Number(e.target.value))}>
            {Array.from({ length: Math.max(1, Math.min(room, 10)) }, (_, k) => k + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={catId} className="field-label">
            Category
          </label>
          <select id={catId} value={category} onChange={(e) => setCategory(e.target.value)}>
            {showtime.categories.map((c) => (
              <option key={c.key} value={c.key}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <button
        type="button"
        className="btn btn-secondary btn-block"
        disabled={!canHold || busy || room <= 0}
        onClick={() => onHold(category, qty)}
      >
        Find {qty} best {qty === 1 ? 'seat' : 'seats'}
      </button>
    </section>
  );
}
