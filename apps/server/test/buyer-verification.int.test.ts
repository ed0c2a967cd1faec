import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  BuyerOrderListDto,
  Envelope,
  HoldRequest,
  HoldResponse,
  ShowtimeSync,
  VerificationCodeSent,
  VerifiedSessionDto,
} from '@seatrush/shared';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../src/config/index.ts';
import { devMailMount } from '../src/http/dev-mail.ts';
import { createMailer } from '../src/mail/mailer.ts';
import { sendVerificationCode } from '../src/application/buyers/send-verification-code.ts';
import { createVerificationCodes } from '../src/auth/verification-codes.ts';
import { startMailCatcher, type MailCatcher } from '../src/mail/catcher.ts';
import { startTestStack, testPrefix, testRedis, type TestStack } from './support/env.ts';
import { apiClient, staffWithToken, type Api, type ErrorEnvelope } from './support/catalog-fixtures.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { connected, openSocket, type ClientSocket } from './support/realtime-client.ts';
import { waitFor } from './support/wait.ts';

/**
 * Verified buyers (docs/buyers.md), end to end with a real SMTP server in-process: the code is read from the mail
 * the server sent. The code store's clock is injected (expiry without waiting); the abuse limits are off here
 * (their own tests cover them) so that only this feature answers.
 */

let catcher: MailCatcher;
let stack: TestStack;
let api: Api;
let open: Fixture;
let strict: Fixture;
let staffToken: string;
let clock = Date.now();
const codeRedis = testRedis();
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  catcher = await startMailCatcher();
  stack = await startTestStack({
    worker: true,
    env: {
      SMTP_URL: catcher.url,
      MAIL_FROM: 'Seatrush Test <tickets@seatrush.test>',
      VERIFY_CODE_ATTEMPTS: '3',
      VERIFY_CODE_TTL_SECONDS: '600',
      RATE_LIMIT_SESSION_PER_ADDRESS: '0',
      RATE_LIMIT_SESSION_PER_BUYER: '0',
      RATE_LIMIT_CODE_PER_ADDRESS: '0',
      RATE_LIMIT_CODE_PER_BUYER: '0',
      RATE_LIMIT_HOLD_PER_ADDRESS: '0',
      RATE_LIMIT_HOLD_PER_BUYER: '0',
      RATE_LIMIT_ORDER_LOOKUP_PER_ADDRESS: '0',
      RATE_LIMIT_ORDER_LOOKUP_PER_BUYER: '0',
    },
    services: {
      verificationCodes: createVerificationCodes({
        redis: codeRedis,
        prefix: testPrefix(),
        secret: randomBytes(16).toString('hex'),
        ttlSeconds: 600,
        attempts: 3,
        resendSeconds: 60,
        now: () => clock,
      }),
    },
  });
  api = apiClient(stack.url);
  const layout = { sections: [{ key: 'A', rows: 1, seatsPerRow: 10, category: 'std' }] };
  open = await createShowtimeFixture(stack.container.prisma, layout);
  strict = await createShowtimeFixture(stack.container.prisma, layout);
  await stack.container.prisma.showtime.update({
    where: { id: strict.showtimeId },
    data: { requireVerifiedBuyers: true },
  });
  staffToken = (await staffWithToken(stack.container, 'box_office')).token;
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await stack?.close();
  await catcher?.close();
  await codeRedis.quit();
});

interface Session {
  token: string;
  buyerId: string;
  email: string;
}

const newEmail = () => `buyer-${randomUUID().slice(0, 8)}@example.test`;

async function session(email = newEmail()): Promise<Session> {
  const r = await api<{ token: string; buyerId: string }>('post', '/api/buyer/session', { body: { email } });
  expect(r.status, r.text).toBe(201);
  return { token: r.json.token, buyerId: r.json.buyerId, email };
}

/** Asks for a code and reads it from the mail the SMTP server received. */
async function codeFor(s: Session): Promise<string> {
  const before = catcher.messages().length;
  const r = await api<VerificationCodeSent>('post', '/api/buyer/session/code', { token: s.token, body: {} });
  expect(r.status, r.text).toBe(202);
  expect(r.json.email).toBe(s.email);
  const mail = await catcher.next((m) => m.to.includes(s.email) && catcher.messages().indexOf(m) >= before);
  expect(mail.from).toBe('tickets@seatrush.test');
  expect(mail.html).toContain('<strong');
  const code = /Your code is (\d{6})/.exec(mail.text)?.[1];
  expect(code, mail.text).toBeDefined();
  return code!;
}

async function verify(s: Session, code: string) {
  return api<VerifiedSessionDto | ErrorEnvelope>('post', '/api/buyer/session/verify', {
    token: s.token,
    body: { code },
  });
}

async function verified(s: Session): Promise<Session> {
  const r = await verify(s, await codeFor(s));
  expect(r.status, r.text).toBe(200);
  return { ...s, token: (r.json as VerifiedSessionDto).token };
}

const errorCode = (r: { json: unknown }) => (r.json as ErrorEnvelope).error?.code;

describe('one-time codes by e-mail', () => {
  it('send → verify: the session is re-issued verified, the buyer marked, the verification audited', async () => {
    const s = await session();
    const me = await api('get', '/api/buyer/session', { token: s.token });
    expect(me.json).toMatchObject({ email: s.email, verified: false });

    const code = await codeFor(s);
    const r = await verify(s, code);
    expect(r.status, r.text).toBe(200);
    const v = r.json as VerifiedSessionDto;
    expect(v).toMatchObject({ buyerId: s.buyerId, email: s.email, verified: true });
    expect(r.headers.get('set-cookie')).toContain(`sr_buyer=${v.token}`);
    expect((await api('get', '/api/buyer/session', { token: v.token })).json).toMatchObject({
      verified: true,
    });
    // The old token still works, unverified; a tampered claim does not verify.
    expect((await api('get', '/api/buyer/session', { token: s.token })).json).toMatchObject({
      verified: false,
    });
    const forged = s.token.replace(/\.([^.]+)$/, '.v.$1');
    expect((await api('get', '/api/buyer/session', { token: forged })).status).toBe(401);

    const buyer = await stack.container.prisma.buyer.findUniqueOrThrow({ where: { id: s.buyerId } });
    expect(buyer.emailVerifiedAt).toBeInstanceOf(Date);
    const audit = await stack.container.prisma.auditEntry.findMany({
      where: { action: 'buyer.verified', entityId: s.buyerId },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(`buyer:${s.buyerId}`);

    // The code works once; a verified session has nothing more to prove.
    expect(errorCode(await verify(s, code))).toBe('verification_code_expired');
    expect(errorCode(await api('post', '/api/buyer/session/code', { token: v.token, body: {} }))).toBe(
      'invalid_transition',
    );
  });

  it('a wrong code is refused with the tries left; too many wrong codes kill it', async () => {
    const s = await session();
    const code = await codeFor(s);
    const wrong = code === '000000' ? '000001' : '000000';
    const first = await verify(s, wrong);
    expect(first.status).toBe(400);
    expect(first.json).toMatchObject({
      error: { code: 'verification_code_invalid', details: { attemptsLeft: 2 } },
    });
    expect(errorCode(await verify(s, wrong))).toBe('verification_code_invalid');
    const third = await verify(s, wrong);
    expect(third.status).toBe(429);
    expect(errorCode(third)).toBe('verification_attempts_exceeded');
    expect(errorCode(await verify(s, code))).toBe('verification_attempts_exceeded');
  });

  it('an expired code is refused (410); a code never sent too', async () => {
    const s = await session();
    expect(errorCode(await verify(s, '123456'))).toBe('verification_code_expired');
    const code = await codeFor(s);
    clock += 600_000;
    try {
      const r = await verify(s, code);
      expect(r.status).toBe(410);
      expect(errorCode(r)).toBe('verification_code_expired');
    } finally {
      clock -= 600_000;
    }
  });

  it('when the mail cannot be sent: 503 unavailable, and the code is withdrawn so asking again works', async () => {
    const codes = createVerificationCodes({
      redis: codeRedis,
      prefix: testPrefix(),
      secret: 'another-secret-for-this-test',
      ttlSeconds: 600,
      attempts: 3,
      resendSeconds: 60,
      now: () => clock,
    });
    // Port 9 on loopback: nothing listens, the connection is refused.
    const down = createMailer({
      smtpUrl: 'smtp://127.0.0.1:9',
      from: 'a@b.test',
      logger: pino({ level: 'silent' }),
    });
    const buyer = { kind: 'buyer' as const, buyerId: 'b1', email: newEmail(), sessionId: 'sess-down' };
    const deps = { codes, ttlSeconds: 600, attempts: 3 };
    await expect(sendVerificationCode({ ...deps, mailer: down }, buyer)).rejects.toMatchObject({
      code: 'unavailable',
    });
    down.close();
    const up = createMailer({ smtpUrl: catcher.url, from: 'a@b.test', logger: pino({ level: 'silent' }) });
    try {
      await expect(sendVerificationCode({ ...deps, mailer: up }, buyer)).resolves.toMatchObject({
        email: buyer.email,
      });
    } finally {
      up.close();
    }
  });

  it('a new code waits for the resend cooldown (429 with Retry-After)', async () => {
    const s = await session();
    await codeFor(s);
    const again = await api('post', '/api/buyer/session/code', { token: s.token, body: {} });
    expect(again.status).toBe(429);
    expect(errorCode(again)).toBe('rate_limited');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('bad input gets stable 4xx codes', async () => {
    const s = await session();
    for (const body of [{}, { code: '12345' }, { code: 'abcdef' }, { code: 123456 }, { code: '1234567' }])
      expect(errorCode(await api('post', '/api/buyer/session/verify', { token: s.token, body }))).toBe(
        'validation_failed',
      );
    expect(
      errorCode(await api('post', '/api/buyer/session/code', { token: s.token, body: { email: 'x@y.z' } })),
    ).toBe('validation_failed');
    expect(errorCode(await api('post', '/api/buyer/session/code', { body: {} }))).toBe('unauthenticated');
    // No body at all, a non-JSON body, JSON that is not an object: 4xx, never 5xx.
    const other = await session();
    for (const opts of [
      {},
      { rawBody: 'nope', headers: { 'content-type': 'application/json' } },
      { rawBody: '[1]', headers: { 'content-type': 'application/json' } },
    ]) {
      const r = await api('post', '/api/buyer/session/code', { token: other.token, ...opts });
      expect(r.status, r.text).toBeLessThan(500);
      const v = await api('post', '/api/buyer/session/verify', { token: other.token, ...opts });
      expect(v.status, v.text).toBeGreaterThanOrEqual(400);
      expect(v.status, v.text).toBeLessThan(500);
    }
    expect(errorCode(await api('post', '/api/buyer/session/verify', { body: { code: '123456' } }))).toBe(
      'unauthenticated',
    );
  });
});

type Attempt = { ok: true; holdId: string } | { ok: false; code: string };

async function httpHold(path: string, s: Session, request: HoldRequest): Promise<Attempt> {
  const r = await api<HoldResponse | ErrorEnvelope>('post', path, {
    token: s.token,
    body: request,
    headers: { 'idempotency-key': randomUUID() },
  });
  if ('error' in r.json) return { ok: false, code: r.json.error.code };
  return { ok: true, holdId: r.json.holdId };
}

async function socketFor(s: Session): Promise<ClientSocket> {
  const socket = await connected(openSocket(stack.url, { token: s.token }));
  sockets.push(socket);
  return socket;
}

const entryPoints: Array<{
  name: string;
  hold(showtimeId: string, s: Session, seat: string): Promise<Attempt>;
}> = [
  {
    name: 'hot path',
    hold: (showtimeId, s, seat) => httpHold(`/api/showtimes/${showtimeId}/holds`, s, { seats: [seat] }),
  },
  {
    name: 'Express',
    hold: (showtimeId, s, seat) => httpHold(`/api/showtimes/${showtimeId}/holds/`, s, { seats: [seat] }),
  },
  {
    name: 'socket',
    async hold(showtimeId, s, seat) {
      const socket = await socketFor(s);
      const ack = (await socket.timeout(10_000).emitWithAck('hold:create', {
        showtimeId,
        requestId: randomUUID(),
        seats: [seat],
      })) as Envelope<HoldResponse>;
      socket.close();
      return ack.ok ? { ok: true, holdId: ack.data.holdId } : { ok: false, code: ack.error.code };
    },
  },
];

describe.each(entryPoints.map((e, i) => ({ ...e, seat: `A-1-${i + 1}` })))(
  'a showtime that requires verified buyers, through the $name',
  (entry) => {
    it('refuses an unverified session with 403 verification_required and takes a verified one', async () => {
      const s = await session();
      expect(await entry.hold(strict.showtimeId, s, entry.seat)).toEqual({
        ok: false,
        code: 'verification_required',
      });
      // The same session holds where verification is not required.
      expect(await entry.hold(open.showtimeId, s, entry.seat)).toMatchObject({ ok: true });
      const v = await verified(s);
      expect(await entry.hold(strict.showtimeId, v, entry.seat)).toMatchObject({ ok: true });
    });
  },
);

it('the HTTP refusal is a 403', async () => {
  const s = await session();
  const r = await api('post', `/api/showtimes/${strict.showtimeId}/holds`, {
    token: s.token,
    body: { seats: ['A-1-9'] },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(r.status).toBe(403);
  expect(errorCode(r)).toBe('verification_required');
});

it('a counter sale is exempt', async () => {
  const r = await api('post', `/api/staff/showtimes/${strict.showtimeId}/counter-sale`, {
    token: staffToken,
    body: { seats: ['A-1-10'], buyerEmail: newEmail(), method: 'cash', requestId: randomUUID() },
  });
  expect(r.status, r.text).toBe(201);
});

describe('an e-mail claim sees only what its own session made', () => {
  async function myHolds(s: Session, showtimeId: string): Promise<string[]> {
    const socket = await socketFor(s);
    const ack = (await socket
      .timeout(10_000)
      .emitWithAck('showtime:join', { showtimeId })) as Envelope<ShowtimeSync>;
    socket.close();
    if (!ack.ok) throw new Error(ack.error.code);
    return ack.data.myHolds.map((h) => h.holdId).sort();
  }
  const myOrders = async (s: Session) => {
    const r = await api<BuyerOrderListDto>('get', '/api/buyer/orders', { token: s.token });
    expect(r.status, r.text).toBe(200);
    return r.json.orders.map((o) => o.code).sort();
  };
  const orderCodeOf = (holdId: string) =>
    waitFor(
      () => stack.container.prisma.order.findUnique({ where: { holdId } }),
      30_000,
      `the order of ${holdId}`,
    ).then((o) => o.code);

  it('on the socket (myHolds) and over HTTP (my orders); a verified session sees all of the e-mail', async () => {
    const email = newEmail();
    const owner = await session(email);
    const ownerHold = await httpHold(`/api/showtimes/${open.showtimeId}/holds`, owner, { seats: ['A-1-6'] });
    expect(ownerHold.ok).toBe(true);
    const ownerHoldId = (ownerHold as { holdId: string }).holdId;
    const ownerOrder = await orderCodeOf(ownerHoldId);

    // Someone types the owner's e-mail: a new session, unverified.
    const claim = await session(email);
    expect(claim.buyerId).toBe(owner.buyerId);
    expect(await myHolds(claim, open.showtimeId)).toEqual([]);
    expect(await myOrders(claim)).toEqual([]);
    // What the claim makes itself, it sees.
    const claimHold = await httpHold(`/api/showtimes/${open.showtimeId}/holds`, claim, { seats: ['A-1-7'] });
    const claimHoldId = (claimHold as { holdId: string }).holdId;
    const claimOrder = await orderCodeOf(claimHoldId);
    expect(await myHolds(claim, open.showtimeId)).toEqual([claimHoldId]);
    expect(await myOrders(claim)).toEqual([claimOrder]);
    // The owner's unverified session likewise sees only its own.
    expect(await myHolds(owner, open.showtimeId)).toEqual([ownerHoldId]);
    expect(await myOrders(owner)).toEqual([ownerOrder]);

    // Proving the e-mail shows everything of it.
    const proved = await verified(owner);
    expect(await myHolds(proved, open.showtimeId)).toEqual([ownerHoldId, claimHoldId].sort());
    expect(await myOrders(proved)).toEqual([ownerOrder, claimOrder].sort());
  });
});

describe('the development mail page', () => {
  const prodEnv = {
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(24).toString('hex'),
    TICKET_SIGNING_SECRET: randomBytes(24).toString('hex'),
    PAYMENT_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
    SEATRUSH_ADMIN_PASSWORD: randomBytes(24).toString('hex'),
    PAYMENT_PROVIDER: 'sandbox',
  };

  it('cannot be enabled in production; test ignores it', () => {
    expect(loadConfig(prodEnv).devMailDir).toBeUndefined();
    expect(() => loadConfig({ ...prodEnv, DEV_MAIL_DIR: '/tmp/x' })).toThrow(/DEV_MAIL_DIR/);
    expect(devMailMount(loadConfig({ NODE_ENV: 'test', DEV_MAIL_DIR: '/tmp/x' }))).toBeNull();
    expect(loadConfig({ NODE_ENV: 'development', DEV_MAIL_DIR: '/tmp/x' }).devMailDir).toBe('/tmp/x');
  });

  it('is not served by a test node', async () => {
    const r = await api<{ ok?: boolean } | undefined>('get', '/dev/mail.json');
    expect(r.json?.ok).not.toBe(true);
  });

  it('a development node lists what the catcher caught: the code a buyer asked for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatrush-mail-'));
    const devCatcher = await startMailCatcher({ dir });
    const dev = await startTestStack({
      env: {
        NODE_ENV: 'development',
        SMTP_URL: devCatcher.url,
        DEV_MAIL_DIR: dir,
        RATE_LIMIT_SESSION_PER_ADDRESS: '0',
        RATE_LIMIT_CODE_PER_ADDRESS: '0',
      },
    });
    try {
      const devApi = apiClient(dev.url);
      const email = newEmail();
      const s = await devApi<{ token: string }>('post', '/api/buyer/session', { body: { email } });
      expect(s.status, s.text).toBe(201);
      const sent = await devApi('post', '/api/buyer/session/code', { token: s.json.token, body: {} });
      expect(sent.status, sent.text).toBe(202);
      const list = await waitFor(async () => {
        const r = await devApi<{ data: Array<{ to: string[]; subject: string; text: string }> }>(
          'get',
          '/dev/mail.json',
        );
        return r.json.data.length > 0 && r.json.data;
      });
      expect(list).toHaveLength(1);
      expect(list[0]!.to).toEqual([email]);
      const code = /Your code is (\d{6})/.exec(list[0]!.text)?.[1];
      expect(code).toBeDefined();
      const page = await devApi('get', '/dev/mail');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain(`Your code is ${code}`);
      expect(page.text).toContain(email);
    } finally {
      await dev.close();
      await devCatcher.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
