import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { queryKeys } from '../../api/query.ts';
import { useNow } from '../../lib/hooks.ts';
import { formatCountdown } from '../../lib/time.ts';
import { staffApi } from '../api.ts';
import { ErrorNote, When, useAction } from '../ui.tsx';

const HOLDS_REFRESH_MS = 3000;

interface HoldRow {
  holdId: string;
  seats: string[];
  email: string | null;
  orderCode: string | null;
  expiresAt: string | null;
}

/** Who holds what right now: live holds grouped by hold, soonest expiry first (refreshed every few seconds). */
/**
 * Polled rather than refreshed per map change: during a hold storm the map changes many times a second.
 */
export function LiveHolds({ showtimeId }: { showtimeId: string }) {
  const query = useQuery({
    queryKey: queryKeys.staff.holds(showtimeId),
    queryFn: ({ signal }) => staffApi.seatOwners(showtimeId, { state: 'held', limit: 500 }, signal),
    refetchInterval: HOLDS_REFRESH_MS,
  });
  const owners = query.data?.seats ?? null;
  // A failed poll keeps the last list and says so; the next poll clears it.
  const error: unknown = query.isError ? query.error : null;
  const now = useNow(1000);

  const rows = useMemo<HoldRow[]>(() => {
    const byHold = new Map<string, HoldRow>();
    for (const o of owners ?? []) {
      const id = o.holdId ?? o.seat;
      const row = byHold.get(id) ?? {
        holdId: id,
        seats: [],
        email: o.email,
        orderCode: o.orderCode,
        expiresAt: o.expiresAt,
      };
      row.seats.push(o.seat);
      byHold.set(id, row);
    }
    return [...byHold.values()].sort((a, b) => (a.expiresAt ?? '').localeCompare(b.expiresAt ?? ''));
  }, [owners]);

  return (
    <section className="bo-card" aria-labelledby="bo-holds-title">
      <h2 id="bo-holds-title" className="bo-card-title">
        Live holds <span className="bo-muted">({rows.length})</span>
      </h2>
      {error !== null && <ErrorNote error={error} />}
      {owners && rows.length === 0 && <p className="bo-muted">No seats are held right now.</p>}
      {rows.length > 0 && (
        <div className="bo-scroll">
          <table className="bo-table bo-table-compact" aria-label="Live holds">
            <thead>
              <tr>
                <th scope="col">Seats</th>
                <th scope="col">Buyer</th>
                <th scope="col">Order</th>
                <th scope="col">Expires in</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const left = r.expiresAt ? Date.parse(r.expiresAt) - now : NaN;
                return (
                  <tr key={r.holdId}>
                    <td>{r.seats.join(', ')}</td>
                    <td>{r.email ?? <span className="bo-muted">—</span>}</td>
                    <td>
                      {r.orderCode ? (
                        <Link to={`/box-office/orders/${r.orderCode}`}>{r.orderCode}</Link>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className={left < 60_000 ? 'bo-warn' : ''}>
                      {Number.isNaN(left) ? '—' : formatCountdown(left)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Seats taken off sale, with their reasons; each can be released from here. */
export function BlockList({ showtimeId }: { showtimeId: string }) {
  const query = useQuery({
    queryKey: queryKeys.staff.blocks(showtimeId),
    queryFn: ({ signal }) => staffApi.blocks(showtimeId, signal),
  });
  const blocks = query.data?.blocks ?? null;
  const error: unknown = query.isError ? query.error : null;
  const release = useAction((seat: string) => staffApi.unblockSeats(showtimeId, { seats: [seat] }), {
    invalidate: [queryKeys.staff.live(showtimeId)],
  });

  return (
    <section className="bo-card" aria-labelledby="bo-blocks-title">
      <h2 id="bo-blocks-title" className="bo-card-title">
        Blocked seats <span className="bo-muted">({blocks?.length ?? 0})</span>
      </h2>
      {error !== null && <ErrorNote error={error} />}
      {release.error !== null && <ErrorNote error={release.error} />}
      {blocks && blocks.length === 0 && <p className="bo-muted">No seats are blocked.</p>}
      {blocks && blocks.length > 0 && (
        <div className="bo-scroll">
          <table className="bo-table bo-table-compact" aria-label="Blocked seats" data-testid="block-list">
            <thead>
              <tr>
                <th scope="col">Seat</th>
                <th scope="col">Reason</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span className="bo-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {blocks.map((b) => (
                <tr key={b.seatLabel}>
                  <td>
                    <code>{b.seatLabel}</code>
                  </td>
                  <td>{b.reason}</td>
                  <td className="bo-small">
                    <When iso={b.createdAt} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="bo-btn bo-btn-small"
                      disabled={release.pending}
                      onClick={() => void release.run(b.seatLabel)}
                      aria-label={`Unblock ${b.seatLabel}`}
                    >
                      Unblock
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
