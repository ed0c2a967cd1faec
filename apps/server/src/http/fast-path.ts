import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import {
  availabilityQuerySchema,
  errorStatus,
  holdRequestSchema,
  queueJoinSchema,
  showtimeParamsSchema,
  type HoldRequest,
  type QueueJoin,
} from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics, Tally } from '../observability/metrics.ts';
import { parsePart } from './app.ts';
import { errorEnvelope, retryAfterOf, toDomainError } from './errors.ts';
import { AVAILABILITY_ROUTE, HOLD_ROUTE, holdInput, holdStatus, wantsLabels } from './holds.ts';
import type { HoldUseCases } from '../application/holds/use-cases.ts';
import { requestIdOf } from './request-id.ts';
import { decode, JSON_TYPE, Memo, NOT_JSON, parseJsonBody, readBody } from './fast-path-parts.ts';
import { clientAddress } from './client-address.ts';
import type { ProxyTrust } from '../config/trust-proxy.ts';
import { type BuyerPrincipal, type Principal } from '../auth/principal.ts';
import type { WaitingRoomUseCases } from '../application/waiting-room/waiting-room.ts';
import { QUEUE_ROUTE } from './waiting-room.ts';

/**
 * The hot-path dispatcher: answers the routes a flash sale hammers — `POST /api/showtimes/:id/holds`,
 * `GET /api/showtimes/:id/availability` and the waiting room's join, `POST /api/showtimes/:id/queue` — on the bare
 * `http` server, before Express sees the request
 * (ENVIRONMENT.md measured Express at a quarter of bare `http` here). Everything else returns false and goes to
 * Express. It keeps the route table's contract: same zod schemas (validated with the same `parsePart`), same
 * authentication (the buyer session resolver) and CSRF rule, same use cases (application/holds, through the
 * helpers of http/holds.ts; application/waiting-room's `join`), same rate limit (the join's `queueJoin`, counted by
 * http/rate-limits.ts's `takeRouteLimit`), same error envelope, same `x-request-id`. Express's route table still
 * lists every route (docs, access tests); a request the dispatcher declines (HEAD, trailing slash, a join without
 * a buyer session, ...) is answered there by the same use cases.
 */
export interface FastPathDeps {
  holds: Pick<HoldUseCases, 'holdSeats' | 'availability'>;
  /** The buyer session resolver (hold creation needs a buyer; no other principal may hold). */
  resolveBuyer: (req: IncomingMessage) => Principal | null;
  checkCsrf: (req: Request, principal: Principal | null) => void;
  logger: Logger;
  metrics: Metrics;
  /** Which peers' `X-Forwarded-For` is believed (config `TRUST_PROXY`), as Express's `req.ip` does. */
  trustProxy: ProxyTrust;
  /** The waiting room's join; without it `POST /api/showtimes/:id/queue` goes to Express. */
  queue?: {
    room: Pick<WaitingRoomUseCases, 'join'>;
    /** Counts the join against the `queueJoin` limits, as Express's route does (`takeRouteLimit`). */
    limit: (
      rawId: string,
      subject: { address: string | undefined; buyer: string },
    ) => null | Promise<DomainError | null>;
  };
}

export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const PREFIX = '/api/showtimes/';

export function createFastPath(deps: FastPathDeps): FastPath {
  const { holds, logger, metrics } = deps;
  const { send, sendError, sendBody } = responders(logger);

  // The same series Express records. Counts are tallies (observability/metrics.ts), one set per route, looked up by
  // status; durations are observed for the requests that did work — a sold-out answer from memory is counted, not
  // timed.
  const holdCounts = routeTallies(metrics, 'post', HOLD_ROUTE);
  const availabilityCounts = routeTallies(metrics, 'get', AVAILABILITY_ROUTE);
  const holdDuration = metrics.httpDuration.labels({ method: 'post', route: HOLD_ROUTE });
  const availabilityDuration = metrics.httpDuration.labels({ method: 'get', route: AVAILABILITY_ROUTE });
  const parsedBodies = new Memo<HoldRequest>();
  const parsedIds = new Memo<{ id: string }>();

  const parsedQueries = new Memo<{ withLabels: boolean }>();

  const holdDone = (started: number, status: number) => {
    holdDuration.observe((performance.now() - started) / 1000);
    holdCounts(status);
  };

  const hold = (req: IncomingMessage, res: ServerResponse, rawId: string, requestId: string) => {
    const started = performance.now();
    readBody(req, (err, text) => {
      if (err) {
        holdDone(started, sendError(res, err, requestId, HOLD_ROUTE));
        return;
      }
      try {
        // Same order as Express: JSON parsing (express.json), authentication, CSRF, media type, params, body.
        // A flood repeats the same body: its validated form is looked up, not parsed again (same errors first).
        let parsed = parsedBodies.get(text);
        const body = parsed ? null : parseJsonBody(req, text);
        const principal = deps.resolveBuyer(req);
        if (!principal) throw new DomainError('unauthenticated');
        deps.checkCsrf(req as unknown as Request, principal);
        if (!parsed) {
          if (body === NOT_JSON) throw new DomainError('unsupported_media_type');
          parsed = parsedBodies.remember(text, parsePart(holdRequestSchema, body, 'body'));
        } else if (!JSON_TYPE.test(req.headers['content-type'] ?? ''))
          throw new DomainError('unsupported_media_type');
        const params = parsedIds.get(rawId) ?? parsedIds.remember(rawId, parseShowtimeId(rawId));
        // A sold-out flood is answered right here, synchronously, from the node's gate.
        const placed = holds.holdSeats.place(
          holdInput(
            params.id,
            principal,
            { headers: req.headers, clientAddress: clientAddress(req, deps.trustProxy) },
            parsed,
          ),
        );
        if (placed instanceof DomainError) {
          holdCounts(sendError(res, placed, requestId, HOLD_ROUTE));
          return;
        }
        placed.then(
          (o) => {
            const status = holdStatus(o);
            send(res, status, JSON.stringify(o.hold), requestId);
            holdDone(started, status);
          },
          (e: unknown) => holdDone(started, sendError(res, e, requestId, HOLD_ROUTE)),
        );
      } catch (e) {
        holdDone(started, sendError(res, e, requestId, HOLD_ROUTE));
      }
    });
  };

  // A map load's answer is the availability use case's cached JSON text (one per showtime version): it is encoded
  // once per text, not once per request, and the params and query of a flood are validated once per spelling.
  const encoded = encodedBodies();
  const availability = (res: ServerResponse, rawId: string, search: string, requestId: string) => {
    const started = performance.now();
    const done = (status: number) => {
      availabilityDuration.observe((performance.now() - started) / 1000);
      availabilityCounts(status);
    };
    (async () => {
      const params = parsedIds.get(rawId) ?? parsedIds.remember(rawId, parseShowtimeId(rawId));
      const query =
        parsedQueries.get(search) ??
        parsedQueries.remember(search, {
          withLabels: wantsLabels(
            parsePart(availabilityQuerySchema, Object.fromEntries(new URLSearchParams(search)), 'query'),
          ),
        });
      const json = await holds.availability.json({ showtimeId: params.id, withLabels: query.withLabels });
      sendBody(res, encoded(params.id, query.withLabels, json), requestId);
      done(200);
    })().catch((err: unknown) => done(sendError(res, err, requestId, AVAILABILITY_ROUTE)));
  };

  const join = deps.queue
    ? queueJoin(deps, deps.queue, {
        send,
        sendError,
        count: routeTallies(metrics, 'post', QUEUE_ROUTE),
        parsedIds,
      })
    : null;

  return (req, res) => {
    const url = req.url;
    if (!url?.startsWith(PREFIX)) return false;
    const method = req.method;
    if (method !== 'POST' && method !== 'GET') return false;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const slash = path.indexOf('/', PREFIX.length);
    if (slash <= PREFIX.length) return false;
    const tail = path.slice(slash);
    const rawId = path.slice(PREFIX.length, slash);
    if (method === 'POST' && tail === '/holds') {
      hold(req, res, rawId, requestIdOf(req));
      return true;
    }
    if (method === 'POST' && tail === '/queue' && join) {
      // Without a buyer session Express answers (its authentication error names what is missing).
      const principal = deps.resolveBuyer(req);
      if (principal?.kind !== 'buyer') return false;
      join(req, res, principal, rawId, requestIdOf(req));
      return true;
    }
    if (method === 'GET' && tail === '/availability') {
      availability(res, rawId, q < 0 ? '' : url.slice(q + 1), requestIdOf(req));
      return true;
    }
    return false;
  };
}

/**
 * `POST /api/showtimes/:id/queue`: the waiting room's join (application/waiting-room), in Express's order — JSON
 * parsing, (authentication: the dispatcher's), CSRF, the `queueJoin` rate limit, media type, params, body.
 */
function queueJoin(
  deps: FastPathDeps,
  queue: NonNullable<FastPathDeps['queue']>,
  tools: Pick<ReturnType<typeof responders>, 'send' | 'sendError'> & {
    count: (status: number) => void;
    parsedIds: Memo<{ id: string }>;
  },
) {
  const { send, sendError, count, parsedIds } = tools;
  const duration = deps.metrics.httpDuration.labels({ method: 'post', route: QUEUE_ROUTE });
  const parsedJoins = new Memo<QueueJoin>();
  const done = (started: number, status: number) => {
    duration.observe((performance.now() - started) / 1000);
    count(status);
  };

  const run = async (
    req: IncomingMessage,
    res: ServerResponse,
    principal: BuyerPrincipal,
    rawId: string,
    requestId: string,
    text: string,
  ) => {
    // An empty body is `{}` whatever its media type: only bodies with text are remembered.
    let parsed = text.length ? parsedJoins.get(text) : undefined;
    const body = parsed ? null : parseJsonBody(req, text);
    deps.checkCsrf(req as unknown as Request, principal);
    const limited = queue.limit(decode(rawId), {
      address: clientAddress(req, deps.trustProxy),
      buyer: principal.buyerId,
    });
    const refused = limited === null ? null : await limited;
    if (refused) throw refused;
    if (!parsed) {
      if (body === NOT_JSON) throw new DomainError('unsupported_media_type');
      parsed = parsePart(queueJoinSchema, body, 'body');
      if (text.length) parsedJoins.remember(text, parsed);
    } else if (!JSON_TYPE.test(req.headers['content-type'] ?? ''))
      throw new DomainError('unsupported_media_type');
    const params = parsedIds.get(rawId) ?? parsedIds.remember(rawId, parseShowtimeId(rawId));
    const status = await queue.room.join(
      params.id,
      principal.buyerId,
      parsed.challenge === undefined ? undefined : { challenge: parsed.challenge },
    );
    send(res, 200, JSON.stringify(status), requestId);
  };

  return (
    req: IncomingMessage,
    res: ServerResponse,
    principal: BuyerPrincipal,
    rawId: string,
    requestId: string,
  ) => {
    const started = performance.now();
    readBody(req, (err, text) => {
      if (err) done(started, sendError(res, err, requestId, QUEUE_ROUTE));
      else
        run(req, res, principal, rawId, requestId, text).then(
          () => done(started, 200),
          (e: unknown) => done(started, sendError(res, e, requestId, QUEUE_ROUTE)),
        );
    });
  };
}

/** Counts a route's answers by status in its `seatrush_http_requests_total` tallies (one per status, made once). */
function routeTallies(metrics: Metrics, method: 'get' | 'post', route: string): (status: number) => void {
  const byStatus = new Map<number, Tally>();
  return (status) => {
    let t = byStatus.get(status);
    if (!t)
      byStatus.set(
        status,
        (t = metrics.tally(metrics.httpRequests, { method, route, status: String(status) })),
      );
    t.inc();
  };
}

/**
 * A response whose status, headers and body are the same every time but for the request id: its header list is
 * built once, with the request id's slot filled in for each answer (and emptied after, so no request's id stays).
 */
interface Prepared {
  status: number;
  /** Flat header list (name, value, ...) as `writeHead` takes it; `x-request-id`'s value at REQUEST_ID_SLOT. */
  headers: (string | number)[];
  body: string | Buffer;
}

/** The headers Express sends with a JSON answer (helmet's `nosniff`, `no-store` on the hold routes). */
const REQUEST_ID_SLOT = 9;
function jsonHeaders(length: number, retryAfter?: string): (string | number)[] {
  const headers: (string | number)[] = [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    length,
    'cache-control',
    'no-store',
    'x-content-type-options',
    'nosniff',
    'x-request-id',
    '',
  ];
  if (retryAfter !== undefined) headers.push('retry-after', retryAfter);
  return headers;
}

/**
 * The encoded form of each showtime's last availability text (with and without labels): the use case hands out
 * the same string until the showtime changes, so a flood of map loads writes one Buffer, not a fresh UTF-8
 * encoding and length count per request. At most 1,024 showtimes per variant are kept.
 */
function encodedBodies() {
  const variants = [
    new Map<string, Prepared & { json: string }>(),
    new Map<string, Prepared & { json: string }>(),
  ];
  return (showtimeId: string, withLabels: boolean, json: string): Prepared => {
    const byShowtime = variants[withLabels ? 1 : 0]!;
    const hit = byShowtime.get(showtimeId);
    if (hit?.json === json) return hit;
    const body = Buffer.from(json, 'utf8');
    const prepared = { status: 200, headers: jsonHeaders(body.length), body, json };
    if (!hit && byShowtime.size >= 1024) byShowtime.clear();
    byShowtime.set(showtimeId, prepared);
    return prepared;
  };
}

/** Writes the hot path's answers: JSON with the same headers as Express, errors in the shared envelope. */
function responders(logger: Logger) {
  // The sold-out answer is the same bytes every time: each error instance's answer is prepared once.
  const answers = new WeakMap<DomainError, Prepared>();

  /** A prepared answer: one header list walked by Node, one write of headers and body. */
  const sendBody = (res: ServerResponse, p: Prepared, requestId: string) => {
    p.headers[REQUEST_ID_SLOT] = requestId;
    res.writeHead(p.status, p.headers);
    p.headers[REQUEST_ID_SLOT] = '';
    res.end(p.body);
  };

  const send = (res: ServerResponse, status: number, json: string, requestId: string) => {
    const headers = jsonHeaders(Buffer.byteLength(json));
    headers[REQUEST_ID_SLOT] = requestId;
    res.writeHead(status, headers);
    res.end(json);
  };

  const sendError = (res: ServerResponse, err: unknown, requestId: string, route: string) => {
    // The same mapping as Express (http/errors.ts): an outage of PostgreSQL or Redis is `unavailable`, not a bug.
    let e = err instanceof DomainError ? err : toDomainError(err);
    if (!e) {
      logger.error({ err, requestId, route }, 'unhandled error');
      e = new DomainError('internal');
    } else if (e.code === 'unavailable' && e !== err)
      logger.warn({ err: (err as Error).message, requestId, route }, 'a store is unreachable');
    let answer = answers.get(e);
    if (answer === undefined) {
      const retryAfter = retryAfterOf(e);
      const json = JSON.stringify(errorEnvelope(e).body);
      answer = {
        status: errorStatus[e.code],
        headers: jsonHeaders(
          Buffer.byteLength(json),
          retryAfter === undefined ? undefined : String(retryAfter),
        ),
        body: json,
      };
      answers.set(e, answer);
    }
    sendBody(res, answer, requestId);
    return answer.status;
  };

  return { send, sendError, sendBody };
}

function parseShowtimeId(rawId: string): { id: string } {
  return parsePart(showtimeParamsSchema, { id: decode(rawId) }, 'params');
}
