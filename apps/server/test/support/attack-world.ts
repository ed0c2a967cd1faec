import { randomUUID } from 'node:crypto';
import type { CheckoutResponse, HoldResponse } from '@seatrush/shared';
import { startTestStack, stackInventory, type TestStack } from './env.ts';
import { apiClient, staffWithToken, type Api, type ApiResponse } from './catalog-fixtures.ts';
import { createShowtimeFixture, type Fixture } from './inventory-fixtures.ts';
import { waitFor } from './wait.ts';
import { ordersSettled } from './orders-fixtures.ts';

/**
 * The world the authorization matrix and the fuzzer attack: one showtime on sale, the callers of the matrix
 * (anonymous, a buyer, another buyer, door staff, box office, admin, a revoked admin token) and what the first buyer owns
 * (holds with their tokens, an order by code and email).
 */

export const CALLERS = ['anonymous', 'buyer', 'otherBuyer', 'door', 'boxOffice', 'admin', 'revoked'] as const;
export type CallerName = (typeof CALLERS)[number];

export interface Caller {
  name: CallerName;
  kind: 'anonymous' | 'buyer' | 'staff';
  /** Staff callers: their role. */
  role?: 'door' | 'box_office' | 'admin';
  /** Headers that authenticate the caller over HTTP (buyers use `X-Buyer-Token`, so `Authorization` stays free
   * for a hold token). */
  headers: Record<string, string>;
  /** The token a socket presents in its handshake (`auth.token`). */
  socketToken?: string;
  email?: string;
  buyerId?: string;
  /** A hold of the caller's own (buyers): the token they would present for someone else's hold. */
  hold?: { holdId: string; holdToken: string };
}

export interface AttackWorld {
  stack: TestStack;
  api: Api;
  f: Fixture;
  callers: Record<CallerName, Caller>;
  adminToken: string;
  /** Whether the stack runs the worker (orders get persisted and paid in the background). */
  worker: boolean;
  /** Seat labels nobody has touched yet, handed out by `freeSeat()`. */
  freeSeat(): string;
}

/** Starts a stack and builds the world. `worker` is needed for paid orders. */
export async function startAttackWorld(opts: { worker?: boolean } = {}): Promise<AttackWorld> {
  const stack = await startTestStack({ worker: opts.worker ?? false });
  const api = apiClient(stack.url);
  const prisma = stack.container.prisma;
  const f = await createShowtimeFixture(prisma, {
    sections: [{ key: 'A', rows: 10, seatsPerRow: 20, category: 'std' }],
    gaZones: [{ key: 'ga', capacity: 500, category: 'ga' }],
    prices: { std: 2500, ga: 1500 },
    holdTtlSeconds: 900,
    perBuyerLimit: null,
  });
  await stackInventory(stack).load(f.showtimeId);
  const free = [...f.seatLabels];
  const freeSeat = () => {
    const s = free.shift();
    if (!s) throw new Error('the fixture ran out of free seats');
    return s;
  };

  const door = await staffWithToken(stack.container, 'door');
  const box = await staffWithToken(stack.container, 'box_office');
  const admin = await staffWithToken(stack.container, 'admin');
  const revoked = await staffWithToken(stack.container, 'admin');
  const off = await api('delete', `/api/staff/tokens/${revoked.tokenId}`, { token: admin.token });
  if (off.status !== 200) throw new Error(`revoking a token failed: ${off.status} ${off.text}`);

  const buyer = async (name: CallerName): Promise<Caller> => {
    const email = `${name.toLowerCase()}-${randomUUID()}@example.test`;
    const s = await api<{ token: string; buyerId: string }>('post', '/api/buyer/session', {
      body: { email },
    });
    if (s.status !== 201) throw new Error(`buyer session failed: ${s.status} ${s.text}`);
    const c: Caller = {
      name,
      kind: 'buyer',
      headers: { 'x-buyer-token': s.json.token },
      socketToken: s.json.token,
      email,
      buyerId: s.json.buyerId,
    };
    const h = await holdSeat(api, f.showtimeId, c, freeSeat());
    c.hold = { holdId: h.holdId, holdToken: h.holdToken };
    return c;
  };
  const staff = (name: CallerName, token: string, role: Caller['role']): Caller => ({
    name,
    kind: 'staff',
    role,
    headers: { authorization: `Bearer ${token}` },
    socketToken: token,
  });

  const callers: Record<CallerName, Caller> = {
    anonymous: { name: 'anonymous', kind: 'anonymous', headers: {} },
    buyer: await buyer('buyer'),
    otherBuyer: await buyer('otherBuyer'),
    door: staff('door', door.token, 'door'),
    boxOffice: staff('boxOffice', box.token, 'box_office'),
    admin: staff('admin', admin.token, 'admin'),
    // Revoked: it authenticates nothing any more, so it is treated as anonymous everywhere.
    revoked: { ...staff('revoked', revoked.token, undefined), kind: 'anonymous' },
  };
  return { stack, api, f, callers, adminToken: admin.token, worker: opts.worker ?? false, freeSeat };
}

/** A hold made over HTTP by a buyer caller. */
export async function holdSeat(api: Api, showtimeId: string, c: Caller, seat: string): Promise<HoldResponse> {
  const r = await api<HoldResponse>('post', `/api/showtimes/${showtimeId}/holds`, {
    body: { seats: [seat] },
    headers: { ...c.headers, 'idempotency-key': randomUUID() },
  });
  if (r.status !== 201) throw new Error(`hold failed: ${r.status} ${r.text}`);
  return r.json;
}

/** Checks out a fresh hold of `c`; with `pay`, pays it with the sandbox's good card and waits for PAID. */
export async function orderOf(
  w: AttackWorld,
  c: Caller,
  pay: boolean,
): Promise<{ code: string; hold: HoldResponse }> {
  const hold = await holdSeat(w.api, w.f.showtimeId, c, w.freeSeat());
  const co = await w.api<CheckoutResponse>('post', `/api/holds/${hold.holdId}/checkout`, {
    body: { holdToken: hold.holdToken, email: c.email },
  });
  if (co.status !== 201) throw new Error(`checkout failed: ${co.status} ${co.text}`);
  if (pay) {
    const paid = await w.api('post', `/sandbox-pay/${co.json.paymentUrl.split('/').pop()}`, {
      body: { card: '4242424242424242' },
    });
    if (paid.status !== 200) throw new Error(`payment failed: ${paid.status} ${paid.text}`);
    await waitFor(
      async () => {
        const o = await w.api<{ status: string }>(
          'get',
          `/api/orders/${co.json.orderCode}?email=${encodeURIComponent(c.email!)}`,
        );
        return o.status === 200 && o.json.status === 'PAID';
      },
      30_000,
      'the order to be paid',
    );
  }
  return { code: co.json.orderCode, hold };
}

/**
 * Tables the worker fills in the background from rows that are compared (integrators' events are derived from audit
 * entries, their deliveries from the events): they change on their own schedule, not because of a request.
 */
const DERIVED_TABLES = new Set(['OutgoingEvent', 'WebhookDelivery']);

/** The digest's query, built once per stack from the schema's tables and columns. */
const digestSql = new WeakMap<TestStack, string>();
const inventories = new WeakMap<TestStack, ReturnType<typeof stackInventory>>();

async function buildDigestSql(stack: TestStack): Promise<string> {
  const prisma = stack.container.prisma;
  const cols = await prisma.$queryRawUnsafe<Array<{ table_name: string; column_name: string }>>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
  );
  const tables = new Map<string, string[]>();
  for (const c of cols) {
    if (DERIVED_TABLES.has(c.table_name)) continue;
    const list = tables.get(c.table_name) ?? [];
    if (/^last(Used|Seen)/i.test(c.column_name)) list.push(c.column_name);
    tables.set(c.table_name, list);
  }
  const parts = [...tables].map(([t, skip]) => {
    const row = `(to_jsonb(digest_row_) - ARRAY[${skip.map((s) => `'${s}'`).join(',')}]::text[])::text`;
    return `SELECT '${t}' AS t, md5(coalesce(string_agg(${row}, ',' ORDER BY ${row}), '')) AS h FROM "${t}" digest_row_`;
  });
  return parts.join(' UNION ALL ');
}

/**
 * What a rejected request must not change: a digest of every table's rows (all tables of the schema, found at run
 * time, so new tables count too; columns that record mere use, like `lastUsedAt`, and DERIVED_TABLES left out)
 * and the live version of the showtime's inventory. With a worker, it first waits until the worker is done with
 * the showtime's holds.
 */
export async function stateDigest(w: Pick<AttackWorld, 'stack' | 'f' | 'worker'>): Promise<string> {
  // What the worker was still to do for earlier requests (persisting holds as orders) is done first.
  if (w.worker) await ordersSettled(w);
  const { stack } = w;
  const showtimeIds = [w.f.showtimeId];
  const prisma = stack.container.prisma;
  let sql = digestSql.get(stack);
  if (!sql) {
    sql = await buildDigestSql(stack);
    digestSql.set(stack, sql);
  }
  const rows = await prisma.$queryRawUnsafe<Array<{ t: string; h: string }>>(sql);
  let inv = inventories.get(stack);
  if (!inv) {
    inv = stackInventory(stack);
    inventories.set(stack, inv);
  }
  const versions = await Promise.all(showtimeIds.map((id) => inv.version(id)));
  return JSON.stringify({ db: rows.sort((a, b) => a.t.localeCompare(b.t)), versions });
}

/** The names of the tables whose rows differ between two digests (for a readable failure). */
export function digestDiff(before: string, after: string): string[] {
  const a = JSON.parse(before) as { db: Array<{ t: string; h: string }>; versions: unknown[] };
  const b = JSON.parse(after) as typeof a;
  const out = b.db.filter((r) => a.db.find((x) => x.t === r.t)?.h !== r.h).map((r) => r.t);
  if (JSON.stringify(a.versions) !== JSON.stringify(b.versions))
    out.push(`inventory version ${JSON.stringify(a.versions)} → ${JSON.stringify(b.versions)}`);
  return out;
}

/** The error code of a response, if it is an error envelope. */
export const codeOf = (r: ApiResponse): string | undefined =>
  (r.json as { error?: { code?: string } } | undefined)?.error?.code;
