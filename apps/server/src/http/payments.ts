import express from 'express';
import { z } from 'zod';
import { formatMoney, sandboxPayBodySchema, sandboxTestCards } from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import type { OrdersCore } from '../orders/core.ts';
import { handleWebhook } from '../application/payments/payment-events.ts';
import { SIGNATURE_HEADER } from '../payments/signature.ts';
import type { SandboxAttempt, SandboxPayment, SandboxProvider } from '../payments/sandbox.ts';
import { route, type RouteDef } from './route.ts';

/** The sandbox pages are in English; amounts are in the payment currency's own minor unit. */
const PAGE_LOCALE = 'en-GB';

/** How long a finished payment's page stays up (so its outcome can be read) before it returns to the shop. */
const RETURN_AFTER_SECONDS = 5;

const sandboxParams = z.strictObject({ paymentId: z.string().regex(/^sbx_[a-f0-9]{24}$/) });

const webhookResponse = z.object({
  received: z.literal(true),
  duplicate: z.boolean().optional(),
  outcome: z.string().optional(),
});

/** The provider's webhook endpoint, and the sandbox provider's hosted payment page. */
export function paymentRoutes(core: OrdersCore, sandbox: SandboxProvider | null): RouteDef[] {
  const routes: RouteDef[] = [
    route({
      method: 'post',
      path: '/api/payments/webhook',
      access: 'public',
      summary:
        'Payment provider webhooks, signed: `Seatrush-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. Processed once per event id',
      tags: ['payments'],
      response: webhookResponse,
      handler: async ({ req }) => ({
        body: await handleWebhook(
          core,
          (req as { rawBody?: Buffer }).rawBody,
          req.headers[SIGNATURE_HEADER] as string | undefined,
        ),
      }),
    }),
  ];
  if (!sandbox) return routes;

  const page = async (ref: string): Promise<SandboxPayment> => {
    const p = await sandbox.get(ref);
    if (!p) throw new DomainError('not_found', 'No such sandbox payment.');
    return p;
  };

  routes.push(
    route({
      method: 'get',
      path: '/sandbox-pay/:paymentId',
      access: 'public',
      summary: "The sandbox provider's hosted payment page (test cards decide the outcome)",
      tags: ['payments'],
      params: sandboxParams,
      handler: async ({ params, res }) => {
        const p = await page(params.paymentId);
        res.status(200).type('html').setHeader('cache-control', 'no-store').send(renderPage(p, null));
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/sandbox-pay/:paymentId',
      access: 'public',
      summary: 'Submit a card on the sandbox payment page (form or JSON `{ card }`)',
      tags: ['payments'],
      params: sandboxParams,
      body: sandboxPayBodySchema,
      before: [express.urlencoded({ extended: false, limit: '4kb' })],
      handler: async ({ params, body, req, res }) => {
        // `pay` reads the payment itself (404 when there is none): no read of it ahead, one statement less.
        const attempt = await sandbox.pay(params.paymentId, body.card);
        if (req.is('application/json')) return { body: attempt };
        const p = await page(params.paymentId);
        res.status(200).type('html').setHeader('cache-control', 'no-store').send(renderPage(p, attempt));
        return undefined;
      },
    }),
  );
  return routes;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CARD_LABELS: Record<string, string> = {
  success: 'succeeds',
  declined: 'is declined',
  insufficient_funds: 'fails: insufficient funds',
  slow_confirmation: 'succeeds after a slow 3-D Secure style confirmation',
  succeeds_after_expiry: 'succeeds only after your reservation expired',
};

/**
 * A plain form, no script (the CSP allows none inline): the sandbox stands in for a provider's hosted page. It
 * says, where no buyer can miss it, that no real money moves (production runs it only when chosen explicitly).
 */
function renderPage(p: SandboxPayment, attempt: SandboxAttempt | null): string {
  const done = p.status === 'succeeded' || p.status === 'processing' || p.status === 'canceled';
  const message = attempt
    ? `<p class="msg ${attempt.status === 'failed' ? 'bad' : 'ok'}" role="status">${esc(attempt.message)}</p>`
    : '';
  const back = `<a href="${esc(p.returnUrl)}">Back to the shop</a>`;
  // Done: back to the order by itself, as a provider's hosted page does (a meta refresh: the CSP allows no
  // script). After a failed card the buyer may try another one here, or go back to the shop.
  const form = done
    ? `<p>Taking you back to the shop… ${back}</p>`
    : `${attempt?.status === 'failed' ? `<p>${back} to try again from your order, or try another card below.</p>` : ''}<form method="post">
  <label for="card">Card number</label>
  <input id="card" name="card" inputmode="numeric" autocomplete="cc-number" required value="4242 4242 4242 4242">
  <button type="submit">Pay ${esc(formatMoney(p.amountCents, p.currency, PAGE_LOCALE))}</button>
</form>`;
  const cards = Object.entries(sandboxTestCards)
    .map(
      ([n, o]) => `<li><code>${n.replace(/(\d{4})(?=\d)/g, '$1 ')}</code> ${esc(CARD_LABELS[o] ?? o)}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox payment — no real money</title>${done ? `\n<meta http-equiv="refresh" content="${RETURN_AFTER_SECONDS};url=${esc(p.returnUrl)}">` : ''}
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.25rem}.amount{font-size:2rem;margin:.5rem 0}label{display:block;margin:.5rem 0 .25rem}
input{font-size:1.1rem;width:100%;padding:.5rem;box-sizing:border-box}button{margin-top:1rem;font-size:1.1rem;padding:.6rem 1.2rem}
.msg{padding:.6rem;border-radius:4px}.ok{background:#e6f4ea}.bad{background:#fde7e9}small{color:#555}
.sandbox{padding:.75rem;border:2px solid #b26a00;border-radius:4px;background:#fff4e0;color:#3d2400}
</style></head><body>
<p class="sandbox" role="note"><strong>Sandbox — no real money.</strong> This is Seatrush's test payment provider:
no card is charged, and nothing bought here is paid for.</p>
<h1>${esc(p.description)}</h1>
<p class="amount">${esc(formatMoney(p.amountCents, p.currency, PAGE_LOCALE))}</p>
${message}
${form}
<h2><small>Test cards</small></h2>
<ul>${cards}</ul>
</body></html>`;
}
