import { Link } from 'react-router';
import { useLoad } from '../../lib/hooks.ts';
import { staffApi } from '../api.ts';
import { Badge, ErrorNote, PageHeader, Spinner, When } from '../ui.tsx';

/** The schedule: every showtime with its settings, grouped by event. */
export function ShowtimesPage() {
  const [data, retry] = useLoad('schedule', async (signal) => {
    const [s, e, v] = await Promise.all([
      staffApi.showtimes({}, signal),
      staffApi.events(signal),
      staffApi.venues(signal),
    ]);
    return { showtimes: s.showtimes, events: e.events, venues: new Map(v.venues.map((x) => [x.id, x])) };
  });
  return (
    <section>
      <PageHeader title="Schedule">
        <Link className="bo-btn bo-btn-primary" to="/box-office/catalog/showtimes/new">
          New showtime
        </Link>
      </PageHeader>
      {data.status === 'loading' && <Spinner />}
      {data.status === 'error' && <ErrorNote error={data.error} retry={retry} />}
      {data.status === 'ok' &&
        data.data.events.map((ev) => {
          const list = data.data.showtimes.filter((s) => s.eventId === ev.id);
          return (
            <div className="bo-card" key={ev.id}>
              <h2 className="bo-card-title">{ev.name}</h2>
              {list.length === 0 ? (
                <p className="bo-muted">
                  No showtimes. <Link to={`/box-office/catalog/showtimes/new?eventId=${ev.id}`}>Add one</Link>
                </p>
              ) : (
                <table className="bo-table bo-table-compact" aria-label={`Showtimes of ${ev.name}`}>
                  <thead>
                    <tr>
                      <th scope="col">Starts</th>
                      <th scope="col">Venue</th>
                      <th scope="col">Sale opens</th>
                      <th scope="col">Hold</th>
                      <th scope="col">Limit</th>
                      <th scope="col">State</th>
                      <th scope="col">
                        <span className="bo-sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((s) => (
                      <tr key={s.id}>
                        <td>
                          <When iso={s.startsAt} />
                        </td>
                        <td>{data.data.venues.get(s.venueId)?.name ?? s.venueId}</td>
                        <td className="bo-small">
                          <When iso={s.saleOpensAt} />
                        </td>
                        <td>{s.holdTtlSeconds} s</td>
                        <td>{s.perBuyerLimit ?? 'none'}</td>
                        <td>
                          <Badge value={s.saleState} />
                        </td>
                        <td className="bo-actions">
                          <Link to={`/box-office/catalog/showtimes/${s.id}/edit`}>Edit</Link>
                          <Link to={`/box-office/showtimes/${s.id}`}>Live</Link>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          );
        })}
    </section>
  );
}

export default ShowtimesPage;
