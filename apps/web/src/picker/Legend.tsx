import { formatMoney } from '@seatrush/shared';
import type { PublicShowtime } from '../api/index.ts';

/** Small SVGs drawn like the canvas seats, so the legend explains shapes, not just colours. */
export function StateIcon({
  kind,
  color = '#1d4ed8',
}: {
  kind: 'free' | 'selected' | 'mine' | 'held' | 'sold' | 'blocked';
  color?: string;
}) {
  return (
    <svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" className="state-icon">
      {kind === 'free' && <circle cx="10" cy="10" r="7" fill={color} />}
      {kind === 'selected' && (
        <circle cx="10" cy="10" r="6" fill={color} stroke="#111827" strokeWidth="2.6" />
      )}
      {kind === 'mine' && (
        <>
          <circle cx="10" cy="10" r="7.5" fill="#111827" />
          <path
            d="M6.5 10 L9 12.8 L13.5 7.5"
            fill="none"
            stroke="#fff"
            strokeWidth="1.9"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </>
      )}
      {kind === 'held' && <circle cx="10" cy="10" r="5.4" fill="none" stroke="#6b7280" strokeWidth="2.2" />}
      {kind === 'sold' && (
        <path d="M6.5 6.5 L13.5 13.5 M13.5 6.5 L6.5 13.5" stroke="#6b7280" strokeWidth="1.8" />
      )}
      {kind === 'blocked' && <rect x="5.5" y="5.5" width="9" height="9" fill="#374151" />}
    </svg>
  );
}

export function Legend({
  showtime,
  available,
  hasSeats,
}: {
  showtime: PublicShowtime;
  /** Free tickets per category key (seats + GA), when known. */
  available: Record<string, number> | null;
  hasSeats: boolean;
}) {
  return (
    <div className="legend">
      <h3 className="legend-title">Prices</h3>
      <ul className="legend-list" aria-label="Price categories">
        {showtime.categories.map((c) => (
          <li key={c.key}>
            <StateIcon kind="free" color={c.color} />
            <span className="legend-name">{c.name}</span>
            <span className="legend-price">{formatMoney(c.priceCents, showtime.currency)}</span>
            {available && available[c.key] !== undefined && (
              <span className="legend-count muted">{available[c.key]!.toLocaleString('en')} left</span>
            )}
          </li>
        ))}
      </ul>
      {hasSeats && (
        <>
          <h3 className="legend-title">Seats</h3>
          <ul className="legend-list legend-states" aria-label="Seat states">
            <li>
              <StateIcon kind="free" color="#64748b" /> Available (filled dot, price colour)
            </li>
            <li>
              <StateIcon kind="selected" color="#64748b" /> Selected by you (thick outline)
            </li>
            <li>
              <StateIcon kind="mine" /> Held for you (check mark)
            </li>
            <li>
              <StateIcon kind="held" /> Held by someone else (ring)
            </li>
            <li>
              <StateIcon kind="sold" /> Sold (cross)
            </li>
            <li>
              <StateIcon kind="blocked" /> Not for sale (square)
            </li>
            <li>
              <span className="legend-glyph" aria-hidden="true">
                ♿
              </span>{' '}
              Wheelchair space
            </li>
            <li>
              <span className="legend-glyph" aria-hidden="true">
                C
              </span>{' '}
              Companion seat
            </li>
          </ul>
        </>
      )}
    </div>
  );
}
