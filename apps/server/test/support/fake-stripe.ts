import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/** One request the adapter made, as the fake Stripe API received it. */
export interface StripeCall {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  form: Record<string, string>;
}

export interface FakeStripe {
  url: string;
  calls: StripeCall[];
  /** What the next refunds answer with (default `succeeded`); `error:<code>` answers Stripe's 400. */
  refundAnswer: string;
  /** Marks a PaymentIntent paid (what Stripe does when the buyer pays), so a later cancel is refused. */
  succeed(id: string): void;
  /** Sets a PaymentIntent's status as Stripe would report it (`processing`, `requires_payment_method`, …). */
  setStatus(id: string, status: string): void;
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for api.stripe.com: it checks what a Stripe API client must send (the secret key
 * as Bearer, an Idempotency-Key on every POST, form-encoded parameters) and answers with Stripe's object shapes.
 * Like Stripe, a repeated Idempotency-Key gets the first answer again.
 */
export async function startFakeStripe(secretKey: string): Promise<FakeStripe> {
  const answers = new Map<string, { status: number; body: unknown }>();
  const intents = new Map<string, { id: string; amount: number; currency: string; status: string }>();
  const fake: FakeStripe = {
    url: '',
    calls: [],
    refundAnswer: 'succeeded',
    succeed(id) {
      const pi = intents.get(id);
      if (pi) pi.status = 'succeeded';
    },
    setStatus(id, status) {
      const pi = intents.get(id);
      if (pi) pi.status = status;
    },
    close: () => Promise.resolve(),
  };

  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  };
  const error = (status: number, code: string, message: string) => ({
    status,
    body: { error: { type: 'invalid_request_error', code, message } },
  });

  const answer = (call: StripeCall): { status: number; body: unknown } => {
    if (call.authorization !== `Bearer ${secretKey}`)
      return error(401, 'api_key_invalid', 'Invalid API key.');
    if (call.method === 'POST' && !call.idempotencyKey)
      return error(400, 'idempotency_key_missing', 'The fake requires an Idempotency-Key on every POST.');
    if (call.method === 'POST' && call.path === '/v1/payment_intents') {
      const amount = Number(call.form.amount);
      if (!Number.isInteger(amount) || amount < 1 || !/^[a-z]{3}$/.test(call.form.currency ?? ''))
        return error(400, 'parameter_invalid', 'amount and currency are required');
      const pi = {
        id: `pi_${randomBytes(8).toString('hex')}`,
        amount,
        currency: call.form.currency!,
        status: 'requires_payment_method',
      };
      intents.set(pi.id, pi);
      return {
        status: 200,
        body: { object: 'payment_intent', ...pi, client_secret: `${pi.id}_secret_x`, metadata: {} },
      };
    }
    const retrieve = /^\/v1\/payment_intents\/(pi_\w+)$/.exec(call.path);
    if (call.method === 'GET' && retrieve) {
      const pi = intents.get(retrieve[1]!);
      if (!pi) return error(404, 'resource_missing', 'No such payment_intent');
      const received = pi.status === 'succeeded' ? pi.amount : 0;
      return { status: 200, body: { object: 'payment_intent', ...pi, amount_received: received } };
    }
    const cancel = /^\/v1\/payment_intents\/(pi_\w+)\/cancel$/.exec(call.path);
    if (call.method === 'POST' && cancel) {
      const pi = intents.get(cancel[1]!);
      if (!pi) return error(404, 'resource_missing', 'No such payment_intent');
      if (pi.status === 'succeeded')
        return error(400, 'payment_intent_unexpected_state', 'This PaymentIntent has already succeeded.');
      pi.status = 'canceled';
      return { status: 200, body: { object: 'payment_intent', ...pi } };
    }
    if (call.method === 'POST' && call.path === '/v1/refunds') {
      const pi = intents.get(call.form.payment_intent ?? '');
      if (!pi) return error(400, 'resource_missing', 'No such payment_intent');
      if (fake.refundAnswer.startsWith('error:'))
        return error(400, fake.refundAnswer.slice(6), 'Refused by the fake.');
      return {
        status: 200,
        body: {
          object: 'refund',
          id: `re_${randomBytes(8).toString('hex')}`,
          amount: Number(call.form.amount ?? pi.amount),
          currency: pi.currency,
          payment_intent: pi.id,
          status: fake.refundAnswer,
        },
      };
    }
    return error(404, 'resource_missing', `Unrecognized request URL (${call.method}: ${call.path})`);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const call: StripeCall = {
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0]!,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        authorization: req.headers.authorization,
        form: await read(req),
      };
      fake.calls.push(call);
      const key = call.idempotencyKey ? `${call.path}\u0000${call.idempotencyKey}` : null;
      const a = (key && answers.get(key)) || answer(call);
      if (key && a.status < 500) answers.set(key, a);
      res.writeHead(a.status, {
        'content-type': 'application/json',
        'request-id': `req_${randomBytes(6).toString('hex')}`,
      });
      res.end(JSON.stringify(a.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return fake;
}
