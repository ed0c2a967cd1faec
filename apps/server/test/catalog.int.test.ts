import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AuditEntryDto,
  ErrorBody,
  EventDto,
  PublicEvent,
  PublicShowtime,
  SaleStateName,
  SeatMapDocument,
  ShowtimeDto,
  VenueDto,
} from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import {
  apiClient,
  showtimeBody,
  smallTheatre,
  smallTheatrePrices,
  staffWithToken,
  unique,
  type Api,
} from './support/catalog-fixtures.ts';
import { startNode, type RunningNode } from '../src/node.ts';
import type { SaleHooks } from '../src/catalog/common.ts';

type Err = { ok: false; error: ErrorBody };

let stack: TestStack;
let api: Api;
let admin: Awaited<ReturnType<typeof staffWithToken>>;
let box: Awaited<ReturnType<typeof staffWithToken>>;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack.url);
  admin = await staffWithToken(stack.container, 'admin');
  box = await staffWithToken(stack.container, 'box_office');
});

afterAll(async () => {
  await stack?.close();
});

async function audit(query: string): Promise<AuditEntryDto[]> {
  const res = await api<{ entries: AuditEntryDto[] }>('get', `/api/staff/audit?${query}`, {
    token: admin.token,
  });
  expect(res.status).toBe(200);
  return res.json.entries;
}

async function newVenue(doc: SeatMapDocument = smallTheatre(unique('hall'))): Promise<VenueDto> {
  const res = await api<VenueDto>('post', '/api/staff/venues', { token: admin.token, body: doc });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

async function newEvent(): Promise<EventDto> {
  const res = await api<EventDto>('post', '/api/staff/events', {
    token: admin.token,
    body: { slug: unique('ev'), name: 'An event' },
  });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

async function newShowtime(extra: Record<string, unknown> = {}, venue?: VenueDto): Promise<ShowtimeDto> {
  const v = venue ?? (await newVenue());
  const e = await newEvent();
  const res = await api<ShowtimeDto>('post', '/api/staff/showtimes', {
    token: admin.token,
    body: showtimeBody(e.id, v.id, extra),
  });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

/** Order → item → seat claim rows, as the order pipeline will write them. */
async function sellSeat(showtimeId: string, seatLabel: string) {
  const p = stack.container.prisma;
  const buyer = await p.buyer.create({ data: { email: `${unique('b')}@test.local` } });
  const order = await p.order.create({
    data: {
      code: unique('C'),
      holdId: unique('h'),
      holdTokenHash: 'x',
      showtimeId,
      buyerId: buyer.id,
      status: 'PAID',
      totalCents: 5000,
      currency: 'EUR',
      expiresAt: new Date(Date.now() + 60_000),
    },
  });
  const item = await p.orderItem.create({
    data: {
      orderId: order.id,
      showtimeId,
      seatLabel,
      category: 'front',
      priceCents: 5000,
      ticketCode: unique('T'),
    },
  });
  await p.seatClaim.create({ data: { showtimeId, seatLabel, orderItemId: item.id } });
  return { order, item };
}

describe('venues', () => {
  it('creates a venue from the example document, with every row derived from it and an audit entry', async () => {
    const doc = smallTheatre(unique('theatre'));
    const v = await newVenue(doc);
    expect(v).toMatchObject({
      slug: doc.slug,
      name: 'Small Theatre',
      layoutVersion: 1,
      stats: { sections: 2, rows: 5, seats: 36, wheelchair: 1, companion: 1, gaZones: 1, gaCapacity: 40 },
    });
    expect(v.categories.map((c) => c.key)).toEqual(['balcony', 'front', 'rear', 'standing']);

    const p = stack.container.prisma;
    const seat = await p.seat.findUniqueOrThrow({
      where: { venueId_label: { venueId: v.id, label: 'STALLS-C-1' } },
    });
    expect(seat).toMatchObject({ number: '1', category: 'rear', wheelchair: true, companion: false });
    expect(
      await p.seat.findUniqueOrThrow({ where: { venueId_label: { venueId: v.id, label: 'STALLS-C-2' } } }),
    ).toMatchObject({
      companion: true,
    });
    expect(await p.row.count({ where: { section: { venueId: v.id } } })).toBe(5);
    expect(
      await p.gaZone.findMany({ where: { venueId: v.id }, select: { key: true, capacity: true } }),
    ).toEqual([{ key: 'BAR', capacity: 40 }]);
    const stored = await p.venue.findUniqueOrThrow({ where: { id: v.id }, select: { seatMap: true } });
    expect(stored.seatMap).toEqual(doc);

    const [entry] = await audit(`action=venue.created&entityId=${v.id}`);
    expect(entry).toMatchObject({ actor: `token:${admin.tokenId}`, entityType: 'venue', before: null });
    expect(entry!.after).toMatchObject({ slug: doc.slug, seats: 36, layoutVersion: 1 });

    const list = await api<{ venues: VenueDto[] }>('get', '/api/staff/venues', { token: box.token });
    expect(list.status).toBe(200);
    expect(list.json.venues.find((x) => x.id === v.id)?.stats.seats).toBe(36);
    const one = await api<VenueDto>('get', `/api/staff/venues/${v.id}`, { token: box.token });
    expect(one.json).toEqual(v);
  });

  it('refuses a duplicate slug with 409 duplicate', async () => {
    const doc = smallTheatre(unique('dup'));
    await newVenue(doc);
    const again = await api<Err>('post', '/api/staff/venues', { token: admin.token, body: doc });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('duplicate');
    // The answer names the field that clashes, so a form can say "slug", not "name".
    expect(again.json.error.issues).toEqual([
      { path: 'body.slug', message: `Another venue already uses the slug "${doc.slug}".` },
    ]);
  });

  it('names the seat and the field of each validation failure', async () => {
    const doc = smallTheatre(unique('bad')) as unknown as {
      sections: Array<{ rows: Array<{ seats: Array<Record<string, unknown>> }> }>;
    };
    doc.sections[0]!.rows[1]!.seats[2]!.x = 'left';
    doc.sections[1]!.rows[0]!.seats[0]!.category = 'vip';
    doc.sections[1]!.rows[1]!.seats[1]!.number = 1;
    const res = await api<Err>('post', '/api/staff/venues', { token: admin.token, body: doc });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.issues).toEqual([
      {
        path: 'body.sections.0.rows.1.seats.2.x',
        message: 'section STALLS › row B › seat 3 › x: Invalid input: expected number, received string',
      },
    ]);

    // Shape fixed: the cross-field checks report next.
    doc.sections[0]!.rows[1]!.seats[2]!.x = 10;
    const res2 = await api<Err>('post', '/api/staff/venues', { token: admin.token, body: doc });
    expect(res2.status).toBe(400);
    expect(res2.json.error.issues).toEqual([
      {
        path: 'body.sections.1.rows.0.seats.0.category',
        message: 'Seat BALCONY-A-1 uses category "vip", which is not one of: front, rear, balcony, standing.',
      },
      {
        path: 'body.sections.1.rows.1.seats.1.number',
        message: 'Seat BALCONY-B-1 is defined twice (also sections.1.rows.1.seats.0).',
      },
    ]);
  });

  it('refuses unknown fields, malformed JSON, non-JSON and oversized bodies with precise 4xx', async () => {
    const unknownField = await api<Err>('post', '/api/staff/venues', {
      token: admin.token,
      body: { ...smallTheatre(unique('x')), capacity: 12 },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json.error.issues?.[0]).toEqual({
      path: 'body',
      message: 'Unrecognized key: "capacity"',
    });

    const malformed = await api<Err>('post', '/api/staff/venues', {
      token: admin.token,
      rawBody: '{"name": "x",',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe('malformed_json');

    const text = await api<Err>('post', '/api/staff/events', {
      token: admin.token,
      rawBody: 'slug=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.json.error.code).toBe('unsupported_media_type');

    const huge = await api<Err>('post', '/api/staff/venues', {
      token: admin.token,
      rawBody: JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('payload_too_large');

    const wrongType = await api<Err>('post', '/api/staff/events', {
      token: admin.token,
      body: { slug: 42, name: 'x' },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.error.issues?.[0]?.path).toBe('body.slug');
  });

  it('answers malformed and unknown ids with 404 not_found', async () => {
    for (const path of [
      '/api/staff/venues/not%20an%20id!',
      '/api/staff/venues/cnotthere000000000000000',
      '/api/staff/events/zzz',
      '/api/staff/showtimes/zzz',
    ]) {
      const res = await api<Err>('get', path, { token: admin.token });
      expect(res.status, path).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    }
    const layout = await api<Err>('put', '/api/staff/venues/cnotthere000000000000000/layout', {
      token: admin.token,
      body: smallTheatre(unique('x')),
    });
    expect(layout.status).toBe(404);
  });

  it('updates a layout: bumps the version, rebuilds seats and zone inventory, audits before and after', async () => {
    const v = await newVenue();
    const st = await newShowtime({}, v);
    const doc = smallTheatre(v.slug);
    doc.sections = doc.sections.slice(0, 1);
    doc.categories = doc.categories.filter((c) => c.key !== 'balcony');
    doc.gaZones[0]!.capacity = 55;
    const res = await api<VenueDto>('put', `/api/staff/venues/${v.id}/layout`, {
      token: admin.token,
      body: doc,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ layoutVersion: 2, stats: { sections: 1, seats: 24, gaCapacity: 55 } });
    const p = stack.container.prisma;
    expect(await p.seat.count({ where: { venueId: v.id } })).toBe(24);
    expect(
      await p.zoneInventory.findMany({
        where: { showtimeId: st.id },
        select: { zoneKey: true, capacity: true, claimed: true },
      }),
    ).toEqual([{ zoneKey: 'BAR', capacity: 55, claimed: 0 }]);
    // The price of the removed category goes; the others stay.
    const after = await api<ShowtimeDto>('get', `/api/staff/showtimes/${st.id}`, { token: box.token });
    expect(after.json.prices).toEqual({ front: 5000, rear: 3500, standing: 2000 });

    const [entry] = await audit(`action=venue.layout_updated&entityId=${v.id}`);
    expect(entry!.before).toMatchObject({ layoutVersion: 1, seats: 36 });
    expect(entry!.after).toMatchObject({ layoutVersion: 2, seats: 24 });
  });

  it('refuses a layout change once a showtime of the venue has sold seats or GA places (layout_locked)', async () => {
    const v = await newVenue();
    const st = await newShowtime({}, v);
    await sellSeat(st.id, 'STALLS-A-1');
    const res = await api<Err>('put', `/api/staff/venues/${v.id}/layout`, {
      token: admin.token,
      body: smallTheatre(v.slug),
    });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('layout_locked');
    expect(res.json.error.details).toEqual({ showtimeIds: [st.id] });
    expect(
      await stack.container.prisma.venue.findUniqueOrThrow({
        where: { id: v.id },
        select: { layoutVersion: true },
      }),
    ).toEqual({
      layoutVersion: 1,
    });

    const v2 = await newVenue();
    const st2 = await newShowtime({}, v2);
    await stack.container.prisma.zoneInventory.update({
      where: { showtimeId_zoneKey: { showtimeId: st2.id, zoneKey: 'BAR' } },
      data: { claimed: 2 },
    });
    const res2 = await api<Err>('put', `/api/staff/venues/${v2.id}/layout`, {
      token: admin.token,
      body: smallTheatre(v2.slug),
    });
    expect(res2.status).toBe(409);
    expect(res2.json.error.code).toBe('layout_locked');
  });
});

describe('events', () => {
  it('creates, edits and lists events, with audit entries carrying before and after', async () => {
    const slug = unique('gala');
    const created = await api<EventDto>('post', '/api/staff/events', {
      token: admin.token,
      body: { slug, name: 'Spring Gala', description: 'Strings.' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ slug, name: 'Spring Gala', description: 'Strings.' });

    const dup = await api<Err>('post', '/api/staff/events', {
      token: admin.token,
      body: { slug, name: 'Again' },
    });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('duplicate');

    const badSlug = await api<Err>('post', '/api/staff/events', {
      token: admin.token,
      body: { slug: 'Not A Slug', name: 'x' },
    });
    expect(badSlug.status).toBe(400);
    expect(badSlug.json.error.issues?.[0]?.path).toBe('body.slug');

    const edited = await api<EventDto>('patch', `/api/staff/events/${created.json.id}`, {
      token: admin.token,
      body: { name: 'Spring Gala 2027' },
    });
    expect(edited.status).toBe(200);
    expect(edited.json.name).toBe('Spring Gala 2027');

    const empty = await api<Err>('patch', `/api/staff/events/${created.json.id}`, {
      token: admin.token,
      body: {},
    });
    expect(empty.status).toBe(400);
    const extra = await api<Err>('patch', `/api/staff/events/${created.json.id}`, {
      token: admin.token,
      body: { venue: 'x' },
    });
    expect(extra.status).toBe(400);
    expect(extra.json.error.message).toContain('Unrecognized key');

    const list = await api<{ events: EventDto[] }>('get', '/api/staff/events', { token: box.token });
    expect(list.json.events.some((e) => e.id === created.json.id)).toBe(true);
    const one = await api<EventDto>('get', `/api/staff/events/${created.json.id}`, { token: box.token });
    expect(one.json.name).toBe('Spring Gala 2027');

    const [updated] = await audit(`action=event.updated&entityId=${created.json.id}`);
    expect(updated).toMatchObject({
      actor: `token:${admin.tokenId}`,
      before: { name: 'Spring Gala' },
      after: { name: 'Spring Gala 2027' },
    });
    expect(await audit(`action=event.created&entityId=${created.json.id}`)).toHaveLength(1);
  });
});

describe('showtimes', () => {
  it('creates a showtime with a 10-second hold TTL, its prices and GA zone inventory', async () => {
    const v = await newVenue();
    const e = await newEvent();
    const res = await api<ShowtimeDto>('post', '/api/staff/showtimes', {
      token: admin.token,
      body: showtimeBody(e.id, v.id),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      eventId: e.id,
      venueId: v.id,
      saleState: 'scheduled',
      holdTtlSeconds: 10,
      perBuyerLimit: 4,
      currency: 'EUR',
      buyerRefunds: true,
      prices: smallTheatrePrices,
      zones: [{ zoneKey: 'BAR', capacity: 40, claimed: 0 }],
    });
    const [entry] = await audit(`showtimeId=${res.json.id}`);
    expect(entry).toMatchObject({ action: 'showtime.created', after: { holdTtlSeconds: 10 } });

    const defaults = await api<ShowtimeDto>('post', '/api/staff/showtimes', {
      token: admin.token,
      body: {
        eventId: e.id,
        venueId: v.id,
        startsAt: '2030-01-01T20:00:00Z',
        saleOpensAt: '2029-12-01T10:00:00Z',
        saleClosesAt: '2030-01-01T19:00:00Z',
        prices: smallTheatrePrices,
      },
    });
    expect(defaults.status).toBe(201);
    expect(defaults.json).toMatchObject({ holdTtlSeconds: 900, perBuyerLimit: null, currency: 'EUR' });

    const list = await api<{ showtimes: ShowtimeDto[] }>('get', `/api/staff/showtimes?eventId=${e.id}`, {
      token: box.token,
    });
    expect(list.json.showtimes.map((s) => s.id).sort()).toEqual([res.json.id, defaults.json.id].sort());
    const scheduled = await api<{ showtimes: ShowtimeDto[] }>(
      'get',
      `/api/staff/showtimes?venueId=${v.id}&state=on_sale`,
      {
        token: box.token,
      },
    );
    expect(scheduled.json.showtimes).toEqual([]);
  });

  it('validates hold TTL bounds, the sale window, references and price coverage precisely', async () => {
    const v = await newVenue();
    const e = await newEvent();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ holdTtlSeconds: 4 }, 'body.holdTtlSeconds'],
      [{ holdTtlSeconds: 7201 }, 'body.holdTtlSeconds'],
      [{ holdTtlSeconds: 5.5 }, 'body.holdTtlSeconds'],
      [{ perBuyerLimit: 0 }, 'body.perBuyerLimit'],
      [{ currency: 'euro' }, 'body.currency'],
      [{ startsAt: 'tomorrow' }, 'body.startsAt'],
      [{ saleOpensAt: '2030-01-02T00:00:00Z', saleClosesAt: '2030-01-01T00:00:00Z' }, 'body.saleClosesAt'],
      [{ prices: { ...smallTheatrePrices, front: -1 } }, 'body.prices.front'],
      [{ prices: { front: 1, rear: 1, balcony: 1 } }, 'body.prices.standing'],
      [{ prices: { ...smallTheatrePrices, vip: 1 } }, 'body.prices.vip'],
      [{ eventId: 'cnotthere000000000000000' }, 'body.eventId'],
      [{ venueId: 'cnotthere000000000000000' }, 'body.venueId'],
      [{ saleState: 'on_sale' }, 'body'],
    ];
    for (const [extra, path] of cases) {
      const res = await api<Err>('post', '/api/staff/showtimes', {
        token: admin.token,
        body: showtimeBody(e.id, v.id, extra),
      });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(
        res.json.error.issues?.map((i) => i.path),
        JSON.stringify(extra),
      ).toContain(path);
    }
    expect(await stack.container.prisma.showtime.count({ where: { venueId: v.id } })).toBe(0);
  });

  it('edits times, limits and prices; audits before and after', async () => {
    const st = await newShowtime();
    const res = await api<ShowtimeDto>('patch', `/api/staff/showtimes/${st.id}`, {
      token: admin.token,
      body: { holdTtlSeconds: 600, perBuyerLimit: null, prices: { front: 6000 } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      holdTtlSeconds: 600,
      perBuyerLimit: null,
      prices: { ...smallTheatrePrices, front: 6000 },
    });

    const window = await api<Err>('patch', `/api/staff/showtimes/${st.id}`, {
      token: admin.token,
      body: { saleClosesAt: '2000-01-01T00:00:00Z' },
    });
    expect(window.status).toBe(400);
    expect(window.json.error.issues?.[0]?.path).toBe('body.saleClosesAt');
    const unknownCat = await api<Err>('patch', `/api/staff/showtimes/${st.id}`, {
      token: admin.token,
      body: { prices: { vip: 1 } },
    });
    expect(unknownCat.json.error.issues?.[0]?.path).toBe('body.prices.vip');
    const venueMove = await api<Err>('patch', `/api/staff/showtimes/${st.id}`, {
      token: admin.token,
      body: { venueId: st.venueId },
    });
    expect(venueMove.status).toBe(400);

    const [entry] = await audit(`showtimeId=${st.id}&action=showtime.updated`);
    expect(entry!.before).toMatchObject({ holdTtlSeconds: 10, perBuyerLimit: 4, prices: { front: 5000 } });
    expect(entry!.after).toMatchObject({ holdTtlSeconds: 600, perBuyerLimit: null, prices: { front: 6000 } });
  });
});

describe('sale control', () => {
  let hooked: RunningNode;
  let hookedApi: Api;
  const calls: string[] = [];
  let failOpen = false;
  const hooks: SaleHooks = {
    opened: (id) => {
      calls.push(`opened:${id}`);
      return failOpen ? Promise.reject(new Error('redis down')) : Promise.resolve();
    },
    stateChanged: (id, state) => {
      calls.push(`state:${id}:${state}`);
      return Promise.resolve();
    },
  };

  beforeAll(async () => {
    // A second node on the same container, with sale hooks that record calls (and can fail on demand).
    hooked = await startNode(stack.container, {
      web: true,
      worker: false,
      port: 0,
      services: { saleHooks: hooks },
    });
    hookedApi = apiClient(hooked.url);
  });
  afterAll(async () => {
    await hooked?.stop();
  });

  const act = (id: string, action: string, token = admin.token) =>
    hookedApi<{ showtimeId: string; previous: SaleStateName; saleState: SaleStateName } & Partial<Err>>(
      'post',
      `/api/staff/showtimes/${id}/sale/${action}`,
      { token },
    );

  it('walks open → pause → resume → close, telling the inventory engine and auditing each step', async () => {
    const st = await newShowtime();
    calls.length = 0;
    const steps: Array<[string, SaleStateName, SaleStateName]> = [
      ['open', 'scheduled', 'on_sale'],
      ['pause', 'on_sale', 'paused'],
      ['resume', 'paused', 'on_sale'],
      ['close', 'on_sale', 'closed'],
    ];
    for (const [action, previous, saleState] of steps) {
      const res = await act(st.id, action);
      expect(res.status, res.text).toBe(200);
      expect(res.json).toEqual({ showtimeId: st.id, previous, saleState });
    }
    expect(calls).toEqual([
      `opened:${st.id}`,
      `state:${st.id}:on_sale`,
      `state:${st.id}:paused`,
      `state:${st.id}:on_sale`,
      `state:${st.id}:closed`,
    ]);
    // Without a trailing dot the action filter is exact.
    expect(await audit(`showtimeId=${st.id}&action=showtime.sale`)).toEqual([]);
    const sale = (await audit(`showtimeId=${st.id}&action=showtime.`)).filter((e) =>
      e.action.startsWith('showtime.sale_'),
    );
    expect(sale.map((e) => [e.action, e.before, e.after, e.actor])).toEqual([
      ['showtime.sale_closed', { saleState: 'on_sale' }, { saleState: 'closed' }, `token:${admin.tokenId}`],
      ['showtime.sale_resumed', { saleState: 'paused' }, { saleState: 'on_sale' }, `token:${admin.tokenId}`],
      ['showtime.sale_paused', { saleState: 'on_sale' }, { saleState: 'paused' }, `token:${admin.tokenId}`],
      [
        'showtime.sale_opened',
        { saleState: 'scheduled' },
        { saleState: 'on_sale' },
        `token:${admin.tokenId}`,
      ],
    ]);
  });

  it('refuses illegal transitions with invalid_transition and unknown actions with 404', async () => {
    const st = await newShowtime();
    for (const action of ['pause', 'resume']) {
      const res = await act(st.id, action);
      expect(res.status).toBe(409);
      expect(res.json.error?.code).toBe('invalid_transition');
    }
    expect((await act(st.id, 'open')).status).toBe(200);
    expect((await act(st.id, 'open')).json.error?.code).toBe('invalid_transition');
    expect((await act(st.id, 'close')).status).toBe(200);
    for (const action of ['open', 'pause', 'resume', 'close'])
      expect((await act(st.id, action)).json.error?.code).toBe('invalid_transition');
    expect((await act(st.id, 'explode')).status).toBe(404);
    expect((await act('cnotthere000000000000000', 'open')).status).toBe(404);
    expect((await act(st.id, 'open', box.token)).status).toBe(403);
  });

  it('keeps the sale closed when the inventory cannot be loaded', async () => {
    const st = await newShowtime();
    failOpen = true;
    try {
      const res = await act(st.id, 'open');
      expect(res.status).toBe(500);
      expect(res.json.error?.code).toBe('internal');
    } finally {
      failOpen = false;
    }
    const now = await api<ShowtimeDto>('get', `/api/staff/showtimes/${st.id}`, { token: admin.token });
    expect(now.json.saleState).toBe('scheduled');
    expect(await audit(`showtimeId=${st.id}&action=showtime.sale_opened`)).toEqual([]);
  });

  it('lets exactly one of many concurrent opens win', async () => {
    const st = await newShowtime();
    const results = await Promise.all(Array.from({ length: 8 }, () => act(st.id, 'open')));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 409)
        .map((r) => r.json.error?.code)
        .every((c) => c === 'invalid_transition' || c === 'conflict'),
    ).toBe(true);
    expect(await audit(`showtimeId=${st.id}&action=showtime.sale_opened`)).toHaveLength(1);
  });

  it('refuses to open a sale while a category has no price', async () => {
    const v = await newVenue();
    const st = await newShowtime({}, v);
    const doc = smallTheatre(v.slug);
    doc.categories.push({ key: 'vip', name: 'VIP', color: '#000000' });
    doc.gaZones[0]!.category = 'vip';
    expect(
      (await api('put', `/api/staff/venues/${v.id}/layout`, { token: admin.token, body: doc })).status,
    ).toBe(200);
    const res = await act(st.id, 'open');
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'conflict', details: { missing: ['vip'] } });
    await api('patch', `/api/staff/showtimes/${st.id}`, {
      token: admin.token,
      body: { prices: { vip: 9900 } },
    });
    expect((await act(st.id, 'open')).status).toBe(200);
  });
});

describe('public read API', () => {
  it('lists events with showtimes and serves one by id or slug, without signing in', async () => {
    const st = await newShowtime();
    const ev = await api<EventDto>('get', `/api/staff/events/${st.eventId}`, { token: admin.token });
    const list = await api<{ events: PublicEvent[] }>('get', '/api/events');
    expect(list.status).toBe(200);
    const mine = list.json.events.find((e) => e.id === st.eventId);
    expect(mine?.showtimes).toEqual([
      {
        id: st.id,
        venue: expect.objectContaining({ id: st.venueId }) as unknown,
        startsAt: st.startsAt,
        saleOpensAt: st.saleOpensAt,
        saleClosesAt: st.saleClosesAt,
        saleState: 'scheduled',
      },
    ]);
    const bySlug = await api<PublicEvent>('get', `/api/events/${ev.json.slug}`);
    const byId = await api<PublicEvent>('get', `/api/events/${st.eventId}`);
    expect(bySlug.json).toEqual(byId.json);
    expect(bySlug.json.slug).toBe(ev.json.slug);
    expect((await api<Err>('get', '/api/events/no-such-event')).status).toBe(404);
    expect((await api<Err>('get', '/api/events/bad%20slug!')).status).toBe(404);
  });

  it('serves a showtime with prices, zones and a versioned seat-map URL, revalidated with an ETag', async () => {
    const st = await newShowtime();
    const res = await api<PublicShowtime>('get', `/api/showtimes/${st.id}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: st.id,
      saleState: 'scheduled',
      holdTtlSeconds: 10,
      perBuyerLimit: 4,
      currency: 'EUR',
      layoutVersion: 1,
      seatMapUrl: `/api/venues/${st.venueId}/seatmap?v=1`,
      gaZones: [{ key: 'BAR', name: 'Standing by the bar', capacity: 40, category: 'standing' }],
    });
    expect(res.json.categories).toContainEqual({
      key: 'front',
      name: 'Front stalls',
      color: '#d62728',
      priceCents: 5000,
    });
    expect(res.json).not.toHaveProperty('zones');
    // Section names, so buyers read a seat label as the map says it (issue 17).
    expect(res.json.sections).toEqual(
      smallTheatre()
        .sections.map((x) => ({ key: x.key, name: x.name }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    );

    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(res.headers.get('cache-control')).toBe('public, no-cache');
    const again = await api('get', `/api/showtimes/${st.id}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');

    await api('post', `/api/staff/showtimes/${st.id}/sale/open`, { token: admin.token });
    const changed = await api<PublicShowtime>('get', `/api/showtimes/${st.id}`, {
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.json.saleState).toBe('on_sale');
    expect(changed.headers.get('etag')).not.toBe(etag);

    const events = await api('get', '/api/events');
    expect(
      (await api('get', '/api/events', { headers: { 'if-none-match': events.headers.get('etag')! } })).status,
    ).toBe(304);
    expect((await api('get', '/api/showtimes/cnotthere000000000000000')).status).toBe(404);
  });

  it('serves the seat map immutable per layout version and redirects stale versions', async () => {
    const doc = smallTheatre(unique('map'));
    const v = await newVenue(doc);
    const current = await api<SeatMapDocument>('get', `/api/venues/${v.id}/seatmap?v=1`);
    expect(current.status).toBe(200);
    expect(current.json).toEqual(doc);
    expect(current.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(current.headers.get('x-layout-version')).toBe('1');
    const etag = current.headers.get('etag')!;
    expect(
      (await api('get', `/api/venues/${v.id}/seatmap?v=1`, { headers: { 'if-none-match': etag } })).status,
    ).toBe(304);

    const unversioned = await api('get', `/api/venues/${v.id}/seatmap`);
    expect(unversioned.status).toBe(200);
    expect(unversioned.headers.get('cache-control')).toBe('public, no-cache');

    const doc2 = { ...doc, name: 'Small Theatre (renovated)' };
    expect(
      (await api('put', `/api/staff/venues/${v.id}/layout`, { token: admin.token, body: doc2 })).status,
    ).toBe(200);
    const stale = await api('get', `/api/venues/${v.id}/seatmap?v=1`);
    expect(stale.status).toBe(302);
    expect(stale.headers.get('location')).toBe(`/api/venues/${v.id}/seatmap?v=2`);
    const fresh = await api<SeatMapDocument>('get', `/api/venues/${v.id}/seatmap?v=2`);
    expect(fresh.json.name).toBe('Small Theatre (renovated)');
    expect(fresh.headers.get('etag')).not.toBe(etag);

    expect((await api('get', '/api/venues/cnotthere000000000000000/seatmap?v=1')).status).toBe(404);
    expect((await api('get', `/api/venues/${v.id}/seatmap?v=zero`)).status).toBe(400);
  });
});

describe('audit log', () => {
  it('filters by showtime, actor and action, newest first, in pages', async () => {
    const st = await newShowtime();
    for (const hold of [11, 12, 13])
      await api('patch', `/api/staff/showtimes/${st.id}`, {
        token: admin.token,
        body: { holdTtlSeconds: hold },
      });
    const all = await audit(`showtimeId=${st.id}`);
    expect(all.map((e) => e.action)).toEqual([
      'showtime.updated',
      'showtime.updated',
      'showtime.updated',
      'showtime.created',
    ]);
    expect(all.map((e) => (e.after as { holdTtlSeconds: number }).holdTtlSeconds)).toEqual([13, 12, 11, 10]);

    const page1 = await api<{ entries: AuditEntryDto[]; nextCursor: string | null }>(
      'get',
      `/api/staff/audit?showtimeId=${st.id}&limit=3`,
      { token: admin.token },
    );
    expect(page1.json.entries).toHaveLength(3);
    const page2 = await api<{ entries: AuditEntryDto[]; nextCursor: string | null }>(
      'get',
      `/api/staff/audit?showtimeId=${st.id}&limit=3&cursor=${page1.json.nextCursor}`,
      { token: admin.token },
    );
    expect(page2.json.entries.map((e) => e.action)).toEqual(['showtime.created']);
    expect(page2.json.nextCursor).toBeNull();

    const byActor = await audit(`actor=token:${admin.tokenId}&showtimeId=${st.id}`);
    expect(byActor).toHaveLength(4);
    expect(await audit(`actor=token:nobody&showtimeId=${st.id}`)).toEqual([]);
    expect((await api<Err>('get', '/api/staff/audit?limit=1000', { token: admin.token })).status).toBe(400);
    expect((await api<Err>('get', '/api/staff/audit', { token: box.token })).status).toBe(403);
  });
});

describe('OpenAPI and reference page', () => {
  it('documents every route, with request schemas from the zod contracts', async () => {
    type Schema = {
      required?: string[];
      additionalProperties?: boolean;
      properties?: Record<string, Schema>;
      enum?: string[];
      minimum?: number;
      maximum?: number;
    };
    type Op = {
      'x-access': string;
      security: unknown[];
      parameters?: Array<{ name: string; in: string; schema: Schema }>;
      requestBody?: { content: Record<string, { schema: Schema }> };
      responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
    };
    const res = await api<{ openapi: string; paths: Record<string, Record<string, Op>> }>(
      'get',
      '/api/openapi.json',
    );
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const op = (path: string, method: string) => {
      const found = res.json.paths[path]?.[method];
      if (!found) throw new Error(`${method} ${path} is not documented`);
      return found;
    };
    for (const r of stack.node.routes) op(r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'), r.method);

    const createVenue = op('/api/staff/venues', 'post');
    expect(createVenue['x-access']).toBe('admin');
    const body = createVenue.requestBody!.content['application/json']!.schema;
    expect(body.required).toEqual(expect.arrayContaining(['name', 'slug', 'categories']));
    expect(body.additionalProperties).toBe(false);
    const sale = op('/api/staff/showtimes/{id}/sale/{action}', 'post');
    expect(sale.parameters?.find((p) => p.name === 'action')).toMatchObject({
      in: 'path',
      schema: { enum: ['open', 'pause', 'resume', 'close'] },
    });
    expect(sale.security).toEqual([{ staffSession: [] }, { apiToken: [] }]);
    expect(op('/api/events', 'get').security).toEqual([]);
    const showtime = op('/api/staff/showtimes', 'post').requestBody!.content['application/json']!.schema;
    expect(showtime.properties?.holdTtlSeconds).toMatchObject({ minimum: 5, maximum: 7200 });
    const pub = op('/api/showtimes/{id}', 'get').responses['200']!.content!['application/json']!.schema;
    expect(pub.properties).toHaveProperty('seatMapUrl');
  });

  it('serves an offline reference page: our own script, nothing from a CDN', async () => {
    const page = await api('get', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('<script src="/api/docs/app.js" defer></script>');
    expect(page.text).not.toMatch(/https?:\/\//);
    const js = await api('get', '/api/docs/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.text).toContain("fetch('/api/openapi.json')");
    expect(js.text).not.toMatch(/https?:\/\//);
  });
});
