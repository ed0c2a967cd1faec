import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { AuditEntryDto } from '@seatrush/shared';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { ErrorNote, Field, PageHeader, StaffQuery, When } from '../ui.tsx';
import { ListTable } from '../ListTable.tsx';

const COMMON_ACTIONS = [
  'seat.',
  'seat.blocked',
  'seat.unblocked',
  'order.',
  'order.paid',
  'order.refunded',
  'order.partially_refunded',
  'order.counter_sold',
  'showtime.',
  'venue.',
  'event.',
  'staff.',
  'token.',
];

/** Reads the audit log: filter by showtime, staff member and action (or an action prefix such as `seat.`). */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filter = {
    showtimeId: params.get('showtimeId') ?? '',
    actor: params.get('actor') ?? '',
    action: params.get('action') ?? '',
  };
  const [form, setForm] = useState(filter);
  const refs = useQuery({
    queryKey: queryKeys.staff.auditRefs,
    queryFn: async ({ signal }) => {
      const [users, showtimes, events] = await Promise.all([
        staffApi.users(signal),
        staffApi.showtimes({}, signal),
        staffApi.events(signal),
      ]);
      return {
        users: users.users,
        showtimes: showtimes.showtimes,
        events: new Map(events.events.map((e) => [e.id, e])),
      };
    },
  });
  const audit = useInfiniteQuery({
    queryKey: queryKeys.staff.audit(JSON.stringify(filter)),
    queryFn: ({ signal, pageParam }) =>
      staffApi.audit({ ...clean(filter), ...(pageParam ? { cursor: pageParam } : {}), limit: 50 }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

  const who = (actor: string) => {
    if (!refs.data) return actor;
    const [kind, id] = actor.split(':');
    if (kind === 'staff') return refs.data.users.find((u) => u.id === id)?.email ?? actor;
    return actor;
  };
  const showtimeName = (id: string | null) => {
    if (!id || !refs.data) return id ?? '—';
    const s = refs.data.showtimes.find((x) => x.id === id);
    return s
      ? `${refs.data.events.get(s.eventId)?.name ?? ''} ${new Date(s.startsAt).toLocaleDateString('en')}`
      : id;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(clean(form));
  };

  return (
    <section>
      <PageHeader title="Audit log" />
      <form className="bo-toolbar" onSubmit={submit} aria-label="Filter the audit log">
        <Field label="Showtime">
          <select value={form.showtimeId} onChange={(e) => setForm({ ...form, showtimeId: e.target.value })}>
            <option value="">All showtimes</option>
            {refs.data?.showtimes.map((s) => (
              <option key={s.id} value={s.id}>
                {showtimeName(s.id)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Staff member">
          <select value={form.actor} onChange={(e) => setForm({ ...form, actor: e.target.value })}>
            <option value="">Anyone</option>
            <option value="system">System</option>
            {refs.data?.users.map((u) => (
              <option key={u.id} value={`staff:${u.id}`}>
                {u.name} ({u.email})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Action" hint="Exact, or a prefix ending in a dot">
          <input
            list="bo-audit-actions"
            value={form.action}
            onChange={(e) => setForm({ ...form, action: e.target.value })}
          />
        </Field>
        <datalist id="bo-audit-actions">
          {COMMON_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <button type="submit" className="bo-btn bo-btn-primary">
          Apply
        </button>
      </form>
      <StaffQuery
        query={audit}
        isEmpty={(d) => d.pages.every((p) => p.entries.length === 0)}
        empty={<p className="bo-muted">No entries match.</p>}
      >
        {(d) => (
          <AuditTable entries={d.pages.flatMap((p) => p.entries)} who={who} showtimeName={showtimeName} />
        )}
      </StaffQuery>
      {audit.hasNextPage && !audit.isFetchNextPageError && (
        <button
          type="button"
          className="bo-btn"
          disabled={audit.isFetchingNextPage}
          onClick={() => void audit.fetchNextPage()}
        >
          Load older entries
        </button>
      )}
      {audit.isFetchNextPageError && (
        <ErrorNote error={audit.error} retry={() => void audit.fetchNextPage()} />
      )}
    </section>
  );
}

function AuditTable({
  entries,
  who,
  showtimeName,
}: {
  entries: AuditEntryDto[];
  who: (actor: string) => string;
  showtimeName: (id: string | null) => string;
}) {
  return (
    <ListTable
      label="Audit entries"
      columns={['When', 'Who', 'Action', 'What', 'Showtime', 'Details']}
      testId="audit-table"
    >
      {entries.map((a) => (
        <tr key={a.id}>
          <td className="bo-small">
            <When iso={a.at} />
          </td>
          <td className="bo-small">{who(a.actor)}</td>
          <td>
            <code>{a.action}</code>
          </td>
          <td className="bo-small">
            {a.entityType} <code>{a.entityId}</code>
          </td>
          <td className="bo-small">{showtimeName(a.showtimeId)}</td>
          <td>
            {(a.before !== null || a.after !== null) && (
              <details>
                <summary>Before / after</summary>
                <pre className="bo-pre">{JSON.stringify({ before: a.before, after: a.after }, null, 2)}</pre>
              </details>
            )}
          </td>
        </tr>
      ))}
    </ListTable>
  );
}

function clean(f: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v.trim() !== ''));
}

export default AuditPage;
