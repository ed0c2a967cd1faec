import { formatMoney } from '@seatrush/shared';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ShowtimeSalesDto, StaffStats, VenueDto } from '@seatrush/shared';
import { formatCount } from '../ui.tsx';

function Stat({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId: string }) {
  return (
    <div className="bo-stat" data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        <span className="bo-stat-value" data-testid={`${testId}-value`}>
          {value}
        </span>
        {sub && <span className="bo-stat-sub">{sub}</span>}
      </dd>
    </div>
  );
}

/** The headline figures: live from the staff room, money from the database. */
export function StatCards({
  stats,
  sales,
  currency,
}: {
  stats: StaffStats | null;
  sales: ShowtimeSalesDto | null;
  currency: string;
}) {
  const dash = '—';
  const n = (v: number | undefined) => (v === undefined ? dash : formatCount(v));
  const lastMinute = stats?.salesPerMinute[stats.salesPerMinute.length - 1]?.tickets;
  return (
    <dl className="bo-stats" aria-label="Live figures">
      <Stat label="Sold" value={n(stats?.totals.sold)} testId="stat-sold" />
      <Stat label="Held" value={n(stats?.totals.held)} testId="stat-held" />
      <Stat label="Available" value={n(stats?.totals.available)} testId="stat-available" />
      <Stat label="Blocked" value={n(stats?.totals.blocked)} testId="stat-blocked" />
      <Stat
        label="Revenue"
        value={sales ? formatMoney(sales.revenueCents, currency) : dash}
        sub={
          sales && sales.refundedCents > 0
            ? `${formatMoney(sales.refundedCents, currency)} refunded`
            : undefined
        }
        testId="stat-revenue"
      />
      <Stat label="Sales this minute" value={n(lastMinute)} testId="stat-spm" />
      <Stat label="Holds expiring < 1 min" value={n(stats?.holdsExpiringNextMinute)} testId="stat-expiring" />
      <Stat
        label="Connected buyers"
        value={n(stats?.connectedBuyers)}
        sub={stats ? `${stats.nodes} node${stats.nodes === 1 ? '' : 's'}` : undefined}
        testId="stat-buyers"
      />
      <Stat
        label="Checked in"
        value={n(stats?.checkIns?.checkedIn)}
        sub={stats?.checkIns ? `of ${formatCount(stats.checkIns.tickets)} tickets` : undefined}
        testId="stat-checked-in"
      />
    </dl>
  );
}

const minuteLabel = (iso: string) =>
  new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

/** Tickets sold per minute over the last 15 minutes (recharts), with the same numbers as a table for screen readers. */
export function SalesChart({ stats }: { stats: StaffStats | null }) {
  const data = (stats?.salesPerMinute ?? []).map((p) => ({
    minute: minuteLabel(p.minute),
    tickets: p.tickets,
  }));
  return (
    <figure className="bo-card bo-chart" aria-labelledby="bo-chart-title">
      <figcaption id="bo-chart-title" className="bo-card-title">
        Sales per minute
      </figcaption>
      {data.length === 0 ? (
        <p className="bo-muted">Waiting for the live feed…</p>
      ) : (
        <div className="bo-chart-box">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              data={data}
              margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
              title="Tickets sold per minute"
            >
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="minute" tick={{ fontSize: 11 }} interval="preserveStartEnd" />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
              <Tooltip />
              <Bar dataKey="tickets" name="Tickets" fill="#2563eb" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <table className="bo-sr-only">
        <caption>Tickets sold per minute</caption>
        <tbody>
          {data.map((d) => (
            <tr key={d.minute}>
              <th scope="row">{d.minute}</th>
              <td>{d.tickets}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Sold / held / available / blocked per price category, and per GA zone. */
export function BreakdownTables({
  stats,
  venue,
  prices,
  currency,
}: {
  stats: StaffStats | null;
  venue: VenueDto;
  prices: Record<string, number>;
  currency: string;
}) {
  return (
    <div className="bo-card">
      <table
        className="bo-table bo-table-compact"
        aria-label="By price category"
        data-testid="category-table"
      >
        <caption className="bo-card-title">By price category</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Price</th>
            <th scope="col" className="bo-num">
              Sold
            </th>
            <th scope="col" className="bo-num">
              Held
            </th>
            <th scope="col" className="bo-num">
              Available
            </th>
            <th scope="col" className="bo-num">
              Blocked
            </th>
          </tr>
        </thead>
        <tbody>
          {venue.categories.map((c) => {
            const k = stats?.categories[c.key];
            return (
              <tr key={c.key} data-category={c.key}>
                <th scope="row">
                  <span className="bo-swatch" style={{ background: c.color }} aria-hidden="true" /> {c.name}
                </th>
                <td>{prices[c.key] !== undefined ? formatMoney(prices[c.key]!, currency) : '—'}</td>
                <td className="bo-num">{k ? formatCount(k.sold) : '—'}</td>
                <td className="bo-num">{k ? formatCount(k.held) : '—'}</td>
                <td className="bo-num">{k ? formatCount(k.available) : '—'}</td>
                <td className="bo-num">{k ? formatCount(k.blocked) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {venue.gaZones.length > 0 && (
        <table className="bo-table bo-table-compact" aria-label="By GA zone" data-testid="zone-table">
          <caption className="bo-card-title">General admission zones</caption>
          <thead>
            <tr>
              <th scope="col">Zone</th>
              <th scope="col" className="bo-num">
                Capacity
              </th>
              <th scope="col" className="bo-num">
                Sold
              </th>
              <th scope="col" className="bo-num">
                Held
              </th>
              <th scope="col" className="bo-num">
                Available
              </th>
            </tr>
          </thead>
          <tbody>
            {venue.gaZones.map((z) => {
              const k = stats?.zones[z.key];
              return (
                <tr key={z.key} data-zone={z.key}>
                  <th scope="row">{z.name}</th>
                  <td className="bo-num">{formatCount(k?.capacity ?? z.capacity)}</td>
                  <td className="bo-num">{k ? formatCount(k.sold) : '—'}</td>
                  <td className="bo-num">{k ? formatCount(k.held) : '—'}</td>
                  <td className="bo-num">{k ? formatCount(k.available) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Worker and queue health: depth per state and how late the oldest waiting job is. */
export function QueueTable({ stats }: { stats: StaffStats | null }) {
  const queues = stats?.queues;
  return (
    <div className="bo-card">
      <h2 className="bo-card-title">Workers and queues</h2>
      {!queues ? (
        <p className="bo-muted">
          {stats ? 'Queue figures are not available on this node.' : 'Waiting for the live feed…'}
        </p>
      ) : (
        <table className="bo-table bo-table-compact" aria-label="Queues">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col" className="bo-num">
                Waiting
              </th>
              <th scope="col" className="bo-num">
                Active
              </th>
              <th scope="col" className="bo-num">
                Delayed
              </th>
              <th scope="col" className="bo-num">
                Failed
              </th>
              <th scope="col" className="bo-num">
                Lag
              </th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <tr key={q.name}>
                <th scope="row">{q.name}</th>
                <td className="bo-num">{formatCount(q.waiting)}</td>
                <td className="bo-num">{formatCount(q.active)}</td>
                <td className="bo-num">{formatCount(q.delayed)}</td>
                <td className={`bo-num${q.failed > 0 ? ' bo-bad' : ''}`}>{formatCount(q.failed)}</td>
                <td className={`bo-num${q.lagMs > 1000 ? ' bo-bad' : ''}`}>
                  {q.lagMs < 1000 ? `${Math.round(q.lagMs)} ms` : `${(q.lagMs / 1000).toFixed(1)} s`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
