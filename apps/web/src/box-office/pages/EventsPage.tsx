import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { eventCreateSchema, type EventCreate, type EventDto } from '@seatrush/shared';
import type { z } from 'zod';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { ErrorNote, Field, PageHeader, StaffQuery, SuccessNote, useAction } from '../ui.tsx';
import { ListTable } from '../ListTable.tsx';

type EventFormValues = z.input<typeof eventCreateSchema>;

const slugFrom = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

function EventForm({ event, onSaved }: { event: EventDto | null; onSaved: (e: EventDto) => void }) {
  // The server's own schema checks the form first, so its limits and messages show beside the field.
  const form = useForm<EventFormValues, unknown, EventCreate>({
    resolver: zodResolver(eventCreateSchema),
    defaultValues: {
      slug: event?.slug ?? '',
      name: event?.name ?? '',
      description: event?.description ?? '',
    },
  });
  const { errors } = form.formState;
  const save = useAction(
    async (values: EventCreate) => {
      const saved = event ? await staffApi.updateEvent(event.id, values) : await staffApi.createEvent(values);
      onSaved(saved);
      if (!event) form.reset({ slug: '', name: '', description: '' });
    },
    {
      invalidate: [queryKeys.staff.events, queryKeys.staff.home, queryKeys.staff.schedule, queryKeys.events],
    },
  );
  const name = form.register('name', {
    onChange: (e: { target: { value: string } }) => {
      if (!event)
        form.setValue('slug', slugFrom(e.target.value), { shouldValidate: form.formState.isSubmitted });
    },
  });
  return (
    <form
      className="bo-card"
      onSubmit={(e) => void form.handleSubmit((values) => save.run(values))(e)}
      aria-label={event ? `Edit ${event.name}` : 'New event'}
      noValidate
    >
      <h2 className="bo-card-title">{event ? `Edit ${event.name}` : 'New event'}</h2>
      <div className="bo-row">
        <Field label="Name" error={errors.name?.message}>
          <input required aria-invalid={errors.name ? true : undefined} {...name} />
        </Field>
        <Field label="Slug" hint="Part of the public address: /events/<slug>" error={errors.slug?.message}>
          <input required aria-invalid={errors.slug ? true : undefined} {...form.register('slug')} />
        </Field>
      </div>
      <Field label="Description" error={errors.description?.message}>
        <textarea rows={3} {...form.register('description')} />
      </Field>
      {save.error !== null && <ErrorNote error={save.error} />}
      <button type="submit" className="bo-btn bo-btn-primary" disabled={save.pending}>
        {event ? 'Save event' : 'Create event'}
      </button>
    </form>
  );
}

export function EventsPage() {
  const [editing, setEditing] = useState<EventDto | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const events = useQuery({
    queryKey: queryKeys.staff.events,
    queryFn: ({ signal }) => staffApi.events(signal),
  });
  const onSaved = (e: EventDto) => {
    setSaved(`Saved ${e.name}.`);
    setEditing(null);
  };
  return (
    <section>
      <PageHeader title="Events" />
      {saved && <SuccessNote>{saved}</SuccessNote>}
      <StaffQuery query={events}>
        {(data) => (
          <ListTable label="Events" columns={['Name', 'Slug']} actions>
            {data.events.map((e) => (
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
          </ListTable>
        )}
      </StaffQuery>
      <EventForm key={editing?.id ?? 'new'} event={editing} onSaved={onSaved} />
    </section>
  );
}

export default EventsPage;
