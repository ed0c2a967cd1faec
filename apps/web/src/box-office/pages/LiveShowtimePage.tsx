import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { SaleAction, SaleStateName, ShowtimeSalesDto } from '@seatrush/shared';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { useStaffSession } from '../session.tsx';
import { Badge, ErrorNote, PageHeader, Spinner, StaffQuery, When, useAction } from '../ui.tsx';
import { useStaffStats } from '../live/useStaffStats.ts';
import { useSeatFeed, useStoreRevision } from '../live/useSeatFeed.ts';
import { BreakdownTables, QueueTable, SalesChart, StatCards } from '../live/StatsPanels.tsx';
import { SeatDesk, ZoneCounterSale } from '../live/SeatDesk.tsx';
import { BlockList, LiveHolds } from '../live/HoldsAndBlocks.tsx';
import { WaitingRoomPanel } from '../live/WaitingRoomPanel.tsx';

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
  const act = useAction(
    async (action: SaleAction) => {
      await staffApi.sale(showtimeId, action);
      setConfirming(null);
      onDone();
    },
    { invalidate: [queryKeys.staff.live(showtimeId), queryKeys.staff.home, queryKeys.staff.schedule] },
  );
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

function ConnectionBadge({
  status,
  scheduled,
}: {
  status: 'connecting' | 'live' | 'reconnecting';
  /** Before the sale opens there is no live inventory to connect to: nothing is wrong. */
  scheduled: boolean;
}) {
  const text = scheduled
    ? 'Not on sale yet'
    : status === 'live'
      ? 'Live'
      : status === 'connecting'
        ? 'Connecting…'
        : 'Reconnecting…';
  return (
    <span
      className={`bo-live bo-live-${scheduled ? 'scheduled' : status}`}
      role="status"
      data-testid="live-status"
    >
      <span aria-hidden="true">●</span> {text}
    </span>
  );
}

/** Polls what the database records (revenue, refunds, orders) — figures the staff room doesn't carry. */
function useSales(showtimeId: string): ShowtimeSalesDto | null {
  const query = useQuery({
    queryKey: queryKeys.staff.sales(showtimeId),
    queryFn: ({ signal }) => staffApi.sales(showtimeId, signal),
    refetchInterval: SALES_REFRESH_MS,
  });
  return query.data ?? null;
}

/**
 * Live operations of one showtime: the figures of the staff room, the sales chart, the seat map in staff mode
 * with block / unblock / counter sale, live holds, blocked seats, and sale control (admins).
 */
export function LiveShowtimePage() {
  const { id = '' } = useParams();
  const { isAdmin } = useStaffSession();
  // Rejoins the staff room after a sale action, so the new state shows without waiting for the next push.
  const [rejoin, setRejoin] = useState(0);
  const query = useQuery({
    queryKey: queryKeys.staff.livePage(id),
    queryFn: async ({ signal }) => {
      const showtime = await staffApi.showtime(id, signal);
      const [venue, event] = await Promise.all([
        staffApi.venue(showtime.venueId, signal),
        staffApi.event(showtime.eventId, signal),
      ]);
      return { showtime, venue, event };
    },
  });
  const feed = useStaffStats(id, rejoin);
  const sales = useSales(id);
  const queryClient = useQueryClient();
  // A sale, block or refund changes the figures, holds and blocks (not the showtime itself).
  const onChanged = useCallback(() => {
    for (const queryKey of [queryKeys.staff.sales(id), queryKeys.staff.holds(id), queryKeys.staff.blocks(id)])
      void queryClient.invalidateQueries({ queryKey });
  }, [queryClient, id]);

  // After a sale action the page (and its live map) stays on screen while the showtime reloads.
  return (
    <StaffQuery query={query} loadingLabel="Loading the showtime">
      {(data) => (
        <LiveView
          id={id}
          data={data}
          feed={feed}
          sales={sales}
          isAdmin={isAdmin}
          onChanged={onChanged}
          onSaleChanged={() => setRejoin((n) => n + 1)}
        />
      )}
    </StaffQuery>
  );
}

interface LivePageData {
  showtime: Awaited<ReturnType<typeof staffApi.showtime>>;
  venue: Awaited<ReturnType<typeof staffApi.venue>>;
  event: Awaited<ReturnType<typeof staffApi.event>>;
}

function LiveView({
  id,
  data,
  feed,
  sales,
  isAdmin,
  onChanged,
  onSaleChanged,
}: {
  id: string;
  data: LivePageData;
  feed: ReturnType<typeof useStaffStats>;
  sales: ShowtimeSalesDto | null;
  isAdmin: boolean;
  onChanged: () => void;
  onSaleChanged: () => void;
}) {
  const { showtime, venue, event } = data;
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
        <ConnectionBadge status={feed.status} scheduled={state === 'scheduled' && !feed.stats} />
        {isAdmin && <SaleControls state={state} showtimeId={id} onDone={onSaleChanged} />}
        {isAdmin && (
          <Link className="bo-btn bo-btn-quiet" to={`/box-office/catalog/showtimes/${id}/edit`}>
            Edit settings
          </Link>
        )}
      </PageHeader>
      {state === 'scheduled' && !feed.stats ? (
        <div className="bo-note bo-note-warn" role="status" data-testid="not-on-sale-yet">
          <p className="bo-note-title">Not on sale yet</p>
          <p>
            The sale opens <When iso={showtime.saleOpensAt} />. Live figures and seat states start when it
            opens.
          </p>
        </div>
      ) : (
        feed.error &&
        !feed.stats && (
          <p className="bo-muted" role="status">
            Live figures appear once the sale's inventory is loaded ({feed.error.message})
          </p>
        )
      )}
      <StatCards stats={feed.stats} sales={sales} currency={showtime.currency} />
      <WaitingRoomPanel showtimeId={id} />
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
        <BlockList showtimeId={id} />
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
      {feed.status === 'ready' &&
        feed.refusal &&
        feed.store.version === null &&
        showtime.saleState !== 'scheduled' && (
          <p className="bo-muted">The seat states appear once the sale is open ({feed.refusal.message}).</p>
        )}
      {feed.status === 'ready' && (
        <SeatDesk showtime={showtime} venue={venue} store={feed.store} onChanged={onChanged} />
      )}
    </section>
  );
}

export default LiveShowtimePage;
