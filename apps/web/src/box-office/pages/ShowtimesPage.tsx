import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { Badge, PageHeader, StaffQuery, When } from '../ui.tsx';
import { ListTable } from '../ListTable.tsx';

/** The schedule: every showtime with its settings, grouped by event. */
export function ShowtimesPage() {
  const query = useQuery({
    queryKey: queryKeys.staff.schedule,
    queryFn: async ({ signal }) => {
      const [s, e, v] = await Promise.all([
        staffApi.showtimes({}, signal),
        staffApi.events(signal),
        staffApi.venues(signal),
      ]);
      return { showtimes: s.showtimes, events: e.events, venues: new Map(v.venues.map((x) => [x.id, x])) };
    },
  });
  return (
    <section>
      <PageHeader title="Schedule">
        <Link className="bo-btn bo-btn-primary" to="/box-office/catalog/showtimes/new">
          New showtime
        </Link>
      </PageHeader>
      <StaffQuery query={query}>
        {(data) =>
          data.events.map((ev) => {
            const list = data.showtimes.filter((s) => s.eventId === ev.id);
            return (
              <div className="bo-card" key={ev.id}>
                <h2 className="bo-card-title">{ev.name}</h2>
                {list.length === 0 ? (
                  <p className="bo-muted">
                    No showtimes.{' '}
                    <Link to={`/box-office/catalog/showtimes/new?eventId=${ev.id}`}>Add one</Link>
                  </p>
                ) : (
                  <ListTable
                    label={`Showtimes of ${ev.name}`}
                    columns={['Starts', 'Venue', 'Sale opens', 'Hold', 'Limit', 'State']}
                    actions
                    compact
                  >
                    {list.map((s) => (
                      <tr key={s.id}>
                        <td>
                          <When iso={s.startsAt} />
                        </td>
                        <td>{data.venues.get(s.venueId)?.name ?? s.venueId}</td>
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
                  </ListTable>
                )}
              </div>
            );
          })
        }
      </StaffQuery>
    </section>
  );
}

export default ShowtimesPage;
