import {
  auditListSchema,
  auditQuerySchema,
  eventCreateSchema,
  eventListSchema,
  eventSchema,
  eventUpdateSchema,
  idOrSlugParamsSchema,
  idParamsSchema,
  publicEventListSchema,
  publicEventSchema,
  publicShowtimeSchema,
  saleControlParamsSchema,
  saleControlResultSchema,
  seatMapBodySchema,
  seatMapDocumentSchema,
  seatMapQuerySchema,
  showtimeCreateSchema,
  showtimeListQuerySchema,
  showtimeListSchema,
  showtimeSchema,
  showtimeUpdateSchema,
  venueListSchema,
  venueSchema,
} from '@seatrush/shared';
import { route, type RouteDef } from './route.ts';
import { DomainError } from '../domain/errors.ts';
import { sendCachedJson, weakEtag } from './etag.ts';
import { listAudit } from '../audit/audit.ts';
import type { CatalogDeps } from '../catalog/common.ts';
import {
  createVenue,
  getSeatMapDocument,
  getVenue,
  listVenues,
  updateVenueLayout,
} from '../catalog/venues.ts';
import { createEvent, getEvent, listEvents, updateEvent } from '../catalog/events.ts';
import { createShowtime, getShowtime, listShowtimes, updateShowtime } from '../catalog/showtimes.ts';
import { changeSaleState } from '../catalog/sale-control.ts';
import { getPublicEvent, getPublicShowtime, listPublicEvents, seatMapPath } from '../catalog/public.ts';
import { actorOf } from '../auth/principal.ts';

/** Public reads are revalidated every time (state changes), cheaply, thanks to the ETag. */
const REVALIDATE = 'public, no-cache';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * A few serialised seat maps per process, keyed by venue and layout version: a 20,000-seat map is ~1 MB of
 * JSON, and a version never changes, so it is built once rather than on every request.
 */
class SeatMapCache {
  private readonly entries = new Map<string, { json: string; etag: string }>();
  constructor(private readonly max = 16) {}
  get(key: string) {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }
  set(key: string, value: { json: string; etag: string }) {
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** Venues, events, showtimes, sale control and the audit log: staff routes and the public read API. */
export function catalogRoutes(deps: CatalogDeps): RouteDef[] {
  return [
    ...publicRoutes(deps, new SeatMapCache()),
    ...venueRoutes(deps),
    ...eventRoutes(deps),
    ...showtimeRoutes(deps),
    ...auditRoutes(deps),
  ];
}

/** The public read API: events, showtimes and seat maps, cached by ETag. */
function publicRoutes(deps: CatalogDeps, seatMaps: SeatMapCache): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/events',
      access: 'public',
      summary: 'Events with their showtimes',
      tags: ['public'],
      response: publicEventListSchema,
      handler: async ({ req, res }) =>
        sendCachedJson(req, res, JSON.stringify({ events: await listPublicEvents(deps) }), {
          cacheControl: REVALIDATE,
        }),
    }),
    route({
      method: 'get',
      path: '/api/events/:idOrSlug',
      access: 'public',
      summary: 'One event (by id or slug) with its showtimes',
      tags: ['public'],
      params: idOrSlugParamsSchema,
      response: publicEventSchema,
      handler: async ({ params, req, res }) =>
        sendCachedJson(req, res, JSON.stringify(await getPublicEvent(deps, params.idOrSlug)), {
          cacheControl: REVALIDATE,
        }),
    }),
    route({
      method: 'get',
      path: '/api/showtimes/:id',
      access: 'public',
      summary:
        'A showtime: sale state and window, hold TTL, limit, categories with prices, GA zones, seat-map URL',
      tags: ['public'],
      params: idParamsSchema,
      response: publicShowtimeSchema,
      handler: async ({ params, req, res }) =>
        sendCachedJson(req, res, JSON.stringify(await getPublicShowtime(deps, params.id)), {
          cacheControl: REVALIDATE,
        }),
    }),
    route({
      method: 'get',
      path: '/api/venues/:id/seatmap',
      access: 'public',
      summary:
        'The seat-map document. With ?v=<current layoutVersion> it is immutable (cached for a year); another v redirects to the current one',
      tags: ['public'],
      params: idParamsSchema,
      query: seatMapQuerySchema,
      response: seatMapDocumentSchema,
      handler: async ({ params, query, req, res }) => {
        const head = await deps.prisma.venue.findUnique({
          where: { id: params.id },
          select: { layoutVersion: true },
        });
        if (!head) throw new DomainError('not_found', 'No such venue.');
        const version = head.layoutVersion;
        if (query.v !== undefined && query.v !== version) {
          res.setHeader('Cache-Control', 'no-cache');
          res.redirect(302, seatMapPath(params.id, version));
          return undefined;
        }
        const key = `${params.id}@${version}`;
        let entry = seatMaps.get(key);
        if (!entry) {
          const { layoutVersion, document } = await getSeatMapDocument(deps, params.id);
          const json = JSON.stringify(document);
          entry = { json, etag: weakEtag(json) };
          // A layout change may land between the two reads; only cache what matches the key.
          if (layoutVersion === version) seatMaps.set(key, entry);
        }
        return sendCachedJson(req, res, entry.json, {
          etag: entry.etag,
          cacheControl: query.v === version ? IMMUTABLE : REVALIDATE,
          headers: { 'X-Layout-Version': String(version) },
        });
      },
    }),
  ];
}

/** Staff: venues and their seat-map layouts. */
function venueRoutes(deps: CatalogDeps): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/staff/venues',
      access: 'box_office',
      summary: 'List venues with their seat counts',
      tags: ['venues'],
      response: venueListSchema,
      handler: async () => ({ body: { venues: await listVenues(deps) } }),
    }),
    route({
      method: 'get',
      path: '/api/staff/venues/:id',
      access: 'box_office',
      summary: 'One venue with its seat counts (the document itself: GET /api/venues/:id/seatmap)',
      tags: ['venues'],
      params: idParamsSchema,
      response: venueSchema,
      handler: async ({ params }) => ({ body: await getVenue(deps, params.id) }),
    }),
    route({
      method: 'post',
      path: '/api/staff/venues',
      access: 'admin',
      summary: 'Create a venue from a seat-map document (docs/seat-map-format.md)',
      tags: ['venues'],
      body: seatMapBodySchema,
      response: venueSchema,
      handler: async ({ body, principal }) => ({
        status: 201,
        body: await createVenue(deps, body, actorOf(principal)),
      }),
    }),
    route({
      method: 'put',
      path: '/api/staff/venues/:id/layout',
      access: 'admin',
      summary:
        'Replace the seat layout (refused with layout_locked once any of its showtimes has sold or reserved tickets)',
      tags: ['venues'],
      params: idParamsSchema,
      body: seatMapBodySchema,
      response: venueSchema,
      handler: async ({ params, body, principal }) => ({
        body: await updateVenueLayout(deps, params.id, body, actorOf(principal)),
      }),
    }),
  ];
}

/** Staff: events. */
function eventRoutes(deps: CatalogDeps): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/staff/events',
      access: 'box_office',
      summary: 'List events',
      tags: ['events'],
      response: eventListSchema,
      handler: async () => ({ body: { events: await listEvents(deps) } }),
    }),
    route({
      method: 'get',
      path: '/api/staff/events/:id',
      access: 'box_office',
      summary: 'One event',
      tags: ['events'],
      params: idParamsSchema,
      response: eventSchema,
      handler: async ({ params }) => ({ body: await getEvent(deps, params.id) }),
    }),
    route({
      method: 'post',
      path: '/api/staff/events',
      access: 'admin',
      summary: 'Create an event',
      tags: ['events'],
      body: eventCreateSchema,
      response: eventSchema,
      handler: async ({ body, principal }) => ({
        status: 201,
        body: await createEvent(deps, body, actorOf(principal)),
      }),
    }),
    route({
      method: 'patch',
      path: '/api/staff/events/:id',
      access: 'admin',
      summary: "Change an event's slug, name or description",
      tags: ['events'],
      params: idParamsSchema,
      body: eventUpdateSchema,
      response: eventSchema,
      handler: async ({ params, body, principal }) => ({
        body: await updateEvent(deps, params.id, body, actorOf(principal)),
      }),
    }),
  ];
}

/** Staff: showtimes and their sale control. */
function showtimeRoutes(deps: CatalogDeps): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/staff/showtimes',
      access: 'box_office',
      summary: 'List showtimes, optionally by event, venue or sale state',
      tags: ['showtimes'],
      query: showtimeListQuerySchema,
      response: showtimeListSchema,
      handler: async ({ query }) => ({ body: { showtimes: await listShowtimes(deps, query) } }),
    }),
    route({
      method: 'get',
      path: '/api/staff/showtimes/:id',
      access: 'box_office',
      summary: 'One showtime with prices and GA zone counters',
      tags: ['showtimes'],
      params: idParamsSchema,
      response: showtimeSchema,
      handler: async ({ params }) => ({ body: await getShowtime(deps, params.id) }),
    }),
    route({
      method: 'post',
      path: '/api/staff/showtimes',
      access: 'admin',
      summary: 'Create a showtime (prices must cover every category of the venue); its sale starts scheduled',
      tags: ['showtimes'],
      body: showtimeCreateSchema,
      response: showtimeSchema,
      handler: async ({ body, principal }) => ({
        status: 201,
        body: await createShowtime(deps, body, actorOf(principal)),
      }),
    }),
    route({
      method: 'patch',
      path: '/api/staff/showtimes/:id',
      access: 'admin',
      summary: "Change a showtime's times, hold TTL, per-buyer limit, currency or prices",
      tags: ['showtimes'],
      params: idParamsSchema,
      body: showtimeUpdateSchema,
      response: showtimeSchema,
      handler: async ({ params, body, principal }) => ({
        body: await updateShowtime(deps, params.id, body, actorOf(principal)),
      }),
    }),
    route({
      method: 'post',
      path: '/api/staff/showtimes/:id/sale/:action',
      access: 'admin',
      summary: 'Sale control: open (scheduled→on_sale), pause, resume, close',
      tags: ['showtimes'],
      params: saleControlParamsSchema,
      response: saleControlResultSchema,
      handler: async ({ params, principal }) => ({
        body: await changeSaleState(deps, params.id, params.action, actorOf(principal)),
      }),
    }),
  ];
}

/** Admins: the audit log. */
function auditRoutes(deps: CatalogDeps): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/staff/audit',
      access: 'admin',
      summary:
        'The audit log, newest first, filtered by showtime, actor, action (or action prefix ending in "."), entity',
      tags: ['audit'],
      query: auditQuerySchema,
      response: auditListSchema,
      handler: async ({ query }) => ({ body: await listAudit(deps.prisma, query) }),
    }),
  ];
}
