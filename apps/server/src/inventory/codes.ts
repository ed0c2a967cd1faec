import { DomainError } from '../domain/errors.ts';
import type { Reply } from './scripts.ts';

/**
 * Business failures returned by the Lua scripts as negative numbers (the first element of the reply). The
 * numbers are part of the scripts' contract blocks; `error()` in Lua is reserved for bugs.
 */
export enum ScriptCode {
  NotLoaded = -1,
  SaleNotOpen = -2,
  SeatUnknown = -3,
  SeatUnavailable = -4,
  SoldOut = -5,
  LimitExceeded = -6,
  ZoneUnknown = -7,
  HoldNotFound = -8,
  HoldTokenInvalid = -9,
  HoldExpired = -10,
  HoldAlreadyExtended = -11,
  HoldConfirmed = -12,
  IdempotencyConflict = -13,
  AlreadyLoaded = -14,
  ConfirmedElsewhere = -15,
  HoldReleased = -16,
  /** reclaim-12: the hold is still live, so it is confirmed instead. */
  HoldLive = -17,
}

/** Parsed detail of a failure (the second element of the reply, JSON). */
export type FailureDetail = Record<string, unknown>;

/**
 * The one mapping from script codes to domain errors (and so to HTTP statuses and socket error acks).
 * `NotLoaded` and `AlreadyLoaded` are handled by the caller before they get here; reaching this with them is a bug.
 */
export function scriptError(code: ScriptCode, detail: FailureDetail = {}): DomainError {
  switch (code) {
    case ScriptCode.NotLoaded:
      return new DomainError('sale_not_open', undefined, { reason: 'not_loaded' });
    case ScriptCode.SaleNotOpen:
      return new DomainError('sale_not_open', undefined, pick(detail, ['state']));
    case ScriptCode.SeatUnknown:
      return new DomainError('seat_unknown', undefined, pick(detail, ['seats']));
    case ScriptCode.SeatUnavailable:
      return new DomainError('seat_unavailable', undefined, pick(detail, ['seats']));
    case ScriptCode.SoldOut:
      return new DomainError('sold_out', undefined, pick(detail, ['zone', 'available']));
    case ScriptCode.LimitExceeded:
      return new DomainError('limit_exceeded', undefined, pick(detail, ['limit', 'current', 'requested']));
    case ScriptCode.ZoneUnknown:
      return new DomainError('zone_unknown', undefined, pick(detail, ['zone']));
    case ScriptCode.HoldNotFound:
    case ScriptCode.HoldReleased:
      return new DomainError('hold_not_found');
    case ScriptCode.HoldTokenInvalid:
      return new DomainError('hold_token_invalid');
    case ScriptCode.HoldExpired:
      return new DomainError('hold_expired');
    case ScriptCode.HoldAlreadyExtended:
      return new DomainError('hold_already_extended');
    case ScriptCode.HoldConfirmed:
      return new DomainError('invalid_transition', 'That reservation has already been paid for.');
    case ScriptCode.IdempotencyConflict:
      return new DomainError('idempotency_conflict');
    case ScriptCode.ConfirmedElsewhere:
      return new DomainError('conflict', 'That reservation was paid by another order.');
    case ScriptCode.AlreadyLoaded:
      return new DomainError('conflict', 'The inventory of this showtime is already loaded.');
    case ScriptCode.HoldLive:
      return new DomainError('conflict', 'That reservation is still live.');
  }
}

function pick(detail: FailureDetail, keys: string[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (detail[k] !== undefined) out[k] = detail[k];
  return Object.keys(out).length ? out : undefined;
}

/** The status code of a script reply (1 and above: success; negative: a `ScriptCode`). */
export const codeOf = (reply: Reply): ScriptCode => Number(reply[0]);

/** Throws the domain error of a refused script reply (`{ code, detailJson, … }`). */
export function fail(reply: Reply): never {
  throw scriptError(codeOf(reply), parseDetail(reply[1]));
}

function parseDetail(raw: unknown): FailureDetail {
  if (typeof raw !== 'string' || !raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out = v as FailureDetail;
    // cjson encodes an empty Lua table as {}; lists are always lists to callers.
    for (const key of ['seats']) if (out[key] && !Array.isArray(out[key])) out[key] = [];
    return out;
  } catch {
    return {};
  }
}

/** A JSON list of a script reply (cjson encodes an empty Lua table as `{}`). */
export function jsonArray(raw: unknown): string[] {
  const v = JSON.parse(String(raw)) as unknown;
  return Array.isArray(v) ? (v as string[]) : [];
}
