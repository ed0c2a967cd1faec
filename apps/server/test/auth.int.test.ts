import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import type { ApiTokenDto, AuditEntryDto, ErrorBody, StaffMe, StaffUserDto } from '@seatrush/shared';
import { startExtraNode, startTestStack, type ExtraNode, type TestStack } from './support/env.ts';
import { apiClient, signIn, staffWithToken, unique, type Api } from './support/catalog-fixtures.ts';
import { SESSION_TTL_SECONDS } from '../src/auth/sessions.ts';

type Err = { ok: false; error: ErrorBody };

let stack: TestStack;
let api: Api;
let admin: Awaited<ReturnType<typeof staffWithToken>>;
let ipCounter = 0;
/** A fresh client IP per test, so the per-IP login limit of one test does not leak into another. */
const freshIp = () => `10.1.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack.url);
  admin = await staffWithToken(stack.container, 'admin');
});

afterAll(async () => {
  await stack?.close();
});

const login = (email: string, password: string, ip: string, headers: Record<string, string> = {}) =>
  api<{ staff: StaffMe } & Partial<Err>>('post', '/api/staff/login', {
    body: { email, password },
    headers: { 'x-forwarded-for': ip, ...headers },
  });

describe('staff sign-in', () => {
  it('signs in with a session cookie that is httpOnly, SameSite=Lax, and Secure only over https', async () => {
    const u = await staffWithToken(stack.container, 'box_office');
    const res = await login(u.email.toUpperCase(), u.password, freshIp());
    expect(res.status).toBe(200);
    expect(res.json.staff).toEqual({
      id: u.id,
      email: u.email,
      name: 'Test box_office',
      role: 'box_office',
      via: 'session',
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sr_staff=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);

    const https = await login(u.email, u.password, freshIp(), { 'x-forwarded-proto': 'https' });
    expect(https.headers.get('set-cookie')).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);

    const pair = cookie.split(';')[0]!;
    const me = await api<StaffMe>('get', '/api/staff/me', { cookie: pair });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ id: u.id, role: 'box_office', via: 'session' });
  });

  it('keeps sessions in Redis under the sha256 of the id, with a sliding 12-hour TTL', async () => {
    const u = await staffWithToken(stack.container, 'admin');
    const cookie = await signIn(api, u.email, u.password, freshIp());
    const sid = decodeURIComponent(cookie.slice('sr_staff='.length));
    const key = `${stack.config.redisPrefix}:session:${sha256(sid)}`;
    const redis = stack.container.redis;
    expect(await redis.exists(key)).toBe(1);
    expect(await redis.get(key)).not.toContain(sid);
    await redis.expire(key, 60);
    expect((await api('get', '/api/staff/me', { cookie })).status).toBe(200);
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(SESSION_TTL_SECONDS - 10);
    expect(ttl).toBeLessThanOrEqual(SESSION_TTL_SECONDS);
  });

  it('accepts a session on every node', async () => {
    const u = await staffWithToken(stack.container, 'box_office');
    const cookie = await signIn(api, u.email, u.password, freshIp());
    let other: ExtraNode | undefined;
    try {
      other = await startExtraNode(stack);
      const me = await apiClient(other.url)<StaffMe>('get', '/api/staff/me', { cookie });
      expect(me.status).toBe(200);
      expect(me.json.id).toBe(u.id);
    } finally {
      await other?.close();
    }
  });

  it('refuses wrong passwords, unknown emails and deactivated accounts with one message', async () => {
    const u = await staffWithToken(stack.container, 'box_office');
    const wrong = await login(u.email, 'not the password', freshIp());
    const unknown = await login('nobody@test.local', 'whatever', freshIp());
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.json.error).toEqual({ code: 'unauthenticated', message: 'Email or password is incorrect.' });
      expect(r.headers.get('set-cookie')).toBeNull();
    }
    await stack.container.prisma.staffUser.update({ where: { id: u.id }, data: { active: false } });
    const inactive = await login(u.email, u.password, freshIp());
    expect(inactive.status).toBe(401);
    expect(inactive.json.error?.message).toBe('Email or password is incorrect.');

    const invalid = await api<Err>('post', '/api/staff/login', {
      body: { email: 'not-an-email', password: 'x' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.issues?.[0]?.path).toBe('body.email');
  });

  it('logs out: the session ends everywhere and the cookie is cleared', async () => {
    const u = await staffWithToken(stack.container, 'box_office');
    const cookie = await signIn(api, u.email, u.password, freshIp());
    const out = await api('post', '/api/staff/logout', { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(
      /^sr_staff=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/,
    );
    const me = await api<Err>('get', '/api/staff/me', { cookie });
    expect(me.status).toBe(401);
    expect(me.json.error.code).toBe('unauthenticated');
    expect((await api('post', '/api/staff/logout')).status).toBe(204);
  });
});

describe('login rate limiting', () => {
  it('locks one address out of an account after 5 failures in 15 minutes, even for the right password, with Retry-After; the owner elsewhere signs in', async () => {
    const u = await staffWithToken(stack.container, 'box_office');
    const guesser = freshIp();
    for (let i = 0; i < 5; i++) expect((await login(u.email, `guess ${i}`, guesser)).status).toBe(401);
    const locked = await login(u.email, u.password, guesser);
    expect(locked.status).toBe(429);
    expect(locked.json.error?.code).toBe('rate_limited');
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
    expect(locked.json.error?.details).toEqual({ retryAfterSeconds: retry });

    // Five anonymous attempts do not lock the account's owner out: a clean address with the password signs in.
    expect((await login(u.email, u.password, freshIp())).status).toBe(200);
    // Other accounts from the guessing address are unaffected (its per-address budget is 20).
    const other = await staffWithToken(stack.container, 'box_office');
    expect((await login(other.email, other.password, guesser)).status).toBe(200);

    // The count lives in Redis: expiring it (time passing) lets the guessing address try again.
    const key = `${stack.config.redisPrefix}:rl:login-account-address:${u.email} ${guesser}`;
    expect(await stack.container.redis.exists(key)).toBe(1);
    await stack.container.redis.del(key);
    expect((await login(u.email, u.password, guesser)).status).toBe(200);
  });

  it("clears the address's count for the account on success", async () => {
    const u = await staffWithToken(stack.container, 'box_office');
    const ip = freshIp();
    for (let i = 0; i < 4; i++) await login(u.email, 'nope', ip);
    expect((await login(u.email, u.password, ip)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(u.email, 'nope', ip)).status).toBe(401);
    expect((await login(u.email, u.password, ip)).status).toBe(200);
  });

  it('limits one IP to 20 failures across accounts', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++)
      expect((await login(`${unique('guess')}@test.local`, 'x', ip)).status).toBe(401);
    const u = await staffWithToken(stack.container, 'box_office');
    const blocked = await login(u.email, u.password, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await login(u.email, u.password, freshIp())).status).toBe(200);
  });
});

describe('CSRF', () => {
  it('refuses cookie-authenticated changes from a foreign Origin or Referer, and allows same-origin, curl and bearer', async () => {
    const cookie = await signIn(api, admin.email, admin.password, freshIp());
    const body = { slug: unique('csrf'), name: 'CSRF test' };
    const foreign = await api<Err>('post', '/api/staff/events', {
      cookie,
      body,
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.code).toBe('csrf_failed');
    const referer = await api<Err>('post', '/api/staff/events', {
      cookie,
      body,
      headers: { referer: 'https://evil.example/page' },
    });
    expect(referer.json.error.code).toBe('csrf_failed');
    const logout = await api<Err>('post', '/api/staff/logout', {
      cookie,
      headers: { origin: 'https://evil.example' },
    });
    expect(logout.json.error.code).toBe('csrf_failed');
    expect(await stack.container.prisma.event.count({ where: { slug: body.slug } })).toBe(0);

    const origin = new URL(stack.url).origin;
    const same = await api('post', '/api/staff/events', { cookie, body, headers: { origin } });
    expect(same.status).toBe(201);
    const curl = await api('post', '/api/staff/events', {
      cookie,
      body: { slug: unique('csrf'), name: 'curl' },
    });
    expect(curl.status).toBe(201);
    const bearer = await api('post', '/api/staff/events', {
      token: admin.token,
      cookie: 'unrelated=1',
      body: { slug: unique('csrf'), name: 'bearer' },
      headers: { origin: 'https://evil.example' },
    });
    expect(bearer.status).toBe(201);
    // Reads are not state changes.
    expect(
      (await api('get', '/api/staff/events', { cookie, headers: { origin: 'https://evil.example' } })).status,
    ).toBe(200);
  });
});

describe('API tokens', () => {
  it('creates a token shown once, stored as sha256, usable as Bearer, with lastUsedAt recorded, and revocable', async () => {
    const created = await api<{ token: ApiTokenDto; secret: string }>('post', '/api/staff/tokens', {
      token: admin.token,
      body: { name: 'QA automation' },
    });
    expect(created.status).toBe(201);
    const { token, secret } = created.json;
    expect(secret).toMatch(/^srt_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({
      name: 'QA automation',
      staffUserId: admin.id,
      role: 'admin',
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(secret.startsWith(token.prefix)).toBe(true);
    const row = await stack.container.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.tokenHash).toBe(sha256(secret));

    const list = await api<{ tokens: ApiTokenDto[] }>('get', '/api/staff/tokens', { token: admin.token });
    expect(list.text).not.toContain(secret);
    expect(list.json.tokens.some((t) => t.id === token.id)).toBe(true);

    // lastUsedAt is written without holding up the request: the writes this token's uses start are watched here.
    const updates = vi.spyOn(stack.container.prisma.apiToken, 'updateMany');
    const writes = () =>
      updates.mock.calls.flatMap(([args], i) =>
        args?.where?.id === token.id ? [updates.mock.results[i]!.value as Promise<unknown>] : [],
      );
    const lastUsed = async () =>
      (await stack.container.prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt;
    try {
      const me = await api<StaffMe>('get', '/api/staff/me', { token: secret });
      expect(me.json).toMatchObject({ id: admin.id, via: 'token' });
      expect(writes()).toHaveLength(1);
      await writes()[0];
      const first = await lastUsed();
      expect(first).not.toBeNull();
      // Throttled: another use within the minute starts no second write.
      expect((await api('get', '/api/staff/me', { token: secret })).status).toBe(200);
      expect(writes()).toHaveLength(1);
      expect(await lastUsed()).toEqual(first);
    } finally {
      updates.mockRestore();
    }

    const revoked = await api<ApiTokenDto>('delete', `/api/staff/tokens/${token.id}`, { token: admin.token });
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).not.toBeNull();
    expect((await api('get', '/api/staff/me', { token: secret })).status).toBe(401);
    expect((await api('delete', `/api/staff/tokens/${token.id}`, { token: admin.token })).status).toBe(200);
    expect(
      (await api('delete', '/api/staff/tokens/cnotthere000000000000000', { token: admin.token })).status,
    ).toBe(404);

    const entries = await api<{ entries: AuditEntryDto[] }>('get', `/api/staff/audit?entityId=${token.id}`, {
      token: admin.token,
    });
    expect(entries.json.entries.map((e) => e.action)).toEqual(['api_token.revoked', 'api_token.created']);
    expect(JSON.stringify(entries.json.entries)).not.toContain(secret);
  });

  it('gives a token the role of the staff member it acts as, and refuses unknown tokens', async () => {
    const clerk = await staffWithToken(stack.container, 'box_office');
    const created = await api<{ token: ApiTokenDto; secret: string }>('post', '/api/staff/tokens', {
      token: admin.token,
      body: { name: 'till', staffUserId: clerk.id },
    });
    expect(created.json.token.role).toBe('box_office');
    const secret = created.json.secret;
    expect((await api('get', '/api/staff/events', { token: secret })).status).toBe(200);
    expect(
      (await api<Err>('post', '/api/staff/events', { token: secret, body: { slug: unique('x'), name: 'x' } }))
        .status,
    ).toBe(403);

    expect((await api('get', '/api/staff/me', { token: 'srt_notarealtoken' })).status).toBe(401);
    expect((await api('get', '/api/staff/me', { token: 'something-else' })).status).toBe(401);
    const missingOwner = await api<Err>('post', '/api/staff/tokens', {
      token: admin.token,
      body: { name: 'x', staffUserId: 'cnotthere000000000000000' },
    });
    expect(missingOwner.status).toBe(400);
    expect(missingOwner.json.error.issues?.[0]?.path).toBe('body.staffUserId');
  });
});

describe('staff accounts', () => {
  it('creates accounts (email lower-cased, no password in the audit), refuses duplicates and weak passwords', async () => {
    const email = `${unique('New.Clerk')}@Test.Local`;
    const created = await api<StaffUserDto>('post', '/api/staff/users', {
      token: admin.token,
      body: { email, name: 'New Clerk', role: 'box_office', password: 'long enough password' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email: email.toLowerCase(), role: 'box_office', active: true });
    expect(created.json).not.toHaveProperty('passwordHash');
    const dup = await api<Err>('post', '/api/staff/users', {
      token: admin.token,
      body: { email: email.toLowerCase(), name: 'Again', role: 'admin', password: 'long enough password' },
    });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe('duplicate');
    const weak = await api<Err>('post', '/api/staff/users', {
      token: admin.token,
      body: { email: `${unique('w')}@test.local`, name: 'W', role: 'admin', password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.json.error.issues).toEqual([
      { path: 'body.password', message: 'Use at least 8 characters.' },
    ]);
    const badRole = await api<Err>('post', '/api/staff/users', {
      token: admin.token,
      body: { email: `${unique('w')}@test.local`, name: 'W', role: 'root', password: 'long enough password' },
    });
    expect(badRole.json.error.issues?.[0]?.path).toBe('body.role');

    const list = await api<{ users: StaffUserDto[] }>('get', '/api/staff/users', { token: admin.token });
    expect(list.json.users.some((x) => x.id === created.json.id)).toBe(true);

    const audit = await api<{ entries: AuditEntryDto[] }>(
      'get',
      `/api/staff/audit?action=staff.created&entityId=${created.json.id}`,
      {
        token: admin.token,
      },
    );
    expect(audit.json.entries).toHaveLength(1);
    expect(JSON.stringify(audit.json.entries)).not.toMatch(/password|argon/i);
  });

  it('ends sessions when the role or password changes or the account is deactivated; deactivation disables tokens', async () => {
    const u = await staffWithToken(stack.container, 'box_office');
    const patch = (body: Record<string, unknown>) =>
      api<StaffUserDto & Partial<Err>>('patch', `/api/staff/users/${u.id}`, { token: admin.token, body });

    let cookie = await signIn(api, u.email, u.password, freshIp());
    expect((await patch({ name: 'Renamed' })).json.name).toBe('Renamed');
    expect((await api('get', '/api/staff/me', { cookie })).status).toBe(200); // a rename keeps sessions

    expect((await patch({ role: 'admin' })).json.role).toBe('admin');
    expect((await api('get', '/api/staff/me', { cookie })).status).toBe(401);
    cookie = await signIn(api, u.email, u.password, freshIp());
    expect((await api<StaffMe>('get', '/api/staff/me', { cookie })).json.role).toBe('admin');

    expect((await patch({ password: 'a brand new password' })).status).toBe(200);
    expect((await api('get', '/api/staff/me', { cookie })).status).toBe(401);
    expect((await login(u.email, u.password, freshIp())).status).toBe(401);
    cookie = await signIn(api, u.email, 'a brand new password', freshIp());

    const off = await patch({ active: false });
    expect(off.json.active).toBe(false);
    expect((await api('get', '/api/staff/me', { cookie })).status).toBe(401);
    expect((await api('get', '/api/staff/me', { token: u.token })).status).toBe(401);
    expect((await login(u.email, 'a brand new password', freshIp())).status).toBe(401);

    const audit = await api<{ entries: AuditEntryDto[] }>(
      'get',
      `/api/staff/audit?entityId=${u.id}&action=staff.`,
      {
        token: admin.token,
      },
    );
    expect(audit.json.entries.map((e) => e.action)).toEqual([
      'staff.deactivated',
      'staff.updated',
      'staff.updated',
      'staff.updated',
      'staff.created',
    ]);
    expect(audit.json.entries[1]!.after).toMatchObject({ passwordChanged: true });
    expect(audit.json.entries[2]!.after).not.toHaveProperty('passwordChanged');

    expect((await patch({})).status).toBe(400);
    expect(
      (
        await api('patch', '/api/staff/users/cnotthere000000000000000', {
          token: admin.token,
          body: { name: 'x' },
        })
      ).status,
    ).toBe(404);
  });

  it('never leaves the system without an active admin', async () => {
    const p = stack.container.prisma;
    const others = await p.staffUser.findMany({
      where: { role: 'admin', active: true, id: { not: admin.id } },
    });
    await p.staffUser.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { active: false } });
    try {
      const demote = await api<Err>('patch', `/api/staff/users/${admin.id}`, {
        token: admin.token,
        body: { role: 'box_office' },
      });
      expect(demote.status).toBe(409);
      expect(demote.json.error.code).toBe('conflict');
      const deactivate = await api<Err>('patch', `/api/staff/users/${admin.id}`, {
        token: admin.token,
        body: { active: false },
      });
      expect(deactivate.status).toBe(409);
    } finally {
      await p.staffUser.updateMany({
        where: { id: { in: others.map((o) => o.id) } },
        data: { active: true },
      });
    }
  });
});
