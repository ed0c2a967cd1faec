import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { staffOrderSearchQuerySchema } from '@seatrush/shared';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { Badge, Field, Money, PageHeader, StaffQuery, When } from '../ui.tsx';

/** The search box, checked in the browser by the API's own rule for `q` (same limit, same message). */
const searchFormSchema = z.object({ q: staffOrderSearchQuerySchema.shape.q });
type SearchForm = z.input<typeof searchFormSchema>;

/**
 * The most recent orders, or those matching a search by code, email (or part of it) or seat label; the query
 * lives in the URL so Back works, and an empty search goes back to the recent orders.
 */
export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const form = useForm<SearchForm, unknown, z.output<typeof searchFormSchema>>({
    resolver: zodResolver(searchFormSchema),
    values: { q },
  });
  const error = form.formState.errors.q?.message;
  const result = useQuery({
    queryKey: queryKeys.staff.orders(q),
    queryFn: ({ signal }) => staffApi.searchOrders(q, undefined, signal),
  });

  const submit = form.handleSubmit((v) => setParams(v.q ? { q: v.q } : {}));

  return (
    <section>
      <PageHeader title="Orders" />
      <form className="bo-toolbar" role="search" onSubmit={(e) => void submit(e)} noValidate>
        <Field
          label="Search orders"
          hint="Order code (K7Q2-9XPM), buyer email, or seat label (STALLS-A-12)"
          error={error}
        >
          <input type="search" aria-invalid={error ? true : undefined} {...form.register('q')} autoFocus />
        </Field>
        <button type="submit" className="bo-btn bo-btn-primary">
          Search
        </button>
      </form>
      {q === '' && <h2 className="bo-card-title">Recent orders</h2>}
      <StaffQuery
        query={result}
        loadingLabel="Searching"
        isEmpty={(r) => r.orders.length === 0}
        empty={
          <p className="bo-muted" role="status">
            {q ? `No orders match “${q}”.` : 'No orders yet.'}
          </p>
        }
      >
        {(data) => (
          <table
            className="bo-table"
            aria-label={q ? 'Matching orders' : 'Recent orders'}
            data-testid="order-results"
          >
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
    </section>
  );
}
