import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { getSeatMap, getShowtime, type PublicShowtime } from '../api/index.ts';
import { queryKeys } from '../api/query.ts';
import { BuyerQuery, combineQueries } from '../components/QueryState.tsx';
import { formatDateTime } from '../lib/time.ts';
import { useTitle } from '../lib/title.ts';
import { Picker } from '../picker/Picker.tsx';

/** A showtime's page: its heading and the seat picker (apps/web/src/picker), once both documents are here. */
export function ShowtimePage() {
  const { id = '' } = useParams();
  const showtime = useQuery({
    queryKey: queryKeys.showtime(id),
    queryFn: ({ signal }) => getShowtime(id, signal),
  });
  const url = showtime.data?.seatMapUrl;
  // The document is immutable per layout version (its URL says which): fetched once, never compared.
  const doc = useQuery({
    queryKey: ['seat-map', url],
    queryFn: ({ signal }) => getSeatMap(url!, signal),
    enabled: url !== undefined,
    staleTime: Infinity,
    structuralSharing: false,
  });
  const both = combineQueries(showtime, doc);
  useTitle(showtime.data ? `${showtime.data.event.name} — choose seats` : 'Choose seats');
  return (
    <BuyerQuery query={both} label="Loading the seat map" errorTitle="We could not load this showtime">
      {([st, d]) => (
        <>
          <ShowtimeHeader showtime={st} />
          <Picker key={id} showtime={st} doc={d} />
        </>
      )}
    </BuyerQuery>
  );
}

function ShowtimeHeader({ showtime }: { showtime: PublicShowtime }) {
  const startsAt = formatDateTime(showtime.startsAt);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Events</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/events/${encodeURIComponent(showtime.event.slug)}`}>{showtime.event.name}</Link>{' '}
        <span aria-hidden="true">›</span> <span aria-current="page">{startsAt}</span>
      </nav>
      <header className="showtime-header">
        <h1>{showtime.event.name}</h1>
        <p className="lead">
          <time dateTime={showtime.startsAt}>{startsAt}</time> · {showtime.venue.name}
        </p>
      </header>
    </>
  );
}
