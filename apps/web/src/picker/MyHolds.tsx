import { formatMoney, seatName } from '@seatrush/shared';
import { Link } from 'react-router';
import type { MyHold, StoredHold } from '../api/index.ts';
import { Countdown } from '../components/Countdown.tsx';

/** Names a section by its key (undefined: unknown, the key is shown). */
export type SectionName = (key: string) => string | undefined;

/** "Stalls, row A, seat 5; 2 × Standing": seats as the map names them, GA quantities with the zone's name. */
export function holdItemsText(
  h: StoredHold,
  zoneName: (key: string) => string = (k) => k,
  sectionName?: SectionName,
): string {
  return h.items
    .map((it) =>
      it.kind === 'seat' ? seatName(it.seat, sectionName) : `${it.quantity} × ${zoneName(it.zone)}`,
    )
    .join('; ');
}

/** My live reservations with their payment countdown: pay (checkout) or cancel. */
export function MyHolds({
  holds,
  elsewhere,
  busy,
  onCancel,
  zoneName,
  sectionName,
}: {
  holds: StoredHold[];
  /** Holds the server says are mine but this tab has no token for (made in another tab). */
  elsewhere: MyHold[];
  busy: boolean;
  onCancel: (h: StoredHold) => void;
  zoneName: (key: string) => string;
  sectionName?: SectionName;
}) {
  if (holds.length === 0 && elsewhere.length === 0) return null;
  return (
    <section className="panel panel-highlight" aria-labelledby="holds-heading" data-testid="my-holds">
      <h2 id="holds-heading" className="panel-title">
        Reserved for you
      </h2>
      <ul className="hold-list">
        {holds.map((h) => (
          <li key={h.holdId} className="hold-card">
            <div className="hold-timer">
              <span className="hold-timer-label">Time left to pay</span>
              <Countdown until={h.expiresAt} label="Time left to pay" warnAt={[120_000, 60_000]} />
            </div>
            <p className="hold-items">{holdItemsText(h, zoneName, sectionName)}</p>
            <p className="total">
              <span>Total</span> <strong>{formatMoney(h.totalCents, h.currency)}</strong>
            </p>
            <div className="actions">
              <Link className="btn btn-primary" to={`/checkout/${encodeURIComponent(h.holdId)}`}>
                Checkout
              </Link>
              <button type="button" className="btn btn-ghost" disabled={busy} onClick={() => onCancel(h)}>
                Cancel reservation
              </button>
            </div>
          </li>
        ))}
        {elsewhere.map((h) => (
          <li key={h.holdId} className="hold-card hold-card-elsewhere">
            <div className="hold-timer">
              <span className="hold-timer-label">Held in another tab</span>
              <Countdown until={h.expiresAt} label="Time left to pay" />
            </div>
            <p className="hold-items">
              {h.seats.length
                ? h.seats.map((s) => seatName(s, sectionName)).join('; ')
                : `${h.quantity} × ${zoneName(h.zone ?? '')}`}
            </p>
            <p className="muted">Finish or cancel it in the tab where you made it.</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
