import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  currencyExponent,
  decimalToMinor,
  formatMoney,
  minorToDecimal,
  priceCentsSchema,
  showtimeCreateSchema,
  showtimeUpdateSchema,
  type EventDto,
  type ShowtimeDto,
  type VenueDto,
} from '@seatrush/shared';
import { queryKeys } from '../../api/query.ts';
import { staffApi } from '../api.ts';
import { ErrorNote, Field, PageHeader, StaffQuery, fromLocalInput, toLocalInput, useAction } from '../ui.tsx';
import {
  FrontDoorFieldset,
  frontDoorBody,
  frontDoorInitial,
  type FrontDoorForm,
} from './FrontDoorFieldset.tsx';

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
  frontDoor: FrontDoorForm;
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
      prices: Object.fromEntries(
        Object.entries(showtime.prices).map(([k, c]) => [k, minorToDecimal(c, showtime.currency)]),
      ),
      frontDoor: frontDoorInitial(showtime),
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
    frontDoor: frontDoorInitial(null),
  };
}

const PRICE_MAX = priceCentsSchema.maxValue ?? Number.MAX_SAFE_INTEGER;

function knownCurrency(code: string): boolean {
  try {
    currencyExponent(code);
    return true;
  } catch {
    return false;
  }
}

/**
 * The request body from what was typed, checked in the browser by the server's own schema. Prices are typed in
 * the currency's major unit and sent in its minor unit (EUR cents, JPY yen, KWD fils), and their messages speak
 * in what was typed, never in minor units. Errors are keyed by field (`prices.<category>` for a price).
 */
function check(
  f: FormState,
  venue: VenueDto | undefined,
  showtime: ShowtimeDto | null,
): { body: Record<string, unknown> | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const currency = f.currency.trim().toUpperCase();
  const money = knownCurrency(currency);
  if (!money) errors.currency = 'Use an ISO 4217 code such as "EUR".';
  const prices: Record<string, number> = {};
  for (const c of venue?.categories ?? []) {
    if (!money) break;
    const minor = decimalToMinor(f.prices[c.key] ?? '', currency);
    const example = minorToDecimal(1250 * 10 ** Math.max(0, currencyExponent(currency) - 2), currency);
    if (minor === null) errors[`prices.${c.key}`] = `Enter a price in ${currency}, e.g. ${example}.`;
    else if (minor > PRICE_MAX) errors[`prices.${c.key}`] = `At most ${formatMoney(PRICE_MAX, currency)}.`;
    else prices[c.key] = minor;
  }
  const common = {
    startsAt: fromLocalInput(f.startsAt),
    saleOpensAt: fromLocalInput(f.saleOpensAt),
    saleClosesAt: fromLocalInput(f.saleClosesAt),
    holdTtlSeconds: f.holdTtlSeconds.trim() === '' ? NaN : Number(f.holdTtlSeconds),
    perBuyerLimit: f.perBuyerLimit.trim() === '' ? null : Number(f.perBuyerLimit),
    currency,
    buyerRefunds: f.buyerRefunds,
    prices,
    ...frontDoorBody(f.frontDoor),
  };
  const body = showtime ? common : { eventId: f.eventId, venueId: f.venueId, ...common };
  const parsed = (showtime ? showtimeUpdateSchema : showtimeCreateSchema).safeParse(body);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.') || 'form';
      errors[key] ??= issue.message;
    }
  return { body: Object.keys(errors).length === 0 ? body : null, errors };
}

/** The fields this form shows errors beside; anything else is listed above the buttons. */
const FIELD_KEYS = new Set([
  'eventId',
  'venueId',
  'startsAt',
  'saleOpensAt',
  'saleClosesAt',
  'holdTtlSeconds',
  'perBuyerLimit',
  'currency',
]);

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

  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useAction(
    async (body: Record<string, unknown>) => {
      // The body passed the same schema the server parses with; the API's own types are looser here.
      const saved = showtime
        ? await staffApi.updateShowtime(showtime.id, body)
        : await staffApi.createShowtime(body as Parameters<typeof staffApi.createShowtime>[0]);
      void navigate(`/box-office/showtimes/${saved.id}`);
    },
    { invalidate: [queryKeys.staff.all, queryKeys.events] },
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = check(f, venue, showtime);
    setErrors(result.errors);
    if (result.body) void save.run(result.body);
  };
  const otherErrors = Object.entries(errors).filter(([k]) => !FIELD_KEYS.has(k) && !k.startsWith('prices.'));

  return (
    <form
      className="bo-card bo-form"
      onSubmit={submit}
      aria-label={showtime ? 'Edit showtime' : 'New showtime'}
      noValidate
    >
      <div className="bo-row">
        <Field label="Event" error={errors.eventId}>
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
        <Field label="Venue" error={errors.venueId}>
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
        <Field label="Starts at" error={errors.startsAt}>
          <input
            type="datetime-local"
            required
            value={f.startsAt}
            onChange={(e) => set('startsAt', e.target.value)}
          />
        </Field>
        <Field label="Sale opens at" error={errors.saleOpensAt}>
          <input
            type="datetime-local"
            required
            value={f.saleOpensAt}
            onChange={(e) => set('saleOpensAt', e.target.value)}
          />
        </Field>
        <Field label="Sale closes at" error={errors.saleClosesAt}>
          <input
            type="datetime-local"
            required
            value={f.saleClosesAt}
            onChange={(e) => set('saleClosesAt', e.target.value)}
          />
        </Field>
      </div>
      <div className="bo-row">
        <Field
          label="Hold time (seconds)"
          hint="How long a buyer's seats stay reserved: 5 s to 2 h"
          error={errors.holdTtlSeconds}
        >
          <input
            type="number"
            min={5}
            max={7200}
            required
            value={f.holdTtlSeconds}
            onChange={(e) => set('holdTtlSeconds', e.target.value)}
          />
        </Field>
        <Field label="Tickets per buyer" hint="Leave empty for no limit" error={errors.perBuyerLimit}>
          <input
            type="number"
            min={1}
            max={1000}
            value={f.perBuyerLimit}
            onChange={(e) => set('perBuyerLimit', e.target.value)}
          />
        </Field>
        <Field label="Currency" error={errors.currency}>
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
      <FrontDoorFieldset value={f.frontDoor} onChange={(v) => set('frontDoor', v)} />
      <fieldset className="bo-prices">
        <legend>Prices per category ({f.currency})</legend>
        {!venue && <p className="bo-muted">Choose a venue first.</p>}
        {venue?.categories.map((c) => (
          <Field key={c.key} label={`Price: ${c.name}`} error={errors[`prices.${c.key}`]}>
            <input
              inputMode="decimal"
              required
              aria-invalid={errors[`prices.${c.key}`] ? true : undefined}
              value={f.prices[c.key] ?? ''}
              onChange={(e) => setF((s) => ({ ...s, prices: { ...s.prices, [c.key]: e.target.value } }))}
            />
          </Field>
        ))}
      </fieldset>
      {otherErrors.length > 0 && (
        <ul className="bo-issues" aria-label="Problems found" role="alert">
          {otherErrors.map(([k, m]) => (
            <li key={k}>
              <code>{k}</code> <span>{m}</span>
            </li>
          ))}
        </ul>
      )}
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
  const query = useQuery({
    queryKey: queryKeys.staff.showtimeForm(id),
    queryFn: async ({ signal }) => {
      const [events, venues, showtime] = await Promise.all([
        staffApi.events(signal),
        staffApi.venues(signal),
        id ? staffApi.showtime(id, signal) : Promise.resolve(null),
      ]);
      return { events: events.events, venues: venues.venues, showtime };
    },
    // The form copies the data once; a background refetch must not reset what is being typed.
    staleTime: Infinity,
  });
  return (
    <section>
      <PageHeader
        title={id ? 'Edit showtime' : 'New showtime'}
        kicker={<Link to="/box-office/catalog/showtimes">Schedule</Link>}
      />
      <StaffQuery query={query}>
        {(data) => (
          <ShowtimeForm
            key={id ?? 'new'}
            showtime={data.showtime}
            events={data.events}
            venues={data.venues}
            eventId={params.get('eventId') ?? ''}
          />
        )}
      </StaffQuery>
    </section>
  );
}

export default ShowtimeFormPage;
