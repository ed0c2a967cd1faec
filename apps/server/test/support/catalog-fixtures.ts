import { readFileSync } from 'node:fs';
import type { ErrorBody, SeatMapDocument } from '@seatrush/shared';
import type { Container } from '../../src/container.ts';
import { createStaffUser } from '../../src/auth/staff.ts';
import { createApiToken } from '../../src/auth/tokens.ts';

/** HTTP helpers and fixtures for the catalog/staff integration tests. */

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  json: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (for malformed JSON and content-type tests). */
  rawBody?: string;
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
}

/** The error envelope, for `api<ErrorEnvelope>(…)` when a test expects a failure. */
export type ErrorEnvelope = { ok: false; error: ErrorBody };

export function apiClient(baseUrl: string) {
  // The default stays `any` because other suites read untyped bodies; name the type where it matters.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return async function request<T = any>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, {
      method: method.toUpperCase(),
      headers,
      body,
      redirect: 'manual',
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (HTML, JavaScript, empty 304): callers read `text`.
    }
    return { status: res.status, headers: res.headers, json: json as T, text };
  };
}

export type Api = ReturnType<typeof apiClient>;

let counter = 0;
export const unique = (base: string) => `${base}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** A staff account and an API token acting as it, made through the use cases (no HTTP). */
export async function staffWithToken(
  c: Container,
  role: 'admin' | 'box_office' | 'door',
  password = 'correct horse battery',
): Promise<{ id: string; email: string; password: string; token: string; tokenId: string }> {
  const email = `${unique(role)}@test.local`;
  const user = await createStaffUser(c, { email, name: `Test ${role}`, role, password }, 'system');
  const { token, secret } = await createApiToken(c, { name: `${role} test token` }, user.id, 'system');
  return { id: user.id, email, password, token: secret, tokenId: token.id };
}

/** Signs in over HTTP and returns the `sr_staff=…` cookie pair. */
export async function signIn(api: Api, email: string, password: string, ip = '10.0.0.1'): Promise<string> {
  const res = await api('post', '/api/staff/login', {
    body: { email, password },
    headers: { 'x-forwarded-for': ip },
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const pair = setCookie.split(';')[0]!;
  if (!pair.startsWith('sr_staff=')) throw new Error(`no session cookie: ${setCookie}`);
  return pair;
}

export function smallTheatre(slug?: string): SeatMapDocument {
  const url = new URL('../../../../docs/examples/small-theatre.json', import.meta.url);
  const doc = JSON.parse(readFileSync(url, 'utf8')) as SeatMapDocument;
  return slug ? { ...doc, slug } : doc;
}

/** Prices for every category of the small theatre. */
export const smallTheatrePrices = { front: 5000, rear: 3500, balcony: 2500, standing: 2000 };

export function showtimeBody(eventId: string, venueId: string, extra: Record<string, unknown> = {}) {
  const day = 86_400_000;
  return {
    eventId,
    venueId,
    startsAt: new Date(Date.now() + 10 * day).toISOString(),
    saleOpensAt: new Date(Date.now() - day).toISOString(),
    saleClosesAt: new Date(Date.now() + 10 * day).toISOString(),
    holdTtlSeconds: 10,
    perBuyerLimit: 4,
    currency: 'EUR',
    prices: smallTheatrePrices,
    ...extra,
  };
}
