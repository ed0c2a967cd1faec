import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { outgoingEventTypes, type OutgoingEventType } from '@seatrush/shared';
import { webhookKeys, webhooksApi } from '../webhooks-api.ts';
import { Badge, ErrorNote, Field, PageHeader, StaffQuery, When, useAction } from '../ui.tsx';
import { ListTable } from '../ListTable.tsx';

/**
 * Outgoing webhooks (admin, docs/webhooks.md): register endpoints, see the delivery log (one row per event and
 * endpoint) and send a delivery again.
 */
export function WebhooksPage() {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<OutgoingEventType[]>(['order.paid']);
  const [status, setStatus] = useState('');
  const endpoints = useQuery({
    queryKey: webhookKeys.endpoints,
    queryFn: ({ signal }) => webhooksApi.endpoints(signal),
  });
  const deliveries = useQuery({
    queryKey: webhookKeys.deliveries(status),
    queryFn: ({ signal }) => webhooksApi.deliveries(status, signal),
    refetchInterval: 5000,
  });
  const invalidate = { invalidate: [webhookKeys.all] };
  const create = useAction(async () => {
    await webhooksApi.createEndpoint({ url: url.trim(), events });
    setUrl('');
  }, invalidate);
  const toggle = useAction((id: string, enabled: boolean) => webhooksApi.setEnabled(id, enabled), invalidate);
  const remove = useAction((id: string) => webhooksApi.deleteEndpoint(id), invalidate);
  const retry = useAction((id: string) => webhooksApi.retry(id), invalidate);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  const flip = (t: OutgoingEventType) =>
    setEvents((now) => (now.includes(t) ? now.filter((x) => x !== t) : [...now, t]));

  return (
    <section>
      <PageHeader title="Webhooks" />
      <form className="bo-card" onSubmit={submit} aria-label="New webhook endpoint">
        <h2 className="bo-card-title">New endpoint</h2>
        <Field label="URL" hint="Receives signed POSTs (Standard Webhooks)">
          <input
            type="url"
            required
            maxLength={2000}
            value={url}
            placeholder="https://example.com/seatrush"
            onChange={(e) => setUrl(e.target.value)}
          />
        </Field>
        <fieldset>
          <legend>Events</legend>
          {outgoingEventTypes.map((t) => (
            <label key={t} className="bo-check">
              <input type="checkbox" checked={events.includes(t)} onChange={() => flip(t)} /> <code>{t}</code>
            </label>
          ))}
        </fieldset>
        {create.error !== null && <ErrorNote error={create.error} />}
        <button
          type="submit"
          className="bo-btn bo-btn-primary"
          disabled={create.pending || events.length === 0}
        >
          Add endpoint
        </button>
      </form>

      {(toggle.error ?? remove.error ?? retry.error) !== null && (
        <ErrorNote error={toggle.error ?? remove.error ?? retry.error} />
      )}
      <StaffQuery query={endpoints}>
        {(data) => (
          <ListTable
            label="Webhook endpoints"
            columns={['URL', 'Events', 'Signing secret', 'Status']}
            actions
          >
            {data.endpoints.map((e) => (
              <tr key={e.id}>
                <td>
                  <code>{e.url}</code>
                </td>
                <td className="bo-small">{e.events.join(', ')}</td>
                <td>
                  <details>
                    <summary>Show</summary>
                    <code data-testid="webhook-secret">{e.secret}</code>
                  </details>
                </td>
                <td>{e.enabled ? <Badge value="active" /> : <Badge value="released" label="disabled" />}</td>
                <td>
                  <button
                    type="button"
                    className="bo-btn bo-btn-small"
                    disabled={toggle.pending}
                    onClick={() => void toggle.run(e.id, !e.enabled)}
                  >
                    {e.enabled ? 'Disable' : 'Enable'}
                  </button>{' '}
                  <button
                    type="button"
                    className="bo-btn bo-btn-small bo-btn-danger"
                    disabled={remove.pending}
                    onClick={() => void remove.run(e.id)}
                    aria-label={`Delete ${e.url}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </StaffQuery>

      <h2>Deliveries</h2>
      <Field label="Status">
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">All</option>
          <option value="pending">Pending</option>
          <option value="delivered">Delivered</option>
          <option value="failed">Failed</option>
        </select>
      </Field>
      <StaffQuery query={deliveries}>
        {(data) => (
          <ListTable
            label="Webhook deliveries"
            columns={['Event', 'Endpoint', 'Status', 'Attempts', 'Last answer', 'Last attempt']}
            actions
          >
            {data.deliveries.map((d) => (
              <tr key={d.id}>
                <td>
                  <code>{d.eventType}</code>
                  <div className="bo-small">{d.eventId}</div>
                </td>
                <td className="bo-small">{d.endpointUrl}</td>
                <td>
                  <Badge
                    value={d.status === 'delivered' ? 'done' : d.status === 'failed' ? 'failed' : 'PENDING'}
                    label={d.status}
                  />
                </td>
                <td>{d.attempts}</td>
                <td className="bo-small">{d.lastStatusCode ?? d.lastError ?? '–'}</td>
                <td className="bo-small">
                  <When iso={d.lastAttemptAt} />
                </td>
                <td>
                  <button
                    type="button"
                    className="bo-btn bo-btn-small"
                    disabled={retry.pending}
                    onClick={() => void retry.run(d.id)}
                    aria-label={`Send ${d.eventType} to ${d.endpointUrl} again`}
                  >
                    Send again
                  </button>
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </StaffQuery>
    </section>
  );
}

export default WebhooksPage;
