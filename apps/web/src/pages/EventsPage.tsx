import { Link } from 'react-router';
import { listEvents, type PublicEvent } from '../api/index.ts';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../api/query.ts';
import { BuyerQuery } from '../components/QueryState.tsx';
import { useNow } from '../lib/hooks.ts';
import { useTitle } from '../lib/title.ts';
import { formatDateTime } from '../lib/time.ts';
import { saleLabel } from '../lib/sale.ts';

export function EventsPage() {
  useTitle('Events');
  const events = useQuery({ queryKey: queryKeys.events, queryFn: ({ signal }) => listEvents(signal) });
  return (
    <>
      <h1>What's on</h1>
      <BuyerQuery
        query={events}
        label="Loading events"
        errorTitle="We could not load the events"
        isEmpty={(list) => list.length === 0}
        empty={<p className="muted">Nothing is on sale yet. Check back soon.</p>}
      >
        {(list) => (
          <ul className="card-grid" aria-label="Events">
            {list.map((e) => (
              <EventCard key={e.id} event={e} />
            ))}
          </ul>
        )}
      </BuyerQuery>
    </>
  );
}

function EventCard({ event }: { event: PublicEvent }) {
  const now = useNow(60_000);
  const upcoming = event.showtimes.filter((s) => Date.parse(s.startsAt) > now);
  const next = upcoming[0] ?? event.showtimes[0];
  const venues = [...new Set(event.showtimes.map((s) => s.venue.name))];
  return (
    <li className="card event-card">
      <h2 className="card-title">
        <Link to={`/events/${encodeURIComponent(event.slug)}`} className="stretched-link">
          {event.name}
        </Link>
      </h2>
      {event.description && <p className="card-text clamp-3">{event.description}</p>}
      <dl className="meta">
        {next && (
          <div>
            <dt>Next</dt>
            <dd>{formatDateTime(next.startsAt)}</dd>
          </div>
        )}
        {venues.length > 0 && (
          <div>
            <dt>Where</dt>
            <dd>{venues.join(', ')}</dd>
          </div>
        )}
        <div>
          <dt>Times</dt>
          <dd>
            {event.showtimes.length} {event.showtimes.length === 1 ? 'showtime' : 'showtimes'}
            {next ? ` · ${saleLabel(next.saleState)}` : ''}
          </dd>
        </div>
      </dl>
    </li>
  );
}
