import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { Badge, Field, Money, PageHeader, StaffQuery, When } from '../ui.tsx';

/** Order search by code, email (or part of it) or seat label; the query lives in the URL so Back works. */
export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const result = useQuery({
    queryKey: queryKeys.staff.orders(q),
    queryFn: ({ signal }) => staffApi.searchOrders(q, undefined, signal),
    enabled: q !== '',
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = text.trim();
    setParams(v ? { q: v } : {});
  };

  return (
    <section>
      <PageHeader title="Orders" />
      <form className="bo-toolbar" role="search" onSubmit={submit}>
        <Field label="Search orders" hint="Order code (K7Q2-9XPM), buyer email, or seat label (ORCH-A-12)">
          <input type="search" name="q" value={text} onChange={(e) => setText(e.target.value)} autoFocus />
        </Field>
        <button type="submit" className="bo-btn bo-btn-primary">
          Search
        </button>
      </form>
      {q && (
        <StaffQuery
          query={result}
          loadingLabel="Searching"
          isEmpty={(r) => r.orders.length === 0}
          empty={
            <p className="bo-muted" role="status">
              No orders match “{q}”.
            </p>
          }
        >
          {(data) => (
            <table className="bo-table" aria-label="Matching orders" data-testid="order-results">
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Status</th>
                  <th scope="col">Buyer</th>
                  <th scope="col">Tickets</th>
                  <th scope="col" className="bo-num">
                    Total
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {data.orders.map((o) => (
                  <tr key={o.code}>
                    <td>
                      <Link to={`/box-office/orders/${o.code}`}>{o.code}</Link>
                    </td>
                    <td>
                      <Badge value={o.status} />
                    </td>
                    <td>{o.email}</td>
                    <td className="bo-small">
                      {o.seats.join(', ')}
                      {o.gaUnits > 0 ? `${o.seats.length ? ' + ' : ''}${o.gaUnits} standing` : ''}
                    </td>
                    <td className="bo-num">
                      <Money cents={o.totalCents} currency={o.currency} />
                    </td>
                    <td className="bo-small">
                      <When iso={o.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </StaffQuery>
      )}
    </section>
  );
}
