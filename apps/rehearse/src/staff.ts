import { readFileSync } from 'node:fs';
import type { SeatMapDocument, ShowtimeDto, VenueDto } from '@seatrush/shared';
import { errorCode, request, type HttpAnswer } from './http.ts';
import type { TargetShowtime } from './model.ts';

/**
 * Staff access through the public staff API only: sign-in (or an API token), the rehearsal's own event and
 * showtime (setup), the showtime's facts, closing the sale afterwards (clean-up), and the reads the integrity
 * checks need.
 */

export interface StaffCredentials {
  token?: string;
  email?: string;
  password?: string;
}

export class StaffApi {
  private auth: Record<string, string> = {};
  constructor(readonly base: string) {}

  /** An API token as is; otherwise sign in and send the session cookie (with Origin, for the CSRF check). */
  async signIn(c: StaffCredentials): Promise<void> {
    if (c.token) {
      this.auth = { authorization: `Bearer ${c.token}` };
    } else {
      const a = await request(this.base, '/api/staff/login', {
        body: { email: c.email, password: c.password },
      });
      if (a.status !== 200) throw new Error(`staff sign-in as ${c.email} failed: ${explain(a)}`);
      const cookie = [a.headers['set-cookie'] ?? []]
        .flat()
        .map((s) => s.split(';')[0])
        .join('; ');
      this.auth = { cookie, origin: new URL(this.base).origin };
    }
    const me = await this.call<{ role: string }>('GET', '/api/staff/me');
    if (me.role !== 'admin' && me.role !== 'box_office')
      throw new Error(`the staff account has role ${me.role}; the rehearsal needs box_office or admin`);
  }

  async call<T>(method: string, path: string, body?: unknown, okStatus = [200, 201, 204]): Promise<T> {
    const a = await request<T>(this.base, path, {
      method,
      headers: this.auth,
      ...(body !== undefined ? { body } : {}),
      timeoutMs: 120_000,
    });
    if (!okStatus.includes(a.status)) throw new Error(`${method} ${path}: ${explain(a)}`);
    return a.body;
  }

  async text(path: string): Promise<string> {
    const a = await request(this.base, path, { headers: this.auth, timeoutMs: 300_000 });
    if (a.status !== 200) throw new Error(`GET ${path}: ${explain(a)}`);
    return a.text;
  }
}

export function explain(a: HttpAnswer): string {
  const b = a.body as { error?: { message?: string } } | undefined;
  return `${a.status} ${errorCode(a)}${b?.error?.message ? ` (${b.error.message})` : ''}`;
}

/** A showtime named by id, or by its event's slug (its first showtime). */
export async function resolveShowtime(api: StaffApi, name: string): Promise<string> {
  if (/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    const byId = await request(api.base, `/api/showtimes/${name}`);
    if (byId.status === 200) return name;
  }
  const ev = await request<{ showtimes?: Array<{ id: string }> }>(
    api.base,
    `/api/events/${encodeURIComponent(name)}`,
  );
  const id = ev.body?.showtimes?.[0]?.id;
  if (ev.status !== 200 || !id) throw new Error(`no showtime or event "${name}" at ${api.base}`);
  return id;
}

/** What the buyers need to know about the showtime, read through the staff API. */
export async function describeShowtime(
  api: StaffApi,
  id: string,
): Promise<TargetShowtime & { label: string }> {
  const st = await api.call<ShowtimeDto>('GET', `/api/staff/showtimes/${id}`);
  const venue = await api.call<VenueDto>('GET', `/api/staff/venues/${st.venueId}`);
  const event = await api.call<{ name: string }>('GET', `/api/staff/events/${st.eventId}`);
  const seats = venue.stats.seats;
  const zones = venue.gaZones ?? [];
  return {
    id,
    label: `${event.name} (${st.startsAt.slice(0, 10)})`,
    zone: seats === 0 && zones.length ? zones[0]!.key : null,
    categories: venue.categories.map((c) => c.key),
    waitingRoom: st.waitingRoom,
    requireVerifiedBuyers: st.requireVerifiedBuyers,
    perBuyerLimit: st.perBuyerLimit,
    capacity: seats + zones.reduce((n, z) => n + z.capacity, 0),
  };
}

export interface SetupOptions {
  /** `ga:N` or `venue:FILE` (a seat-map document, docs/seat-map-format.md). */
  setup: string;
  runId: string;
  holdTtlSeconds: number;
  perBuyerLimit: number | null;
  waitingRoom: boolean;
  admissionPerMinute?: number;
  maxShoppers?: number;
  requireVerifiedBuyers: boolean;
  priceCents: number;
}

/** A GA venue of `capacity` tickets in one standing zone. */
export function gaVenue(slug: string, capacity: number): SeatMapDocument {
  return {
    format: 1,
    name: `Rehearsal floor ${capacity}`,
    slug,
    categories: [{ key: 'ga', name: 'General admission', color: '#d62728' }],
    sections: [],
    gaZones: [
      { key: 'FLOOR', name: 'Floor', capacity, category: 'ga', x: 0, y: 150, width: 1000, height: 700 },
    ],
  };
}

/** Creates a venue, an event and a showtime for this rehearsal and opens its sale; answers the showtime id. */
export async function setUpShowtime(api: StaffApi, o: SetupOptions): Promise<string> {
  const slug = `rehearsal-${o.runId}`;
  let doc: SeatMapDocument;
  const [kind, arg] = [o.setup.slice(0, o.setup.indexOf(':')), o.setup.slice(o.setup.indexOf(':') + 1)];
  if (kind === 'ga' && /^\d+$/.test(arg)) doc = gaVenue(slug, Number(arg));
  else if (kind === 'venue') doc = { ...(JSON.parse(readFileSync(arg, 'utf8')) as SeatMapDocument), slug };
  else throw new Error(`--setup takes ga:<tickets> or venue:<file>, not "${o.setup}"`);
  const venue = await api.call<VenueDto>('POST', '/api/staff/venues', doc);
  const event = await api.call<{ id: string }>('POST', '/api/staff/events', {
    slug,
    name: `Rehearsal ${o.runId}`,
    description: 'Created by seatrush rehearse; its sale is closed when the rehearsal ends.',
  });
  const now = Date.now();
  const prices = Object.fromEntries(venue.categories.map((c) => [c.key, o.priceCents]));
  const st = await api.call<{ id: string }>('POST', '/api/staff/showtimes', {
    eventId: event.id,
    venueId: venue.id,
    startsAt: new Date(now + 30 * 86_400_000).toISOString(),
    saleOpensAt: new Date(now - 60_000).toISOString(),
    saleClosesAt: new Date(now + 29 * 86_400_000).toISOString(),
    holdTtlSeconds: o.holdTtlSeconds,
    perBuyerLimit: o.perBuyerLimit,
    prices,
    waitingRoom: o.waitingRoom,
    requireVerifiedBuyers: o.requireVerifiedBuyers,
    ...(o.admissionPerMinute ? { admissionPerMinute: o.admissionPerMinute } : {}),
    ...(o.maxShoppers ? { maxShoppers: o.maxShoppers } : {}),
  });
  await api.call('POST', `/api/staff/showtimes/${st.id}/sale/open`);
  return st.id;
}

/** Clean-up of a showtime the rehearsal made: close its sale (the catalog keeps the record, as for any sale). */
export async function cleanUp(api: StaffApi, showtimeId: string): Promise<void> {
  await api.call('POST', `/api/staff/showtimes/${showtimeId}/sale/close`, undefined, [200, 409]);
}
