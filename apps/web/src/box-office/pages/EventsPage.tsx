import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { EventDto } from '@seatrush/shared';
import { useLoad } from '../../lib/hooks.ts';
import { staffApi } from '../api.ts';
import { ErrorNote, Field, PageHeader, Spinner, SuccessNote, useAction } from '../ui.tsx';

function EventForm({ event, onSaved }: { event: EventDto | null; onSaved: (e: EventDto) => void }) {
  const [slug, setSlug] = useState(event?.slug ?? '');
  const [name, setName] = useState(event?.name ?? '');
  const [description, setDescription] = useState(event?.description ?? '');
  const save = useAction(async () => {
    const saved = event
      ? await staffApi.updateEvent(event.id, { slug, name, description })
      : await staffApi.createEvent({ slug, name, description });
    onSaved(saved);
    if (!event) {
      setSlug('');
      setName('');
      setDescription('');
    }
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  return (
    <form className="bo-card" onSubmit={submit} aria-label={event ? `Edit ${event.name}` : 'New event'}>
      <h2 className="bo-card-title">{event ? `Edit ${event.name}` : 'New event'}</h2>
      <div className="bo-row">
        <Field label="Name">
          <input
            required
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!event)
                setSlug(
                  e.target.value
                    .toLowerCase()
                    .replace(/[^a-z0-9]+/g, '-')
                    .replace(/^-|-$/g, '')
                    .slice(0, 80),
                );
            }}
          />
        </Field>
        <Field label="Slug" hint="Part of the public address: /events/<slug>">
          <input required value={slug} onChange={(e) => setSlug(e.target.value)} />
        </Field>
      </div>
      <Field label="Description">
        <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      {save.error !== null && <ErrorNote error={save.error} />}
      <button type="submit" className="bo-btn bo-btn-primary" disabled={save.pending}>
        {event ? 'Save event' : 'Create event'}
      </button>
    </form>
  );
}

export function EventsPage() {
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<EventDto | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [events, retry] = useLoad(`events:${version}`, (signal) => staffApi.events(signal));
  const onSaved = (e: EventDto) => {
    setSaved(`Saved ${e.name}.`);
    setEditing(null);
    setVersion((v) => v + 1);
  };
  return (
    <section>
      <PageHeader title="Events" />
      {saved && <SuccessNote>{saved}</SuccessNote>}
      {events.status === 'loading' && <Spinner />}
      {events.status === 'error' && <ErrorNote error={events.error} retry={retry} />}
      {events.status === 'ok' && (
        <table className="bo-table" aria-label="Events">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Slug</th>
              <th scope="col">
                <span className="bo-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {events.data.events.map((e) => (
              <tr key={e.id}>
                <td>{e.name}</td>
                <td>
                  <code>{e.slug}</code>
                </td>
                <td className="bo-actions">
                  <button type="button" className="bo-btn bo-btn-small" onClick={() => setEditing(e)}>
                    Edit
                  </button>
                  <Link to={`/box-office/catalog/showtimes/new?eventId=${e.id}`}>Add showtime</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <EventForm key={editing?.id ?? 'new'} event={editing} onSaved={onSaved} />
    </section>
  );
}

export default EventsPage;
