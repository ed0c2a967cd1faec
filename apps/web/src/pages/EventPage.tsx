import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { getEvent, type PublicEvent } from '../api/index.ts';
import { Countdown } from '../components/Countdown.tsx';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../api/query.ts';
import { BuyerQuery } from '../components/QueryState.tsx';
import { saleLabel } from '../lib/sale.ts';
import { formatDay } from '../lib/time.ts';
import { useTitle } from '../lib/title.ts';
// The remaining-count poll only: importing realtime/index.ts would pull socket.io into the entry chunk.
import { watchRemaining, type Remaining } from '../realtime/remaining.ts';

type Showtime = PublicEvent['showtimes'][number];

export function EventPage() {
  const { slug = '' } = useParams();
  // The next click is most likely "Choose seats": fetch the picker's code while the buyer reads.
  useEffect(() => {
    const id = setTimeout(() => void import('../pages/ShowtimePage.tsx'), 300);
    return () => clearTimeout(id);
  }, []);
  const query = useQuery({
    queryKey: queryKeys.event(slug),
    queryFn: ({ signal }) => getEvent(slug, signal),
  });
  useTitle(query.data?.name ?? 'Event');
  return (
    <BuyerQuery query={query} label="Loading the event" errorTitle="We could not load this event">
      {(event) => <EventDetails event={event} />}
    </BuyerQuery>
  );
}

function EventDetails({ event }: { event: PublicEvent }) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Events</Link> <span aria-hidden="true">›</span>{' '}
        <span aria-current="page">{event.name}</span>
      </nav>
      <h1>{event.name}</h1>
      {event.description && <p className="lead">{event.description}</p>}
      <h2>Select a time</h2>
      {event.showtimes.length === 0 ? (
        <p className="muted">No dates announced yet.</p>
      ) : (
        <ul className="showtime-list" aria-label="Showtimes">
          {event.showtimes.map((s) => (
            <ShowtimeRow key={s.id} showtime={s} />
          ))}
        </ul>
      )}
    </>
  );
}

function ShowtimeRow({ showtime }: { showtime: Showtime }) {
  const [remaining, setRemaining] = useState<Remaining | null>(null);
  const live = showtime.saleState === 'on_sale' || showtime.saleState === 'paused';
  useEffect(() => (live ? watchRemaining(showtime.id, setRemaining) : undefined), [showtime.id, live]);
  const d = formatDay(showtime.startsAt);
  const state = remaining?.state ?? showtime.saleState;
  const soldOut = state === 'on_sale' && remaining?.available === 0;
  return (
    <li className="showtime-row">
      <div className="date-badge" aria-hidden="true">
        <span className="date-badge-month">{d.month}</span>
        <span className="date-badge-day">{d.day}</span>
        <span className="date-badge-weekday">{d.weekday}</span>
      </div>
      <div className="showtime-info">
        <p className="showtime-when">
          <time dateTime={showtime.startsAt}>
            {d.weekday} {d.day} {d.month}, {d.time}
          </time>
        </p>
        <p className="muted">{showtime.venue.name}</p>
        <p className="showtime-status">
          {state === 'scheduled' ? (
            <>
              Sale opens in <Countdown until={showtime.saleOpensAt} label="Sale opens" />
            </>
          ) : soldOut ? (
            <span className="badge badge-soldout">Sold out</span>
          ) : (
            <>
              <span className={`badge badge-${state}`}>{saleLabel(state)}</span>
              {remaining && state !== 'closed' && (
                <span className="remaining" aria-live="off">
                  {' '}
                  {remaining.available.toLocaleString('en')} tickets left
                </span>
              )}
            </>
          )}
        </p>
      </div>
      <Link className="btn btn-primary" to={`/showtimes/${encodeURIComponent(showtime.id)}`}>
        {state === 'on_sale' && !soldOut ? 'Choose seats' : 'View'}
        <span className="sr-only">
          {' '}
          for {d.weekday} {d.day} {d.month} {d.time}
        </span>
      </Link>
    </li>
  );
}
