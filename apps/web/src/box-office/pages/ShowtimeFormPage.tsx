import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { EventDto, ShowtimeDto, VenueDto } from '@seatrush/shared';
import { useLoad } from '../../lib/hooks.ts';
import { staffApi } from '../api.ts';
import { ErrorNote, Field, PageHeader, Spinner, fromLocalInput, toLocalInput, useAction } from '../ui.tsx';

interface FormState {
  eventId: string;
  venueId: string;
  startsAt: string;
  saleOpensAt: string;
  saleClosesAt: string;
  holdTtlSeconds: string;
  perBuyerLimit: string;
  currency: string;
  buyerRefunds: boolean;
  /** Major units as typed ("45.50"), per category key. */
  prices: Record<string, string>;
}

const hour = 3_600_000;

function initial(showtime: ShowtimeDto | null, eventId: string, venues: VenueDto[]): FormState {
  if (showtime)
    return {
      eventId: showtime.eventId,
      venueId: showtime.venueId,
      startsAt: toLocalInput(showtime.startsAt),
      saleOpensAt: toLocalInput(showtime.saleOpensAt),
      saleClosesAt: toLocalInput(showtime.saleClosesAt),
      holdTtlSeconds: String(showtime.holdTtlSeconds),
      perBuyerLimit: showtime.perBuyerLimit === null ? '' : String(showtime.perBuyerLimit),
      currency: showtime.currency,
      buyerRefunds: showtime.buyerRefunds,
      prices: Object.fromEntries(Object.entries(showtime.prices).map(([k, c]) => [k, (c / 100).toFixed(2)])),
    };
  const now = Date.now();
  const round = (t: number) => new Date(Math.ceil(t / (15 * 60_000)) * 15 * 60_000).toISOString();
  return {
    eventId,
    venueId: venues[0]?.id ?? '',
    startsAt: toLocalInput(round(now + 14 * 24 * hour)),
    saleOpensAt: toLocalInput(round(now)),
    saleClosesAt: toLocalInput(round(now + 14 * 24 * hour - 2 * hour)),
    holdTtlSeconds: '600',
    perBuyerLimit: '8',
    currency: 'EUR',
    buyerRefunds: true,
    prices: {},
  };
}

const toCents = (v: string) => Math.round(Number(v.replace(',', '.')) * 100);

function ShowtimeForm({
  showtime,
  events,
  venues,
  eventId,
}: {
  showtime: ShowtimeDto | null;
  events: EventDto[];
  venues: VenueDto[];
  eventId: string;
}) {
  const navigate = useNavigate();
  const [f, setF] = useState<FormState>(() => initial(showtime, eventId || events[0]?.id || '', venues));
  const venue = venues.find((v) => v.id === f.venueId);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));

  const save = useAction(async () => {
    const prices = Object.fromEntries(
      (venue?.categories ?? []).map((c) => [c.key, toCents(f.prices[c.key] ?? '')]),
    );
    const common = {
      startsAt: fromLocalInput(f.startsAt),
      saleOpensAt: fromLocalInput(f.saleOpensAt),
      saleClosesAt: fromLocalInput(f.saleClosesAt),
      holdTtlSeconds: Number(f.holdTtlSeconds),
      perBuyerLimit: f.perBuyerLimit.trim() === '' ? null : Number(f.perBuyerLimit),
      currency: f.currency.trim().toUpperCase(),
      buyerRefunds: f.buyerRefunds,
      prices,
    };
    const saved = showtime
      ? await staffApi.updateShowtime(showtime.id, common)
      : await staffApi.createShowtime({ eventId: f.eventId, venueId: f.venueId, ...common });
    void navigate(`/box-office/showtimes/${saved.id}`);
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };

  return (
    <form
      className="bo-card bo-form"
      onSubmit={submit}
      aria-label={showtime ? 'Edit showtime' : 'New showtime'}
    >
      <div className="bo-row">
        <Field label="Event">
          <select
            required
            disabled={!!showtime}
            value={f.eventId}
            onChange={(e) => set('eventId', e.target.value)}
          >
            {events.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Venue">
          <select
            required
            disabled={!!showtime}
            value={f.venueId}
            onChange={(e) => set('venueId', e.target.value)}
          >
            {venues.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="bo-row">
        <Field label="Starts at">
          <input
            type="datetime-local"
            required
            value={f.startsAt}
            onChange={(e) => set('startsAt', e.target.value)}
          />
        </Field>
        <Field label="Sale opens at">
          <input
            type="datetime-local"
            required
            value={f.saleOpensAt}
            onChange={(e) => set('saleOpensAt', e.target.value)}
          />
        </Field>
        <Field label="Sale closes at">
          <input
            type="datetime-local"
            required
            value={f.saleClosesAt}
            onChange={(e) => set('saleClosesAt', e.target.value)}
          />
        </Field>
      </div>
      <div className="bo-row">
        <Field label="Hold time (seconds)" hint="How long a buyer's seats stay reserved: 5 s to 2 h">
          <input
            type="number"
            min={5}
            max={7200}
            required
            value={f.holdTtlSeconds}
            onChange={(e) => set('holdTtlSeconds', e.target.value)}
          />
        </Field>
        <Field label="Tickets per buyer" hint="Leave empty for no limit">
          <input
            type="number"
            min={1}
            max={1000}
            value={f.perBuyerLimit}
            onChange={(e) => set('perBuyerLimit', e.target.value)}
          />
        </Field>
        <Field label="Currency">
          <input
            required
            maxLength={3}
            value={f.currency}
            onChange={(e) => set('currency', e.target.value)}
          />
        </Field>
      </div>
      <label className="bo-check">
        <input
          type="checkbox"
          checked={f.buyerRefunds}
          onChange={(e) => set('buyerRefunds', e.target.checked)}
        />{' '}
        Buyers may refund their own orders
      </label>
      <fieldset className="bo-prices">
        <legend>Prices per category ({f.currency})</legend>
        {!venue && <p className="bo-muted">Choose a venue first.</p>}
        {venue?.categories.map((c) => (
          <Field key={c.key} label={`Price: ${c.name}`}>
            <input
              type="number"
              min={0}
              step="0.01"
              required
              value={f.prices[c.key] ?? ''}
              onChange={(e) => setF((s) => ({ ...s, prices: { ...s.prices, [c.key]: e.target.value } }))}
            />
          </Field>
        ))}
      </fieldset>
      {save.error !== null && <ErrorNote error={save.error} title="The showtime was not saved" />}
      <div className="bo-row">
        <button type="submit" className="bo-btn bo-btn-primary" disabled={save.pending}>
          {showtime ? 'Save showtime' : 'Create showtime'}
        </button>
        <Link className="bo-btn bo-btn-quiet" to="/box-office/catalog/showtimes">
          Cancel
        </Link>
      </div>
    </form>
  );
}

/** Create a showtime (event, venue, times, sale window, hold time, limit, prices) or edit one. */
export function ShowtimeFormPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const [data, retry] = useLoad(`showtime-form:${id ?? 'new'}`, async (signal) => {
    const [events, venues, showtime] = await Promise.all([
      staffApi.events(signal),
      staffApi.venues(signal),
      id ? staffApi.showtime(id, signal) : Promise.resolve(null),
    ]);
    return { events: events.events, venues: venues.venues, showtime };
  });
  return (
    <section>
      <PageHeader
        title={id ? 'Edit showtime' : 'New showtime'}
        kicker={<Link to="/box-office/catalog/showtimes">Schedule</Link>}
      />
      {data.status === 'loading' && <Spinner />}
      {data.status === 'error' && <ErrorNote error={data.error} retry={retry} />}
      {data.status === 'ok' && (
        <ShowtimeForm
          key={id ?? 'new'}
          showtime={data.data.showtime}
          events={data.data.events}
          venues={data.data.venues}
          eventId={params.get('eventId') ?? ''}
        />
      )}
    </section>
  );
}

export default ShowtimeFormPage;
