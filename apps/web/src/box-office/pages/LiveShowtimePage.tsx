import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { SaleAction, SaleStateName, ShowtimeSalesDto } from '@seatrush/shared';
import { useLoad } from '../../lib/hooks.ts';
import { staffApi } from '../api.ts';
import { useStaffSession } from '../session.tsx';
import { Badge, ErrorNote, PageHeader, Spinner, When, useAction } from '../ui.tsx';
import { useStaffStats } from '../live/useStaffStats.ts';
import { useSeatFeed, useStoreRevision } from '../live/useSeatFeed.ts';
import { BreakdownTables, QueueTable, SalesChart, StatCards } from '../live/StatsPanels.tsx';
import { SeatDesk, ZoneCounterSale } from '../live/SeatDesk.tsx';
import { BlockList, LiveHolds } from '../live/HoldsAndBlocks.tsx';

const SALES_REFRESH_MS = 5000;

const ACTIONS: Record<SaleStateName, Array<{ action: SaleAction; label: string; confirm?: string }>> = {
  scheduled: [{ action: 'open', label: 'Open sale' }],
  on_sale: [
    { action: 'pause', label: 'Pause sale' },
    { action: 'close', label: 'Close sale', confirm: 'Closing ends the sale for good. Close it?' },
  ],
  paused: [
    { action: 'resume', label: 'Resume sale' },
    { action: 'close', label: 'Close sale', confirm: 'Closing ends the sale for good. Close it?' },
  ],
  closed: [],
};

function SaleControls({
  state,
  showtimeId,
  onDone,
}: {
  state: SaleStateName;
  showtimeId: string;
  onDone: () => void;
}) {
  const [confirming, setConfirming] = useState<SaleAction | null>(null);
  const act = useAction(async (action: SaleAction) => {
    await staffApi.sale(showtimeId, action);
    setConfirming(null);
    onDone();
  });
  const actions = ACTIONS[state];
  const pending = actions.find((a) => a.action === confirming);
  return (
    <div className="bo-sale-controls" role="group" aria-label="Sale control">
      {pending ? (
        <>
          <span role="alert">{pending.confirm}</span>
          <button
            type="button"
            className="bo-btn bo-btn-danger"
            disabled={act.pending}
            onClick={() => void act.run(pending.action)}
          >
            Yes, {pending.label.toLowerCase()}
          </button>
          <button type="button" className="bo-btn bo-btn-quiet" onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </>
      ) : (
        actions.map((a) => (
          <button
            key={a.action}
            type="button"
            className={`bo-btn${a.action === 'open' || a.action === 'resume' ? ' bo-btn-primary' : ''}`}
            disabled={act.pending}
            onClick={() => (a.confirm ? setConfirming(a.action) : void act.run(a.action))}
          >
            {a.label}
          </button>
        ))
      )}
      {act.error !== null && <ErrorNote error={act.error} />}
    </div>
  );
}

function ConnectionBadge({ status }: { status: 'connecting' | 'live' | 'reconnecting' }) {
  const text = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span className={`bo-live bo-live-${status}`} role="status" data-testid="live-status">
      <span aria-hidden="true">●</span> {text}
    </span>
  );
}

/** Polls what the database records (revenue, refunds, orders) — figures the staff room doesn't carry. */
function useSales(showtimeId: string, refreshKey: number): ShowtimeSalesDto | null {
  const [sales, setSales] = useState<ShowtimeSalesDto | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), SALES_REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    const ac = new AbortController();
    staffApi.sales(showtimeId, ac.signal).then(setSales, () => undefined);
    return () => ac.abort();
  }, [showtimeId, refreshKey, tick]);
  return sales;
}

/**
 * Live operations of one showtime: the figures of the staff room, the sales chart, the seat map in staff mode
 * with block / unblock / counter sale, live holds, blocked seats, and sale control (admins).
 */
export function LiveShowtimePage() {
  const { id = '' } = useParams();
  const { isAdmin } = useStaffSession();
  const [reload, setReload] = useState(0);
  const [changes, setChanges] = useState(0);
  const [data, retry] = useLoad(`live:${id}:${reload}`, async (signal) => {
    const showtime = await staffApi.showtime(id, signal);
    const [venue, event] = await Promise.all([
      staffApi.venue(showtime.venueId, signal),
      staffApi.event(showtime.eventId, signal),
    ]);
    return { showtime, venue, event };
  });
  const feed = useStaffStats(id, reload);
  const sales = useSales(id, changes);
  const onChanged = useCallback(() => setChanges((n) => n + 1), []);

  // A reload after a sale action keeps showing the page (and its live map) until the new data is in.
  const last = useRef<typeof data | null>(null);
  if (data.status === 'ok') last.current = data;
  const shown =
    data.status === 'ok'
      ? data
      : last.current?.status === 'ok' && last.current.data.showtime.id === id
        ? last.current
        : null;
  if (data.status === 'error') return <ErrorNote error={data.error} retry={retry} />;
  if (!shown || shown.status !== 'ok') return <Spinner label="Loading the showtime" />;
  const { showtime, venue, event } = shown.data;
  const state = feed.stats?.state ?? showtime.saleState;

  return (
    <section className="bo-live-page">
      <PageHeader
        title={event?.name ?? 'Showtime'}
        kicker={
          <>
            <Link to="/box-office">Showtimes</Link> › {venue.name} · <When iso={showtime.startsAt} />
          </>
        }
      >
        <Badge value={state} />
        <ConnectionBadge status={feed.status} />
        {isAdmin && <SaleControls state={state} showtimeId={id} onDone={() => setReload((n) => n + 1)} />}
        {isAdmin && (
          <Link className="bo-btn bo-btn-quiet" to={`/box-office/catalog/showtimes/${id}/edit`}>
            Edit settings
          </Link>
        )}
      </PageHeader>
      {feed.error && !feed.stats && (
        <p className="bo-muted" role="status">
          Live figures appear once the sale's inventory is loaded ({feed.error.message})
        </p>
      )}
      <StatCards stats={feed.stats} sales={sales} currency={showtime.currency} />
      <div className="bo-grid-2">
        <SalesChart stats={feed.stats} />
        <BreakdownTables
          stats={feed.stats}
          venue={venue}
          prices={showtime.prices}
          currency={showtime.currency}
        />
      </div>
      <SeatSection showtimeId={id} showtime={showtime} venue={venue} onChanged={onChanged} />
      <ZoneCounterSale showtime={showtime} venue={venue} onChanged={onChanged} />
      <div className="bo-grid-2">
        <LiveHolds showtimeId={id} />
        <BlockList showtimeId={id} refreshKey={changes} onChanged={onChanged} />
      </div>
      <QueueTable stats={feed.stats} />
    </section>
  );
}

function SeatSection({
  showtimeId,
  showtime,
  venue,
  onChanged,
}: {
  showtimeId: string;
  showtime: Parameters<typeof SeatDesk>[0]['showtime'];
  venue: Parameters<typeof SeatDesk>[0]['venue'];
  onChanged: () => void;
}) {
  const feed = useSeatFeed(showtimeId, venue.id, venue.layoutVersion);
  useStoreRevision(feed.status === 'ready' ? feed.store : null);
  if (venue.stats.seats === 0) return null;
  return (
    <section className="bo-card" aria-labelledby="bo-seats-title">
      <h2 id="bo-seats-title" className="bo-card-title">
        Seats
        {feed.status === 'ready' && (
          <span className="bo-muted bo-small" data-testid="map-status">
            {' '}
            · {feed.connection === 'live' ? 'live' : feed.connection}
            {feed.store.version !== null ? ` · version ${feed.store.version}` : ''}
          </span>
        )}
      </h2>
      {feed.status === 'loading' && <Spinner label="Loading the seat map" />}
      {feed.status === 'error' && <ErrorNote error={feed.error} />}
      {feed.status === 'ready' && feed.refusal && feed.store.version === null && (
        <p className="bo-muted">The seat states appear once the sale is open ({feed.refusal.message}).</p>
      )}
      {feed.status === 'ready' && (
        <SeatDesk showtime={showtime} venue={venue} store={feed.store} onChanged={onChanged} />
      )}
    </section>
  );
}

export default LiveShowtimePage;
