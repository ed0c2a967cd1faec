import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import {
  availabilityQuerySchema,
  errorStatus,
  holdRequestSchema,
  showtimeParamsSchema,
  type HoldRequest,
} from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics, Tally } from '../observability/metrics.ts';
import { parsePart } from './app.ts';
import { errorEnvelope, retryAfterOf, toDomainError } from './errors.ts';
import { AVAILABILITY_ROUTE, HOLD_ROUTE, holdInput, holdStatus, wantsLabels } from './holds.ts';
import type { HoldUseCases } from '../application/holds/use-cases.ts';
import { requestIdOf } from './request-id.ts';
import { clientAddress } from './client-address.ts';
import type { ProxyTrust } from '../config/trust-proxy.ts';
import { type Principal } from '../auth/principal.ts';

/**
 * The hot-path dispatcher: answers the two routes a flash sale hammers — `POST /api/showtimes/:id/holds` and
 * `GET /api/showtimes/:id/availability` — on the bare `http` server, before Express sees the request
 * (ENVIRONMENT.md measured Express at a quarter of bare `http` here). Everything else returns false and goes to
 * Express. It keeps the route table's contract: same zod schemas (validated with the same `parsePart`), same
 * authentication (the buyer session resolver) and CSRF rule, same use cases (application/holds, through the
 * helpers of http/holds.ts), same error envelope, same `x-request-id`. Express's route table still lists both routes (docs, access tests); a request
 * the dispatcher declines (HEAD, trailing slash, ...) is answered there by the same use cases.
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
}

export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const PREFIX = '/api/showtimes/';
const BODY_LIMIT = 2 * 1024 * 1024;

export function createFastPath(deps: FastPathDeps): FastPath {
  const { holds, logger, metrics } = deps;
  const { send, sendError } = responders(logger);

  // The same series Express records. Counts are tallies (observability/metrics.ts), kept per route and status;
  // durations are observed for the requests that did work — a sold-out answer from memory is counted, not timed.
  const routeTallies = new Map<string, Map<number, Tally>>();
  const count = (method: 'get' | 'post', route: string, status: number) => {
    let byStatus = routeTallies.get(route);
    if (!byStatus) routeTallies.set(route, (byStatus = new Map<number, Tally>()));
    let t = byStatus.get(status);
    if (!t)
      byStatus.set(
        status,
        (t = metrics.tally(metrics.httpRequests, { method, route, status: String(status) })),
      );
    t.inc();
  };
  const holdDuration = metrics.httpDuration.labels({ method: 'post', route: HOLD_ROUTE });
  const availabilityDuration = metrics.httpDuration.labels({ method: 'get', route: AVAILABILITY_ROUTE });
  const parsedBodies = new Memo<HoldRequest>();
  const parsedIds = new Memo<{ id: string }>();

  const holdDone = (started: number, status: number) => {
    holdDuration.observe((performance.now() - started) / 1000);
    count('post', HOLD_ROUTE, status);
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
          count('post', HOLD_ROUTE, sendError(res, placed, requestId, HOLD_ROUTE));
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

  const availability = (res: ServerResponse, rawId: string, search: string, requestId: string) => {
    const started = performance.now();
    const done = (status: number) => {
      availabilityDuration.observe((performance.now() - started) / 1000);
      count('get', AVAILABILITY_ROUTE, status);
    };
    (async () => {
      const params = parseShowtimeId(rawId);
      const query = parsePart(
        availabilityQuerySchema,
        Object.fromEntries(new URLSearchParams(search)),
        'query',
      );
      const json = await holds.availability.json({ showtimeId: params.id, withLabels: wantsLabels(query) });
      send(res, 200, json, requestId);
      done(200);
    })().catch((err: unknown) => done(sendError(res, err, requestId, AVAILABILITY_ROUTE)));
  };

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
    if (method === 'GET' && tail === '/availability') {
      availability(res, rawId, q < 0 ? '' : url.slice(q + 1), requestIdOf(req));
      return true;
    }
    return false;
  };
}

/** Writes the hot path's answers: JSON with the same headers as Express, errors in the shared envelope. */
function responders(logger: Logger) {
  // The sold-out answer is the same bytes every time: serialise each error instance once.
  const answers = new WeakMap<
    DomainError,
    { status: number; json: string; length: number; retryAfter: string | undefined }
  >();

  // Headers as a flat list (name, value, ...): Node walks it without enumerating an object's keys.
  const send = (
    res: ServerResponse,
    status: number,
    json: string,
    requestId: string,
    retryAfter?: string,
    length = Buffer.byteLength(json),
  ) => {
    const headers = [
      'content-type',
      'application/json; charset=utf-8',
      'content-length',
      length,
      'cache-control',
      'no-store',
      'x-content-type-options',
      'nosniff',
      'x-request-id',
      requestId,
    ];
    if (retryAfter !== undefined) headers.push('retry-after', retryAfter);
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
        json,
        length: Buffer.byteLength(json),
        retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
      };
      answers.set(e, answer);
    }
    send(res, answer.status, answer.json, requestId, answer.retryAfter, answer.length);
    return answer.status;
  };

  return { send, sendError };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Reads the body (a callback, not a promise: this runs once per request of a flood). */
function readBody(req: IncomingMessage, done: (err: unknown, text: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > BODY_LIMIT) {
      failed = true;
      done(new DomainError('payload_too_large'), '');
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!failed)
      done(null, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
  });
  req.on('error', (err) => {
    if (failed) return;
    failed = true;
    done(err, '');
  });
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

function parseShowtimeId(rawId: string): { id: string } {
  return parsePart(showtimeParamsSchema, { id: decode(rawId) }, 'params');
}

/**
 * Validated request parts by their raw text (bodies of up to 512 characters, path ids), so the identical requests
 * of a flood skip JSON.parse and zod. Only successes are kept; values are frozen (shared between requests); the
 * memo forgets everything when it reaches 1,024 entries.
 */
class Memo<T extends object> {
  private readonly map = new Map<string, T>();
  get(key: string): T | undefined {
    return this.map.get(key);
  }
  remember(key: string, value: T): T {
    if (key.length > 512) return value;
    if (this.map.size >= 1024) this.map.clear();
    this.map.set(key, deepFreeze(value));
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const NOT_JSON = Symbol('not json');

/** Like `express.json({ strict: true })`: an empty body is `{}`, a body of another media type is not parsed. */
function parseJsonBody(req: IncomingMessage, text: string): unknown {
  if (!text.length) return {};
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) return NOT_JSON;
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[')
    throw new DomainError('malformed_json', 'The request body is not valid JSON.');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new DomainError('malformed_json', `The request body is not valid JSON: ${(e as Error).message}`);
  }
}
