import { useQuery } from '@tanstack/react-query';
import { Controller, useForm, useWatch, type FieldErrors, type Resolver } from 'react-hook-form';
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
  /** GA buckets: chosen at creation, shown (read-only) afterwards. */
  gaBuckets: string;
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
      gaBuckets: String(showtime.gaBuckets),
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
    gaBuckets: '1',
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
  // Sent only at creation (the field is disabled afterwards, and a disabled field may come back empty).
  const gaBuckets = (f.gaBuckets ?? '').trim() === '' ? NaN : Number(f.gaBuckets);
  const body = showtime ? common : { eventId: f.eventId, venueId: f.venueId, gaBuckets, ...common };
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
  'gaBuckets',
  'currency',
]);

type FieldErrorsByKey = Record<string, { type: string; message: string } | undefined>;

/**
 * The form's resolver: `check` (the server's own schema on what was typed) decides; its errors stay keyed as it
 * names them (`prices.front`, `holdTtlSeconds`, …), which react-hook-form finds by the field's name.
 */
function showtimeResolver(
  venues: VenueDto[],
  showtime: ShowtimeDto | null,
): Resolver<FormState, unknown, Record<string, unknown>> {
  return (values) => {
    // Event and venue cannot change once the showtime exists (their selects are disabled).
    const venue = venues.find((v) => v.id === (showtime?.venueId ?? values.venueId));
    const { body, errors } = check(values, venue, showtime);
    if (body) return { values: body, errors: {} };
    const byKey: FieldErrorsByKey = {};
    for (const [k, message] of Object.entries(errors)) byKey[k] = { type: 'schema', message };
    return { values: {}, errors: byKey as FieldErrors<FormState> };
  };
}

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
  const form = useForm<FormState, unknown, Record<string, unknown>>({
    defaultValues: initial(showtime, eventId || events[0]?.id || '', venues),
    resolver: showtimeResolver(venues, showtime),
  });
  const [venueId, currency] = useWatch({ control: form.control, name: ['venueId', 'currency'] });
  const venue = venues.find((v) => v.id === (showtime?.venueId ?? venueId));
  const errors = form.formState.errors as unknown as FieldErrorsByKey;
  const errorOf = (key: string) => errors[key]?.message;

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

  const submit = form.handleSubmit((body) => save.run(body));
  const otherErrors = Object.entries(errors).filter(
    ([k, e]) => e && !FIELD_KEYS.has(k) && !k.startsWith('prices.'),
  );
  const invalid = (key: string) => (errorOf(key) ? true : undefined);

  return (
    <form
      className="bo-card bo-form"
      onSubmit={(e) => void submit(e)}
      aria-label={showtime ? 'Edit showtime' : 'New showtime'}
      noValidate
    >
      <div className="bo-row">
        <Field label="Event" error={errorOf('eventId')}>
          <select
            required
            disabled={!!showtime}
            aria-invalid={invalid('eventId')}
            {...form.register('eventId')}
          >
            {events.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Venue" error={errorOf('venueId')}>
          <select
            required
            disabled={!!showtime}
            aria-invalid={invalid('venueId')}
            {...form.register('venueId')}
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
        <Field label="Starts at" error={errorOf('startsAt')}>
          <input
            type="datetime-local"
            required
            aria-invalid={invalid('startsAt')}
            {...form.register('startsAt')}
          />
        </Field>
        <Field label="Sale opens at" error={errorOf('saleOpensAt')}>
          <input
            type="datetime-local"
            required
            aria-invalid={invalid('saleOpensAt')}
            {...form.register('saleOpensAt')}
          />
        </Field>
        <Field label="Sale closes at" error={errorOf('saleClosesAt')}>
          <input
            type="datetime-local"
            required
            aria-invalid={invalid('saleClosesAt')}
            {...form.register('saleClosesAt')}
          />
        </Field>
      </div>
      <div className="bo-row">
        <Field
          label="Hold time (seconds)"
          hint="How long a buyer's seats stay reserved: 5 s to 2 h"
          error={errorOf('holdTtlSeconds')}
        >
          <input
            type="number"
            min={5}
            max={7200}
            required
            aria-invalid={invalid('holdTtlSeconds')}
            {...form.register('holdTtlSeconds')}
          />
        </Field>
        <Field label="Tickets per buyer" hint="Leave empty for no limit" error={errorOf('perBuyerLimit')}>
          <input
            type="number"
            min={1}
            max={1000}
            aria-invalid={invalid('perBuyerLimit')}
            {...form.register('perBuyerLimit')}
          />
        </Field>
        <Field
          label="GA buckets"
          hint="Splits standing stock over Redis slots for the hottest on-sales: 1 unless it is a GA-only showtime with no per-buyer limit. Fixed once created."
          error={errorOf('gaBuckets')}
        >
          <input
            type="number"
            min={1}
            max={16}
            required
            disabled={showtime !== null}
            aria-invalid={invalid('gaBuckets')}
            {...form.register('gaBuckets')}
          />
        </Field>
        <Field label="Currency" error={errorOf('currency')}>
          <input required maxLength={3} aria-invalid={invalid('currency')} {...form.register('currency')} />
        </Field>
      </div>
      <label className="bo-check">
        <input type="checkbox" {...form.register('buyerRefunds')} /> Buyers may refund their own orders
      </label>
      <Controller
        control={form.control}
        name="frontDoor"
        render={({ field }) => <FrontDoorFieldset value={field.value} onChange={field.onChange} />}
      />
      <fieldset className="bo-prices">
        <legend>Prices per category ({currency})</legend>
        {!venue && <p className="bo-muted">Choose a venue first.</p>}
        {venue?.categories.map((c) => (
          <Field key={c.key} label={`Price: ${c.name}`} error={errorOf(`prices.${c.key}`)}>
            <input
              inputMode="decimal"
              required
              aria-invalid={invalid(`prices.${c.key}`)}
              {...form.register(`prices.${c.key}`)}
            />
          </Field>
        ))}
      </fieldset>
      {otherErrors.length > 0 && (
        <ul className="bo-issues" aria-label="Problems found" role="alert">
          {otherErrors.map(([k, e]) => (
            <li key={k}>
              <code>{k}</code> <span>{e?.message}</span>
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
