import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketCommands, type Envelope, type SocketAccess, type SocketCommand } from '@seatrush/shared';
import type { RouteDef } from '../src/http/route.ts';
import {
  CALLERS,
  codeOf,
  digestDiff,
  holdSeat,
  orderOf,
  startAttackWorld,
  stateDigest,
  type AttackWorld,
  type Caller,
  type CallerName,
} from './support/attack-world.ts';
import { sampleOf, type JsonSchema } from './support/fuzz-inputs.ts';
import { connected, openSocket, type ClientSocket } from './support/realtime-client.ts';
import type { ApiResponse } from './support/catalog-fixtures.ts';

/**
 * Issue 14's authorization matrix, generated: every route of the table the node serves (`node.routes`) and every
 * socket command of the shared contract (`socketCommands`) × {anonymous, buyer, another buyer, door staff, box
 * office, admin, revoked token}. The expected outcome of a cell comes from the route's declared `access` (the command's
 * `access`), not from a list here, so a new route or command is covered the day it is added. Resources a buyer
 * owns — a hold (path `:holdId`, its token the capability) and an order (path `:code`, the buyer's session or
 * email) — are the first buyer's: everyone else must be refused, see nothing of them and change nothing.
 * The matrix is printed; every cell is checked.
 */

/** Where a route names a resource a buyer owns (only on public and buyer routes; staff see every order). */
const OWNED_PARAMS = { holdId: 'hold', code: 'order' } as const;
type Owned = (typeof OWNED_PARAMS)[keyof typeof OWNED_PARAMS];

/** Path parameters of routes that name no owned resource: values that pass no lookup. */
const DUMMY: Record<string, string> = {
  id: 'cnotthere000000000000000',
  action: 'open',
  idOrSlug: 'no-such-thing',
};

/** The answers that mean "not yours": refused without saying whether the resource exists. */
const NOT_YOURS = new Set(['not_found', 'hold_token_invalid', 'unauthenticated', 'forbidden']);

type Outcome = 'allow' | 'unauthenticated' | 'forbidden' | 'not_yours' | '5xx' | 'no_answer';

const OWNER: CallerName = 'buyer';
/** Cells run with the owner last, so a change the owner is allowed to make cannot hide a refusal of the others. */
const RUN_ORDER: CallerName[] = [...CALLERS.filter((c) => c !== OWNER), OWNER];

let w: AttackWorld;
let routes: RouteDef[];
let paidOrder: string;

beforeAll(async () => {
  w = await startAttackWorld({ worker: true });
  routes = w.stack.node.routes;
  paidOrder = (await orderOf(w, w.callers[OWNER], true)).code;
}, 120_000);

afterAll(async () => {
  await w?.stack.close();
});

const name = (def: RouteDef) => `${def.method.toUpperCase()} ${def.path}`;
const ownedOf = (def: RouteDef): Owned | null => {
  if (def.access !== 'public' && def.access !== 'buyer') return null;
  for (const m of def.path.matchAll(/:([A-Za-z0-9_]+)/g))
    if (m[1]! in OWNED_PARAMS) return OWNED_PARAMS[m[1] as keyof typeof OWNED_PARAMS];
  return null;
};

/** What the declared access says a caller gets. */
function expected(def: RouteDef, c: Caller): Outcome {
  const owned = ownedOf(def);
  const ownership: Outcome = owned && c.name !== OWNER ? 'not_yours' : 'allow';
  switch (def.access) {
    case 'public':
      return ownership;
    case 'buyer':
      return c.kind === 'buyer' ? ownership : 'unauthenticated';
    case 'door':
      return c.kind === 'staff' ? 'allow' : 'unauthenticated';
    case 'box_office':
      return c.kind !== 'staff' ? 'unauthenticated' : c.role === 'door' ? 'forbidden' : 'allow';
    case 'admin':
      return c.name === 'admin' ? 'allow' : c.kind === 'staff' ? 'forbidden' : 'unauthenticated';
  }
}

/** What a response says happened, in the matrix's terms. */
function outcomeOf(r: ApiResponse, owned: boolean): Outcome {
  const code = codeOf(r);
  // A dependency that is down here (the mail relay of e-mail codes) answers 503 `unavailable` after the gate let
  // the caller through: for authorization that is "allowed"; the fuzzer counts it apart.
  if (r.status === 503 && code === 'unavailable') return 'allow';
  if (r.status >= 500) return '5xx';
  if (r.status === 401 && code === 'unauthenticated') return owned ? 'not_yours' : 'unauthenticated';
  if (r.status === 403 && code === 'forbidden') return owned ? 'not_yours' : 'forbidden';
  if (owned && r.status >= 400 && code && NOT_YOURS.has(code)) return 'not_yours';
  return 'allow';
}

const jsonSchemaOf = (s: z.ZodType): JsonSchema =>
  z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** The owner's secrets: none may appear in an answer to anyone but the owner and staff. */
function secretsOf(owner: Caller, target: { holdToken?: string; code?: string }, path: string): string[] {
  const out = [owner.email!, owner.buyerId!, owner.hold!.holdToken];
  if (target.holdToken) out.push(target.holdToken);
  if (target.code && !path.includes(target.code)) out.push(target.code);
  return out;
}

interface Cell {
  caller: CallerName;
  expected: Outcome;
  got: Outcome;
  status: number | string;
  problem?: string;
}

describe('route table', () => {
  it('is the table the node serves; every route declares its access and a summary', () => {
    const keys = routes.map(name);
    expect(new Set(keys).size).toBe(keys.length);
    for (const must of ['GET /api/staff/audit', 'POST /api/staff/tokens', 'GET /api/openapi.json'])
      expect(keys).toContain(must);
    for (const def of routes) {
      expect(['public', 'buyer', 'door', 'box_office', 'admin'], name(def)).toContain(def.access);
      expect(def.summary.length, name(def)).toBeGreaterThan(5);
    }
    // The matrix below must have something to bite on in every class.
    for (const access of ['public', 'buyer', 'door', 'box_office', 'admin'] as const)
      expect(routes.filter((r) => r.access === access).length, access).toBeGreaterThan(0);
    expect(routes.filter(ownedOf).length).toBeGreaterThanOrEqual(3);
  });
});

describe('HTTP authorization matrix', () => {
  it('gives every caller on every route what its declared access says, and nothing of what others own', async () => {
    const rank = { get: 0, post: 1, put: 1, patch: 1, delete: 2 } as const;
    const rows = [...routes].sort((a, b) => rank[a.method] - rank[b.method]);
    const matrix = new Map<string, Cell[]>();
    const owner = w.callers[OWNER];

    for (const def of rows) {
      const owned = ownedOf(def);
      // A fresh hold per row: what the owner may do to it (release, check out) leaves the next row unaffected.
      const target = owned === 'hold' ? await holdSeat(w.api, w.f.showtimeId, owner, w.freeSeat()) : null;
      const cells: Cell[] = [];
      const mutating = def.method !== 'get';
      const runCell = async (who: CallerName): Promise<Cell> => {
        const c = w.callers[who];
        const isOwner = who === OWNER;
        const holdToken = isOwner ? target?.holdToken : c.hold?.holdToken;
        const path = def.path.replace(/:([A-Za-z0-9_]+)/g, (_m, p: string) => {
          if (owned && p === 'holdId') return target!.holdId;
          if (owned && p === 'code') return paidOrder;
          return DUMMY[p] ?? 'dummy';
        });
        const fill = (field: string) =>
          field === 'email'
            ? (c.email ?? 'nobody@example.test')
            : field === 'holdToken'
              ? (holdToken ?? 'not-a-hold-token')
              : undefined;
        const headers = { ...c.headers };
        if (owned === 'hold' && holdToken) headers.authorization = `Bearer ${holdToken}`;
        let query = '';
        if (owned && def.query && c.email && jsonSchemaOf(def.query).properties?.email)
          query = `?email=${encodeURIComponent(c.email)}`;
        const hasBody = def.method !== 'get' && def.method !== 'delete';
        const body = hasBody ? (owned && def.body ? sampleOf(jsonSchemaOf(def.body), fill) : {}) : undefined;

        const exp = expected(def, c);
        const r = await w.api(def.method, path + query, {
          headers,
          ...(body !== undefined ? { body } : {}),
        });
        const got = outcomeOf(r, owned !== null);
        const cell: Cell = { caller: who, expected: exp, got, status: r.status };
        if (got !== exp) cell.problem = `expected ${exp}, got ${r.status} ${r.text.slice(0, 200)}`;
        if (owned && !isOwner && c.kind !== 'staff') {
          const leaked = secretsOf(owner, { holdToken: target?.holdToken, code: paidOrder }, path).filter(
            (s) => r.text.includes(s),
          );
          if (leaked.length) cell.problem = `leaked the owner's ${leaked.length} secret(s)`;
        }
        if (!owned && c.name !== OWNER && c.kind !== 'staff') {
          const leaked = secretsOf(owner, { code: paidOrder }, path).filter((s) => r.text.includes(s));
          if (leaked.length) cell.problem = `leaked the owner's ${leaked.length} secret(s)`;
        }
        return cell;
      };
      // The callers who must be refused go first, between two state digests (one pair per row keeps the suite
      // fast); then those allowed, the owner last.
      const refused = RUN_ORDER.filter((who) => expected(def, w.callers[who]) !== 'allow');
      const allowed = RUN_ORDER.filter((who) => !refused.includes(who));
      const before = mutating && refused.length ? await stateDigest(w) : null;
      for (const who of refused) cells.push(await runCell(who));
      if (before !== null) {
        const changed = digestDiff(before, await stateDigest(w));
        if (changed.length)
          for (const cell of cells)
            cell.problem ??= `a refused caller of this row changed ${changed.join(', ')}`;
      }
      for (const who of allowed) cells.push(await runCell(who));
      matrix.set(`${name(def)} [${def.access}${owned ? `, owned ${owned}` : ''}]`, cells);
    }

    printMatrix('HTTP', matrix);
    // The leak check has teeth: the owner's own "my orders" does list the order everyone else must not see.
    const mine = await w.api('get', '/api/buyer/orders', { headers: owner.headers });
    expect(mine.text).toContain(paidOrder);
    const problems = [...matrix].flatMap(([row, cells]) =>
      cells.filter((c) => c.problem).map((c) => `${row} × ${c.caller}: ${c.problem}`),
    );
    const checked = [...matrix.values()].reduce((n, cells) => n + cells.length, 0);
    expect(checked).toBe(routes.length * CALLERS.length);
    expect(problems).toEqual([]);
  });
});

describe('forged credentials', () => {
  it('refuses malformed and forged bearer and buyer tokens on every non-public GET route like no token', async () => {
    const forged: Array<Record<string, string>> = [
      { authorization: 'Bearer srt_forged' },
      { authorization: 'Bearer srt_' },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${'x'.repeat(500)}` },
      { 'x-buyer-token': 'srb1.forged.forged' },
      { cookie: 'sr_staff=forged; sr_buyer=forged' },
    ];
    const guarded = routes.filter((r) => r.access !== 'public' && r.method === 'get');
    expect(guarded.length).toBeGreaterThan(5);
    for (const def of guarded)
      for (const headers of forged) {
        const path = def.path.replace(/:([A-Za-z0-9_]+)/g, (_m, p: string) => DUMMY[p] ?? 'dummy');
        const r = await w.api('get', path, { headers });
        expect(r.status, `${name(def)} ${JSON.stringify(headers)} → ${r.text}`).toBe(401);
      }
  });
});

describe('socket authorization matrix', () => {
  type SocketCaller = CallerName | 'revokedLive';
  const sockets = new Map<SocketCaller, ClientSocket>();

  afterAll(() => {
    for (const s of sockets.values()) s.disconnect();
  });

  function expectedSocket(access: SocketAccess, c: Caller): Outcome {
    switch (access) {
      case 'public':
        return 'allow';
      case 'buyer':
        return c.kind === 'buyer' ? 'allow' : 'unauthenticated';
      // A socket has no 401/403: its ack says `unauthenticated` or `forbidden`, both "not for you" (see below).
      case 'door':
        return c.kind === 'staff' ? 'allow' : 'unauthenticated';
      case 'box_office':
        // Door staff only scan: the staff room's live figures are not theirs.
        return c.kind === 'staff' && c.role !== 'door' ? 'allow' : 'unauthenticated';
      case 'admin':
        return c.role === 'admin' ? 'allow' : 'unauthenticated';
      case 'hold_token':
        return c.name === OWNER ? 'allow' : 'not_yours';
    }
  }

  async function send(s: ClientSocket, event: SocketCommand, payload: unknown) {
    const timed = s.timeout(5_000) as unknown as {
      emitWithAck(e: string, p: unknown): Promise<Envelope<unknown>>;
    };
    return timed.emitWithAck(event, payload).catch(() => null);
  }

  function socketOutcome(res: Envelope<unknown> | null, access: SocketAccess): Outcome {
    if (!res) return 'no_answer';
    if (res.ok) return 'allow';
    const code = res.error.code;
    if (code === 'internal') return '5xx';
    if (access === 'hold_token' && NOT_YOURS.has(code)) return 'not_yours';
    // A socket has no 401/403: both codes mean "not for you", whichever the command picks.
    if (code === 'unauthenticated' || code === 'forbidden') return 'unauthenticated';
    return 'allow';
  }

  it('lets each caller send exactly the commands its principal may send', async () => {
    for (const who of CALLERS) {
      const c = w.callers[who];
      sockets.set(
        who,
        await connected(openSocket(w.stack.url, c.socketToken ? { token: c.socketToken } : {})),
      );
    }
    const owner = w.callers[OWNER];
    const matrix = new Map<string, Cell[]>();
    const events = Object.keys(socketCommands) as SocketCommand[];
    expect(events.length).toBeGreaterThanOrEqual(8);

    for (const event of events) {
      const { schema, access } = socketCommands[event];
      const target =
        access === 'hold_token' ? await holdSeat(w.api, w.f.showtimeId, owner, w.freeSeat()) : null;
      const cells: Cell[] = [];
      const runCell = async (who: CallerName): Promise<Cell> => {
        const c = w.callers[who];
        const holdToken = who === OWNER ? target?.holdToken : c.hold?.holdToken;
        const fill = (field: string): unknown => {
          switch (field) {
            case 'showtimeId':
              return w.f.showtimeId;
            case 'holdId':
              return target?.holdId;
            case 'holdToken':
              return holdToken ?? 'not-a-hold-token';
            case 'email':
              return c.email ?? 'nobody@example.test';
            case 'requestId':
              return randomUUID();
            case 'seats':
              return [w.freeSeat()];
            default:
              return undefined;
          }
        };
        const payload = sampleOf(jsonSchemaOf(schema), fill);
        const exp = expectedSocket(access, c);
        const res = await send(sockets.get(who)!, event, payload);
        const got = socketOutcome(res, access);
        const cell: Cell = {
          caller: who,
          expected: exp,
          got,
          status: res ? (res.ok ? 'ok' : res.error.code) : 'none',
        };
        if (got !== exp) cell.problem = `expected ${exp}, got ${JSON.stringify(res).slice(0, 200)}`;
        if (who !== OWNER && c.kind !== 'staff') {
          const text = JSON.stringify(res);
          const leaked = secretsOf(owner, { holdToken: target?.holdToken }, '').filter((s) =>
            text.includes(s),
          );
          if (leaked.length) cell.problem = `leaked the owner's ${leaked.length} secret(s)`;
        }
        return cell;
      };
      // As over HTTP: the refused callers first, between two state digests; then the allowed, the owner last.
      const refused = RUN_ORDER.filter((who) => expectedSocket(access, w.callers[who]) !== 'allow');
      const allowed = RUN_ORDER.filter((who) => !refused.includes(who));
      const before = refused.length ? await stateDigest(w) : null;
      for (const who of refused) cells.push(await runCell(who));
      if (before !== null) {
        const changed = digestDiff(before, await stateDigest(w));
        if (changed.length)
          for (const cell of cells)
            cell.problem ??= `a refused caller of this row changed ${changed.join(', ')}`;
      }
      for (const who of allowed) cells.push(await runCell(who));
      matrix.set(`${event} [${access}]`, cells);
    }

    printMatrix('socket', matrix);
    const problems = [...matrix].flatMap(([row, cells]) =>
      cells.filter((c) => c.problem).map((c) => `${row} × ${c.caller}: ${c.problem}`),
    );
    expect([...matrix.values()].reduce((n, cells) => n + cells.length, 0)).toBe(
      events.length * CALLERS.length,
    );
    expect(problems).toEqual([]);
  });

  it('stops a staff socket whose token is revoked while it is connected', async () => {
    const fresh = await w.api<{ token: { id: string }; secret: string }>('post', '/api/staff/tokens', {
      token: w.adminToken,
      body: { name: 'revoked while connected' },
    });
    expect(fresh.status, fresh.text).toBe(201);
    const s = await connected(openSocket(w.stack.url, { token: fresh.json.secret }));
    sockets.set('revokedLive', s);
    const join = (await send(s, 'staff:join', { showtimeId: w.f.showtimeId }))!;
    expect(join.ok, JSON.stringify(join)).toBe(true);
    const off = await w.api('delete', `/api/staff/tokens/${fresh.json.token.id}`, { token: w.adminToken });
    expect(off.status, off.text).toBe(200);
    const again = (await send(s, 'staff:join', { showtimeId: w.f.showtimeId }))!;
    expect(again.ok).toBe(false);
    if (!again.ok) expect(['unauthenticated', 'forbidden']).toContain(again.error.code);
  });
});

function printMatrix(title: string, matrix: Map<string, Cell[]>): void {
  const width = Math.max(...[...matrix.keys()].map((k) => k.length));
  const head = `${title} authorization matrix (✗ = mismatch)\n${''.padEnd(width)} | ${CALLERS.map((c) => c.padEnd(12)).join('| ')}`;
  const lines = [...matrix].map(([row, cells]) => {
    const byCaller = new Map(cells.map((c) => [c.caller, c]));
    return `${row.padEnd(width)} | ${CALLERS.map((who) => {
      const c = byCaller.get(who)!;
      return `${c.problem ? '✗' : ' '}${String(c.status)}`.padEnd(12);
    }).join('| ')}`;
  });
  console.log([head, ...lines].join('\n'));
}
