import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { SaleStateName } from '@seatrush/shared';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { useStaffSession } from '../session.tsx';
import { Badge, Field, PageHeader, StaffQuery, When } from '../ui.tsx';
import { ListTable } from '../ListTable.tsx';

const STATES: Array<SaleStateName | 'all'> = ['all', 'on_sale', 'paused', 'scheduled', 'closed'];

/** The box office's front page: every showtime with its sale state, and the way into its live operations. */
export function HomePage() {
  const { isAdmin } = useStaffSession();
  const [filter, setFilter] = useState<SaleStateName | 'all'>('all');
  const [text, setText] = useState('');
  const query = useQuery({
    queryKey: queryKeys.staff.home,
    queryFn: async ({ signal }) => {
      const [showtimes, events, venues] = await Promise.all([
        staffApi.showtimes({}, signal),
        staffApi.events(signal),
        staffApi.venues(signal),
      ]);
      return { showtimes: showtimes.showtimes, events: events.events, venues: venues.venues };
    },
  });
  const { data } = query;

  const rows = useMemo(() => {
    if (!data) return [];
    const events = new Map(data.events.map((e) => [e.id, e]));
    const venues = new Map(data.venues.map((v) => [v.id, v]));
    const needle = text.trim().toLowerCase();
    return data.showtimes
      .map((s) => ({ s, event: events.get(s.eventId), venue: venues.get(s.venueId) }))
      .filter((r) => filter === 'all' || r.s.saleState === filter)
      .filter(
        (r) =>
          !needle ||
          r.event?.name.toLowerCase().includes(needle) ||
          r.venue?.name.toLowerCase().includes(needle) ||
          r.s.id.toLowerCase().includes(needle),
      )
      .sort((a, b) => a.s.startsAt.localeCompare(b.s.startsAt));
  }, [data, filter, text]);

  return (
    <section>
      <PageHeader title="Showtimes">
        {isAdmin && (
          <Link className="bo-btn bo-btn-primary" to="/box-office/catalog/showtimes/new">
            New showtime
          </Link>
        )}
      </PageHeader>
      <div className="bo-toolbar">
        <Field label="Sale state">
          <select value={filter} onChange={(e) => setFilter(e.target.value as SaleStateName | 'all')}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s === 'all' ? 'All' : s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Find">
          <input
            type="search"
            placeholder="Event or venue"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
      </div>
      <StaffQuery
        query={query}
        isEmpty={() => rows.length === 0}
        empty={<p className="bo-muted">No showtimes match.</p>}
      >
        {() => (
          <ListTable label="Showtimes" columns={['Event', 'Venue', 'Starts', 'Sale window', 'State']} actions>
            {rows.map(({ s, event, venue }) => (
              <tr key={s.id} data-showtime-id={s.id}>
                <td>{event?.name ?? s.eventId}</td>
                <td>{venue?.name ?? s.venueId}</td>
                <td>
                  <When iso={s.startsAt} />
                </td>
                <td className="bo-small">
                  <When iso={s.saleOpensAt} /> – <When iso={s.saleClosesAt} />
                </td>
                <td>
                  <Badge value={s.saleState} />
                </td>
                <td className="bo-actions">
                  <Link
                    to={`/box-office/showtimes/${s.id}`}
                    aria-label={`Live operations: ${event?.name ?? s.id}`}
                  >
                    Live operations
                  </Link>
                  {isAdmin && (
                    <Link
                      to={`/box-office/catalog/showtimes/${s.id}/edit`}
                      aria-label={`Edit ${event?.name ?? s.id}`}
                    >
                      Edit
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </StaffQuery>
    </section>
  );
}
