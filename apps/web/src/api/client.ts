import { errorBodySchema } from '@seatrush/shared';
import type { z } from 'zod';
import { ApiError, isErrorCode } from './errors.ts';
import { noteServerDate } from '../lib/time.ts';

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** The shared zod schema of the success body: what arrived is checked at the edge. */
  schema?: z.ZodType<T>;
}

/** Where API calls go; tests and the bench page swap `fetch` for a fake. */
export const transport: { fetch: typeof fetch } = { fetch: (...args) => globalThis.fetch(...args) };

/**
 * Turns a non-2xx response into an ApiError using the shared error envelope
 * `{ ok:false, error:{ code, message, issues?, details? } }`. Anything else becomes `internal` (or `not_found`).
 */
export async function toApiError(res: Response): Promise<ApiError> {
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    json = undefined;
  }
  const envelope = json as { error?: unknown } | undefined;
  const parsed = errorBodySchema.safeParse(envelope?.error);
  if (parsed.success) {
    const e = parsed.data;
    return new ApiError(e.code, res.status, e.message, e.issues ?? [], e.details ?? {});
  }
  const rawCode = (envelope?.error as { code?: unknown } | undefined)?.code;
  const code = isErrorCode(rawCode) ? rawCode : res.status === 404 ? 'not_found' : 'internal';
  return new ApiError(code, res.status);
}

/** JSON request to the Seatrush API. Resolves with the (validated) body, rejects with ApiError. */
export async function request<T>(path: string, opts: RequestOptions<T> = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  const init: RequestInit = { method: opts.method ?? 'GET', headers, credentials: 'same-origin' };
  if (opts.signal) init.signal = opts.signal;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await transport.fetch(path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError('network', 0);
  }
  noteServerDate(res.headers.get('date'));
  if (!res.ok) throw await toApiError(res);
  const text = res.status === 204 ? '' : await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError('internal', res.status, 'Response is not JSON');
    }
  }
  if (!opts.schema) return json as T;
  const parsed = opts.schema.safeParse(json);
  if (!parsed.success) {
    // The server broke its own contract: tell the person something generic, keep the detail for developers.
    throw new ApiError('internal', res.status, `Unexpected response from ${path}: ${parsed.error.message}`);
  }
  return parsed.data;
}
