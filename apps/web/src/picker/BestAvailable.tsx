import { useId, useState } from 'react';

/**
 * "Best available: N seats in category X": the server picks N adjacent seats in one row of the category (front
 * rows first, then the middle of the row, without stranding single seats) and holds them; the answer names them.
 * Shown when the shared hold schema accepts `{ best: { category, quantity } }` (see api/features.ts) and the map
 * has numbered seats. Wheelchair spaces and companion seats are never picked: those are chosen on the map.
 */
export function BestAvailable({
  categories,
  available,
  room,
  canHold,
  busy,
  onHold,
}: {
  /** Categories with numbered seats on this map and a price for this showtime. */
  categories: Array<{ key: string; name: string }>;
  /** Live free places per category (null until live availability has arrived). */
  available: Record<string, number> | null;
  /** Tickets the buyer may still hold. */
  room: number;
  canHold: boolean;
  busy: boolean;
  onHold: (category: string, quantity: number) => void;
}) {
  const [picked, setCategory] = useState(categories[0]?.key ?? '');
  const [qty, setQty] = useState(2);
  const catId = useId();
  const qtyId = useId();
  const category = categories.some((c) => c.key === picked) ? picked : (categories[0]?.key ?? '');
  const max = Math.max(1, Math.min(room, 10));
  const quantity = Math.min(qty, max);
  return (
    <section className="panel" aria-labelledby="best-heading" data-testid="best-available">
      <h2 id="best-heading" className="panel-title">
        Best available
      </h2>
      <p className="hint">We pick the best seats together in your price range.</p>
      <div className="best-row">
        <div className="field">
          <label htmlFor={qtyId} className="field-label">
            Seats
          </label>
          <select id={qtyId} value={quantity} onChange={(e) => setQty(Number(e.target.value))}>
            {Array.from({ length: max }, (_, k) => k + 1).map((n) => (
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
            {categories.map((c) => (
              <option key={c.key} value={c.key}>
                {available?.[c.key] !== undefined
                  ? `${c.name} (${available[c.key]!.toLocaleString('en')} left)`
                  : c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <button
        type="button"
        className="btn btn-secondary btn-block"
        disabled={!canHold || busy || room <= 0 || !category}
        onClick={() => onHold(category, quantity)}
      >
        Find {quantity} best {quantity === 1 ? 'seat' : 'seats'}
      </button>
    </section>
  );
}
