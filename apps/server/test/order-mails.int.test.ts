import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterSaleResult, RedeemResult } from '@seatrush/shared';
import { startMailCatcher, type MailCatcher } from '../src/mail/catcher.ts';
import type { CaughtMail } from '../src/mail/dev-mailbox.ts';
import { createMailer, type Mailer } from '../src/mail/mailer.ts';
import { verifyTicketQrPayload } from '../src/orders/codes.ts';
import { orderMailTransport } from '../src/queue/order-mails.ts';
import { startTestStack, type TestStack } from './support/env.ts';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 16, tickets by e-mail: a real SMTP server in-process receives the mail; the tickets PDF is rendered to an
 * image (poppler's pdftoppm) and its QR code decoded (jsQR), and what it says must verify and redeem at the door.
 * Sent at least once from the audit-log outbox, never twice after a delivery (the sent-log).
 */

let catcher: MailCatcher;
let stack: TestStack;
let w: OrdersWorld;
let short: OrdersWorld;
let box: Awaited<ReturnType<typeof staffWithToken>>;
let door: Awaited<ReturnType<typeof staffWithToken>>;
let row = 0;
/** Sends that fail before reaching SMTP (a server that is down), set by a test. */
let failSends = 0;
// jsqr is CommonJS compiled from TypeScript: Node hands its `exports` object to a default import.
const jsQR = jsQRModule.default;
const dir = mkdtempSync(join(tmpdir(), 'order-mails-'));

beforeAll(async () => {
  catcher = await startMailCatcher();
  const real = createMailer({
    smtpUrl: catcher.url,
    from: 'Seatrush Test <tickets@seatrush.test>',
    logger: pino({ level: 'silent' }),
  });
  const mailer: Mailer = {
    send: (m) => (failSends-- > 0 ? Promise.reject(new Error('SMTP down (test)')) : real.send(m)),
    close: () => real.close(),
  };
  stack = await startTestStack({
    worker: true,
    env: {
      SMTP_URL: catcher.url,
      MAIL_FROM: 'Seatrush Test <tickets@seatrush.test>',
      ORDER_MAIL_POLL_MS: '100',
      ORDER_MAIL_BACKOFF_MS: '50',
    },
    services: { mailer },
  });
  w = await ordersWorld(stack, {
    sections: [{ key: 'A', rows: 10, seatsPerRow: 4, category: 'std' }],
    prices: { std: 2550 },
    perBuyerLimit: 50,
  });
  short = await ordersWorld(stack, { holdTtlSeconds: 5, buyers: 1 });
  box = await staffWithToken(stack.container, 'box_office');
  door = await staffWithToken(stack.container, 'door');
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await catcher?.close();
  rmSync(dir, { recursive: true, force: true });
});

const prisma = () => stack.container.prisma;

async function sell(n: number): Promise<{ code: string; email: string; result: CounterSaleResult }> {
  row++;
  const email = `mail-${row}-${Date.now().toString(36)}@example.test`;
  const r = await w.api<CounterSaleResult>('post', `/api/staff/showtimes/${w.f.showtimeId}/counter-sale`, {
    body: {
      seats: Array.from({ length: n }, (_, i) => `A-${row}-${i + 1}`),
      method: 'cash',
      buyerEmail: email,
    },
    token: box.token,
  });
  expect(r.status, r.text).toBe(201);
  return { code: r.json.order.code, email, result: r.json };
}

const mailTo = (email: string, subject: RegExp) =>
  catcher.next((m) => m.to.includes(email) && subject.test(m.subject));

const sentLog = async (code: string) => {
  const o = await prisma().order.findUniqueOrThrow({ where: { code } });
  return prisma().orderMail.findMany({ where: { orderId: o.id }, orderBy: { auditId: 'asc' } });
};

/** The sent-log once the worker marked every row of the order sent (it does so just after SMTP accepted). */
const settledLog = (code: string) =>
  waitFor(async () => {
    const rows = await sentLog(code);
    return rows.length > 0 && rows.every((r) => r.status !== 'pending') && rows;
  });

/** Renders each page of the PDF and decodes the QR code on it. */
function qrCodesOf(pdf: Buffer): { pages: number; payloads: string[]; text: string } {
  const file = join(dir, `t${row}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
  const payloads: string[] = [];
  for (let p = 1; p <= pages; p++) {
    const prefix = `${file}-p${p}`;
    execFileSync('pdftoppm', ['-r', '100', '-png', '-singlefile', '-f', `${p}`, '-l', `${p}`, file, prefix]);
    const png = PNG.sync.read(readFileSync(`${prefix}.png`));
    const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(qr, `a QR code on page ${p}`).not.toBeNull();
    payloads.push(qr!.data);
  }
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  return { pages, payloads, text };
}

const pdfOf = (mail: CaughtMail) => {
  const a = mail.attachments?.find((x) => x.contentType === 'application/pdf');
  expect(a?.filename).toMatch(/^tickets-.+\.pdf$/);
  return a!.content!;
};

describe('the tickets e-mail', () => {
  it('carries a PDF, one page per ticket, whose QR code decodes to a signed ticket that redeems', async () => {
    const { code, email, result } = await sell(2);
    const mail = await mailTo(email, /^Your tickets/);
    expect(mail.from).toBe('tickets@seatrush.test');
    expect(mail.text).toContain(`order ${code} is paid`);
    expect(mail.text).toContain('€51.00 in total');

    const { pages, payloads, text } = qrCodesOf(pdfOf(mail));
    expect(pages).toBe(2);
    const verified = payloads.map((p) => verifyTicketQrPayload(stack.config.ticketSigningSecret, p));
    expect(verified.map((v) => v?.showtimeId)).toEqual([w.f.showtimeId, w.f.showtimeId]);
    expect(new Set(verified.map((v) => v?.ticketCode))).toEqual(
      new Set(result.order.tickets.map((t) => t.ticketCode)),
    );
    // Seats as buyers read them (the fixture's section A is named "A"), never the code `A-${row}-1`.
    for (const label of [
      `A, row ${row}, seat 1`,
      `A, row ${row}, seat 2`,
      '€25.50',
      `Order ${code}`,
      'Ticket 2 of 2',
    ])
      expect(text).toContain(label);
    const st = await prisma().showtime.findUniqueOrThrow({
      where: { id: w.f.showtimeId },
      include: { event: true, venue: true },
    });
    expect(text).toContain(st.event.name);
    expect(text).toContain(st.venue.name);

    // What the door scans is what the PDF shows.
    const scan = await w.api<RedeemResult>('post', '/api/checkin/redeem', {
      body: { payload: payloads[0], device: 'Gate A' },
      token: door.token,
    });
    expect(scan.status, scan.text).toBe(200);
    expect(scan.json.result).toBe('accepted');

    const log = await settledLog(code);
    expect(log).toMatchObject([{ kind: 'tickets', status: 'sent', attempts: 1 }]);
    expect(mail.messageId).toBe(`<${log[0]!.id}@seatrush.test>`);
  });

  it('a job run again after delivery sends nothing; a send that failed is retried and delivered once', async () => {
    const { code, email } = await sell(1);
    await mailTo(email, /^Your tickets/);
    const [entry] = await settledLog(code);
    const transport = orderMailTransport(stack.container.redis, stack.config.redisPrefix, {
      attempts: 1,
      backoffMs: 10,
    });
    try {
      // A duplicate job (a stalled job taken over, a second relay) for a mail already delivered.
      const again = await transport.queue.add('send', { mailId: entry!.id }, { jobId: `${entry!.id}.again` });
      const outcome = await waitFor(
        async () => (await transport.queue.getJob(again.id!))?.returnvalue as unknown,
      );
      expect(outcome).toBe('already_sent');
    } finally {
      await transport.queue.close();
    }
    expect(catcher.messages().filter((m) => m.messageId === `<${entry!.id}@seatrush.test>`)).toHaveLength(1);

    failSends = 2;
    const second = await sell(1);
    const mail = await mailTo(second.email, /^Your tickets/);
    const [log] = await settledLog(second.code);
    expect(log).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(catcher.messages().filter((m) => m.messageId === mail.messageId)).toHaveLength(1);
  });
});

describe('refund and expiry e-mails', () => {
  it('a partial and then a full refund each send their own e-mail, after the tickets', async () => {
    const { code, email, result } = await sell(2);
    await mailTo(email, /^Your tickets/);
    const refund = (itemIds: string[] | undefined, key: string) =>
      w.api('post', `/api/staff/orders/${code}/refund`, {
        body: itemIds ? { itemIds } : {},
        headers: { 'idempotency-key': key },
        token: box.token,
      });
    const first = await refund([result.order.items[0]!.id], `${code}-1`);
    expect(first.status, first.text).toBe(200);
    const partial = await mailTo(email, /^Refund for order/);
    expect(partial.text).toContain('Some tickets');
    expect(partial.text).toContain('€25.50');
    expect(partial.attachments ?? []).toHaveLength(0);

    expect((await refund(undefined, `${code}-2`)).status).toBe(200);
    const full = await catcher.next(
      (m) => m.to.includes(email) && m.text.includes(`Order ${code} was refunded`),
    );
    expect(full.text).toContain('€25.50');
    const log = await waitFor(async () => {
      const rows = await settledLog(code);
      return rows.length === 3 && rows;
    });
    expect(log.map((m) => [m.kind, m.status])).toEqual([
      ['tickets', 'sent'],
      ['partially_refunded', 'sent'],
      ['refunded', 'sent'],
    ]);
    expect(catcher.messages().filter((m) => m.to.includes(email))).toHaveLength(3);
  });

  it('an order whose payment window closed sends an expiry e-mail without tickets', async () => {
    const buyer = short.buyers[0]!;
    const h = await short.inv.hold(short.f.showtimeId, {
      buyerId: buyer.id,
      requestId: 'expire-1',
      seats: [short.f.seatLabels[0]!],
    });
    expect(h.items).toHaveLength(1);
    const mail = await mailTo(buyer.email, /expired$/);
    const o = await prisma().order.findFirstOrThrow({ where: { buyerId: buyer.id } });
    expect(o.status).toBe('EXPIRED');
    expect(mail.subject).toBe(`Order ${o.code} expired`);
    expect(mail.text).toContain('Nothing was charged');
    expect(mail.attachments ?? []).toHaveLength(0);
  });
});
