import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { apiClient, staffWithToken, type Api } from './support/catalog-fixtures.ts';
import type { RouteDef } from '../src/http/route.ts';

/**
 * Walks the whole route table a node serves and proves every non-public route refuses an anonymous caller
 * (401) and a caller with the wrong role (403 for admin routes called by box office; 401 for buyer routes
 * called by staff). Authorisation runs before validation, so dummy path parameters and empty bodies suffice.
 */

type Err = { ok: false; error: ErrorBody };

let stack: TestStack;
let api: Api;
let routes: RouteDef[];
let boxToken: string;
let adminToken: string;
let doorToken: string;

const DUMMY: Record<string, string> = {
  id: 'cnotthere000000000000000',
  action: 'open',
  idOrSlug: 'no-such-thing',
  kind: 'orders',
};
const concrete = (path: string) =>
  path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => DUMMY[name] ?? 'dummy');
const call = (def: RouteDef, token?: string) =>
  api<Err>(def.method, concrete(def.path), {
    ...(token ? { token } : {}),
    ...(def.method === 'get' || def.method === 'delete' ? {} : { body: {} }),
  });
const name = (def: RouteDef) => `${def.method.toUpperCase()} ${def.path}`;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack.url);
  routes = stack.node.routes;
  boxToken = (await staffWithToken(stack.container, 'box_office')).token;
  adminToken = (await staffWithToken(stack.container, 'admin')).token;
  doorToken = (await staffWithToken(stack.container, 'door')).token;
});

afterAll(async () => {
  await stack?.close();
});

describe('route table', () => {
  it('is the table the node serves, and every route declares its access and a summary', () => {
    const keys = routes.map(name);
    expect(new Set(keys).size).toBe(keys.length);
    for (const expected of [
      'POST /api/staff/venues',
      'PUT /api/staff/venues/:id/layout',
      'POST /api/staff/showtimes/:id/sale/:action',
      'GET /api/staff/audit',
      'POST /api/staff/tokens',
      'GET /api/showtimes/:id',
      'GET /api/openapi.json',
    ])
      expect(keys).toContain(expected);
    for (const def of routes) {
      expect(['public', 'buyer', 'door', 'box_office', 'admin'], name(def)).toContain(def.access);
      expect(def.summary.length, name(def)).toBeGreaterThan(5);
    }
    expect(routes.filter((r) => r.access === 'admin').length).toBeGreaterThanOrEqual(14);
    // Door staff only scan: the door routes are the check-in routes and "who am I".
    expect(
      routes
        .filter((r) => r.access === 'door')
        .map(name)
        .sort(),
    ).toEqual([
      'GET /api/checkin/showtimes/:id/counts',
      'GET /api/checkin/showtimes/:id/tickets',
      'GET /api/staff/me',
      'POST /api/checkin/redeem',
      'POST /api/checkin/showtimes/:id/scans',
    ]);
  });
});

describe('access control on every route', () => {
  it('refuses anonymous callers of every non-public route with 401', async () => {
    const guarded = routes.filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThan(20);
    for (const def of guarded) {
      const res = await call(def);
      expect(res.status, name(def)).toBe(401);
      expect(res.json.error.code, name(def)).toBe('unauthenticated');
    }
  });

  it('refuses box office on every admin route with 403, and staff on every buyer route with 401', async () => {
    for (const def of routes.filter((r) => r.access === 'admin')) {
      const res = await call(def, boxToken);
      expect(res.status, name(def)).toBe(403);
      expect(res.json.error.code, name(def)).toBe('forbidden');
    }
    for (const def of routes.filter((r) => r.access === 'buyer')) {
      const res = await call(def, adminToken);
      expect(res.status, name(def)).toBe(401);
    }
  });

  it('refuses door staff on every box-office and admin route with 403, and lets them through on door routes', async () => {
    for (const def of routes.filter((r) => r.access === 'box_office' || r.access === 'admin')) {
      const res = await call(def, doorToken);
      expect(res.status, name(def)).toBe(403);
      expect(res.json.error.code, name(def)).toBe('forbidden');
    }
    for (const def of routes.filter((r) => r.access === 'buyer'))
      expect((await call(def, doorToken)).status, name(def)).toBe(401);
    for (const def of routes.filter((r) => r.access === 'door'))
      for (const token of [doorToken, boxToken, adminToken]) {
        const res = await call(def, token);
        expect([401, 403], `${name(def)} → ${res.status} ${res.text}`).not.toContain(res.status);
        expect(res.status, name(def)).toBeLessThan(500);
      }
  });

  it('lets the right role through (no 401/403) on every staff route', async () => {
    for (const def of routes.filter((r) => r.access === 'box_office')) {
      const res = await call(def, boxToken);
      expect([401, 403], `${name(def)} → ${res.status} ${res.text}`).not.toContain(res.status);
    }
    for (const def of routes.filter((r) => r.access === 'admin' || r.access === 'box_office')) {
      const res = await call(def, adminToken);
      expect([401, 403], `${name(def)} → ${res.status} ${res.text}`).not.toContain(res.status);
      expect(res.status, name(def)).toBeLessThan(500);
    }
  });

  it('serves every public route to anonymous callers', async () => {
    for (const def of routes.filter((r) => r.access === 'public')) {
      const res = await call(def);
      expect([401, 403], `${name(def)} → ${res.status}`).not.toContain(res.status);
      expect(res.status, `${name(def)} → ${res.text}`).toBeLessThan(500);
    }
  });

  it('refuses a revoked or malformed bearer token like no token', async () => {
    const def = routes.find((r) => r.path === '/api/staff/me')!;
    for (const token of ['srt_forged', 'srt_', 'Bearer', 'x'.repeat(500)])
      expect((await call(def, token)).status).toBe(401);
  });
});
