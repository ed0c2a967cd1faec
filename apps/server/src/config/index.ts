import { resolve } from 'node:path';
import { redisEnv, redisTarget, type RedisTarget } from './redis.ts';
import { z } from 'zod';
import { productionAdminPasswordProblem, productionSecretProblem } from './secrets.ts';
import { parseTrustProxy, trustProxyProblem, type ProxyTrust } from './trust-proxy.ts';
import { stripeKeysProblem, stripeSettings, type StripeSettings } from './stripe.ts';
import { rateLimitConfig, rateLimitEnv, type RateLimitConfig } from './rate-limits.ts';

/**
 * The only module that reads `process.env`. Parsed once; everything else receives a `Config`.
 * Development has safe defaults; in production the secrets must be given — and not be values anyone can read in
 * this repository (config/secrets.ts) — and the payment provider must be chosen, or the process refuses to start.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Listen address: 127.0.0.1 by default (development secrets stay local), 0.0.0.0 in production (containers). */
  HOST: z.string().min(1).optional(),
  PUBLIC_URL: z.string().url().optional(),
  /**
   * The operations port of every role (web and worker): `/metrics`, `/healthz`, `/readyz`, never forwarded by the
   * balancer (the public port serves no `/metrics`). A port, `0` for any free port (tests), or `off`. Default: 9464
   * in production (one process per container), off in development and test, where several nodes share a machine
   * and their launcher (`npm start`, `npm run cluster`) gives each its own.
   */
  METRICS_PORT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).optional(),
  ),
  /** How long a node drains on SIGTERM (in-flight requests and jobs finish, sockets reconnect elsewhere), ms. */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  ...redisEnv,
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/seatrush'),
  /** PostgreSQL connections per process (checkouts, payment webhooks and order reads all queue for them). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /** Prefix for every Redis key and BullMQ queue; tests use a random one each. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i)
    .default('sr'),
  ROLE: z.enum(['web', 'worker', 'all']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_SECRET: z.string().min(16).optional(),
  TICKET_SIGNING_SECRET: z.string().min(16).optional(),
  PAYMENT_WEBHOOK_SECRET: z.string().min(16).optional(),
  SEATRUSH_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Comma-separated extra origins allowed to make cookie-authenticated changes (CSRF check). */
  ALLOWED_ORIGINS: z.string().default(''),
  /** Directory of the built web app; served when it exists. */
  WEB_DIST: z.string().optional(),
  /**
   * Peers whose X-Forwarded-For/-Proto/-Host are believed (client IP, https, the CSRF check's host): nobody by
   * default; addresses, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`, or a hop count (config/trust-proxy.ts).
   */
  TRUST_PROXY: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      const problem = trustProxyProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /**
   * The payment provider: `sandbox` (built in, test cards, no real money; the default in development and test) or
   * `stripe` (its three keys required: config/stripe.ts). Production refuses to start unless it is
   * chosen here explicitly.
   */
  PAYMENT_PROVIDER: z.enum(['sandbox', 'stripe']).optional(),
  /** Stripe: the secret API key (`sk_live_…`, `sk_test_…` or a restricted `rk_…`); no default. */
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_\w+$/, 'Use a Stripe secret key (sk_… or rk_…)')
    .optional(),
  /** Stripe: the publishable key the checkout page loads Stripe.js with (config/stripe.ts); no default. */
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_\w+$/, 'Use a pk_test_… or pk_live_… key')
    .optional(),
  /** Stripe: the signing secret of the webhook endpoint (`whsec_…`), from the dashboard or `stripe listen`. */
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, 'Use a Stripe webhook signing secret (whsec_…)')
    .optional(),
  /** Stripe: the API's base URL (default https://api.stripe.com); tests point it at a local server. */
  STRIPE_API_BASE: z.string().url().optional(),
  /** Outgoing webhooks (docs/webhooks.md): how often a worker turns new audit entries into events (ms). */
  OUTGOING_WEBHOOK_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Outgoing webhooks: delivery attempts per round, and the first retry's delay (doubling each time, ms). */
  OUTGOING_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(12),
  OUTGOING_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  /** Seconds a hold may be extended by, once, when payment starts. */
  HOLD_EXTENSION_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  /**
   * A hold whose payment the provider reports still in flight at the deadline is extended by this much at a
   * time (s), at most PAYMENT_PENDING_MAX_SECONDS in all (0 = never: the hold expires at its deadline).
   */
  PAYMENT_PENDING_EXTENSION_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  PAYMENT_PENDING_MAX_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  /** Worker concurrency / batch size for order persistence. */
  ORDER_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** Where the payment provider POSTs webhooks (default: PUBLIC_URL, else this node, + /api/payments/webhook). */
  PAYMENT_WEBHOOK_URL: z.string().url().optional(),
  /** Sandbox provider: delay of the slow 3-D Secure style card's success webhook (ms). */
  SANDBOX_SLOW_CONFIRM_MS: z.coerce.number().int().min(0).max(600_000).default(3000),
  /** Sandbox provider: how long after the hold's deadline the "succeeds after expiry" card's webhook comes (ms). */
  SANDBOX_LATE_PAYMENT_MS: z.coerce.number().int().min(0).max(600_000).default(2000),
  /** BullMQ job lock of order/expiry jobs (ms): a killed worker's jobs are retried after it. */
  ORDER_JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** The order reconciler enqueues holds that have no order row after this long (ms). */
  ORDER_RECONCILE_AFTER_MS: z.coerce.number().int().min(500).max(600_000).default(5000),
  /** How often the expiry sweeper runs (ms). */
  EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(500),
  /** Shortest window (ms) over which seat changes are coalesced into one `seats:changed` per showtime room. */
  REALTIME_COALESCE_MS: z.coerce.number().int().min(0).max(1000).default(50),
  /** Socket deliveries per second one node aims at per showtime room; widens the window for huge rooms. */
  REALTIME_DELIVERY_BUDGET: z.coerce.number().int().min(100).default(5000),
  /** How often (ms) the staff room's live statistics are pushed. */
  STAFF_STATS_INTERVAL_MS: z.coerce.number().int().min(100).max(60000).default(1000),
  /** Abuse limits, RATE_LIMIT_*: config/rate-limits.ts. */
  ...rateLimitEnv,
  /**
   * Outgoing mail (one-time codes, tickets): an SMTP URL such as `smtps://user:pass@mail.example.com:465`.
   * Development and test default to `smtp://127.0.0.1:1025`, where `npm start` runs its mail catcher; production
   * has no default — without it no mail is sent (code requests answer 503 `unavailable`).
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'Use smtp://… or smtps://…')
    .optional(),
  /** The From header of outgoing mail. */
  MAIL_FROM: z.string().min(3).default('Seatrush <no-reply@seatrush.localhost>'),
  /**
   * Order e-mails (tickets as a PDF when paid, refund and expiry notes; docs/checkout-api.md): `on` wherever mail
   * can be sent. Tests leave them off unless they give SMTP_URL (a test's node must not mail the default port).
   */
  ORDER_MAILS: z.enum(['on', 'off']).optional(),
  /** Order e-mails: how often a worker looks for new ones (ms), attempts, first retry's delay (doubling, ms). */
  ORDER_MAIL_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  ORDER_MAIL_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(10),
  ORDER_MAIL_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(5000),
  /**
   * Development only: the folder where `npm start`'s mail catcher keeps caught mail, listed at `/dev/mail`. Refused
   * with NODE_ENV=production and ignored in test, so the page cannot exist in production.
   */
  DEV_MAIL_DIR: z.string().min(1).optional(),
  /** One-time e-mail codes: seconds a code works, wrong tries allowed, seconds before another may be sent. */
  VERIFY_CODE_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
  VERIFY_CODE_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  VERIFY_RESEND_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /**
   * The queue's bot challenge (showtimes with `botChallenge`): PBKDF2 iterations per attempt and the highest counter
   * the solver may have to reach (it is drawn from the upper half). By default 5,000–10,000 attempts of 100
   * iterations: 1.3 s for 7,500 attempts with Node's Web Crypto on this project's 2-core machine under load.
   */
  BOT_CHALLENGE_COST: z.coerce.number().int().min(1).max(1_000_000).default(100),
  BOT_CHALLENGE_MAX_COUNTER: z.coerce.number().int().min(2).max(1_000_000).default(10_000),
});

export type Env = z.infer<typeof envSchema>;
/** Every environment variable the server reads (for checks of deployment files). */
export const envNames = Object.keys(envSchema.shape) as (keyof Env)[];

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  /** The operations port (`/metrics`, `/healthz`, `/readyz`); null = none. */
  metricsPort: number | null;
  /** Bound on the graceful drain after SIGTERM (ms). */
  drainTimeoutMs: number;
  publicUrl: string | undefined;
  /** The single Redis (also the default when neither a cluster nor sentinels are given). */
  redisUrl: string;
  /** Where Redis is: one server (REDIS_URL), a Redis Cluster, or a Sentinel-guarded master. */
  redis: RedisTarget;
  databaseUrl: string;
  databasePoolSize: number;
  redisPrefix: string;
  role: Env['ROLE'];
  logLevel: Env['LOG_LEVEL'];
  sessionSecret: string;
  ticketSigningSecret: string;
  paymentWebhookSecret: string;
  adminPassword: string | undefined;
  allowedOrigins: string[];
  webDist: string | undefined;
  /** Whether a peer's X-Forwarded-* headers are believed (Express's `trust proxy` function; the CSRF check). */
  trustProxy: ProxyTrust;
  /** The payment provider; in production it was chosen explicitly (PAYMENT_PROVIDER). */
  paymentProvider: 'sandbox' | 'stripe';
  /** Set when paymentProvider is `stripe` (the three keys are then required). */
  stripe: StripeSettings | undefined;
  outgoingWebhooks: { pollMs: number; attempts: number; backoffMs: number };
  holdExtensionSeconds: number;
  /** While the provider says a hold's payment is in flight: its extension step and bound (s). */
  paymentPending: { extensionSeconds: number; maxSeconds: number };
  orderBatchSize: number;
  paymentWebhookUrl: string | undefined;
  sandboxSlowConfirmMs: number;
  sandboxLatePaymentMs: number;
  orderJobLockMs: number;
  orderReconcileAfterMs: number;
  expirySweepIntervalMs: number;
  realtimeCoalesceMs: number;
  realtimeDeliveryBudget: number;
  realtimeUnfollowGraceMs: number;
  staffStatsIntervalMs: number;
  /** Requests per minute per address and per buyer for each limited action (0 = off); see RATE_LIMIT_*. */
  rateLimits: RateLimitConfig;
  /** Where mail goes (SMTP_URL); undefined in production when not configured: no mail is sent. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Order e-mails (ORDER_MAIL_*): sent by the worker role when `enabled`. */
  orderMails: { enabled: boolean; pollMs: number; attempts: number; backoffMs: number };
  /** The development mail catcher's folder, served at `/dev/mail`; always undefined outside development. */
  devMailDir: string | undefined;
  verifyCodeTtlSeconds: number;
  verifyCodeAttempts: number;
  verifyResendSeconds: number;
  botChallenge: { cost: number; counter: readonly [number, number] };
}

export class ConfigError extends Error {}
export type { RedisNode, RedisTarget } from './redis.ts';
export {
  RATE_LIMITS_OFF,
  limitedActions,
  type LimitedAction,
  type RateLimitConfig,
  type RateLimitSetting,
} from './rate-limits.ts';

const DEV_SECRETS = {
  SESSION_SECRET: 'dev-only-session-secret-change-me',
  TICKET_SIGNING_SECRET: 'dev-only-ticket-secret-change-me',
  PAYMENT_WEBHOOK_SECRET: 'dev-only-webhook-secret-change-me',
} as const;

type EnvSource = Record<string, string | undefined>;

/**
 * The process's configuration: `process.env`, over `defaults` and under `overrides`. The composition roots call
 * this so that nothing outside config/ reads `process.env` (the lint enforces it). Throws `ConfigError`.
 */
export function configFromEnv(layers: { defaults?: EnvSource; overrides?: EnvSource } = {}): Config {
  return loadConfig({ ...layers.defaults, ...process.env, ...layers.overrides });
}

/** Parses an environment (default: `process.env`). Throws `ConfigError` with one readable sentence. */
export function loadConfig(source: EnvSource = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${first?.path.join('.')} ${first?.message ?? ''}`.trim());
  }
  const e = parsed.data;
  const prod = e.NODE_ENV === 'production';
  const secret = (name: keyof typeof DEV_SECRETS): string => {
    const value = e[name];
    if (value) {
      const problem = prod ? productionSecretProblem(name, value) : null;
      if (problem) throw new ConfigError(`${problem} (NODE_ENV=production)`);
      return value;
    }
    if (prod) throw new ConfigError(`${name} must be set when NODE_ENV=production.`);
    return DEV_SECRETS[name];
  };
  let adminPassword = e.SEATRUSH_ADMIN_PASSWORD;
  if (!adminPassword && !prod) adminPassword = 'seatrush-admin';
  if (adminPassword && prod) {
    const problem = productionAdminPasswordProblem(adminPassword);
    if (problem) throw new ConfigError(problem);
  }
  if (prod && !e.PAYMENT_PROVIDER)
    throw new ConfigError(
      'PAYMENT_PROVIDER must be set when NODE_ENV=production. Choose PAYMENT_PROVIDER=stripe (with STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY and STRIPE_WEBHOOK_SECRET), or PAYMENT_PROVIDER=sandbox to run the sandbox (test cards, no real money) knowingly.',
    );
  const stripeProblem = e.PAYMENT_PROVIDER === 'stripe' ? stripeKeysProblem(e) : null;
  if (stripeProblem) throw new ConfigError(stripeProblem);
  if (prod && e.PAYMENT_PROVIDER === 'stripe' && e.STRIPE_API_BASE)
    throw new ConfigError(
      'STRIPE_API_BASE is for tests and cannot be used with NODE_ENV=production: unset it.',
    );
  if (prod && e.DEV_MAIL_DIR)
    throw new ConfigError(
      'DEV_MAIL_DIR is the development mail catcher and cannot be used with NODE_ENV=production: unset it.',
    );
  const redis = redisTarget(e);
  if (typeof redis === 'string') throw new ConfigError(redis);
  const sessionSecret = secret('SESSION_SECRET');
  const ticketSigningSecret = secret('TICKET_SIGNING_SECRET');
  const paymentWebhookSecret = secret('PAYMENT_WEBHOOK_SECRET');
  if (prod && new Set([sessionSecret, ticketSigningSecret, paymentWebhookSecret]).size < 3)
    throw new ConfigError(
      'SESSION_SECRET, TICKET_SIGNING_SECRET and PAYMENT_WEBHOOK_SECRET must be different (NODE_ENV=production).',
    );
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST ?? (prod ? '0.0.0.0' : '127.0.0.1'),
    metricsPort: e.METRICS_PORT === 'off' ? null : (e.METRICS_PORT ?? (prod ? 9464 : null)),
    drainTimeoutMs: e.DRAIN_TIMEOUT_MS,
    publicUrl: e.PUBLIC_URL,
    redisUrl: e.REDIS_URL,
    redis,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisPrefix: e.REDIS_PREFIX,
    role: e.ROLE,
    logLevel: e.LOG_LEVEL,
    sessionSecret,
    ticketSigningSecret,
    paymentWebhookSecret,
    adminPassword,
    allowedOrigins: e.ALLOWED_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    webDist: e.WEB_DIST ? resolve(e.WEB_DIST) : undefined,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    paymentProvider: e.PAYMENT_PROVIDER ?? 'sandbox',
    stripe: e.PAYMENT_PROVIDER === 'stripe' ? stripeSettings(e) : undefined,
    outgoingWebhooks: {
      pollMs: e.OUTGOING_WEBHOOK_POLL_MS,
      attempts: e.OUTGOING_WEBHOOK_ATTEMPTS,
      backoffMs: e.OUTGOING_WEBHOOK_BACKOFF_MS,
    },
    holdExtensionSeconds: e.HOLD_EXTENSION_SECONDS,
    paymentPending: {
      extensionSeconds: e.PAYMENT_PENDING_EXTENSION_SECONDS,
      maxSeconds: e.PAYMENT_PENDING_MAX_SECONDS,
    },
    orderBatchSize: e.ORDER_BATCH_SIZE,
    paymentWebhookUrl: e.PAYMENT_WEBHOOK_URL,
    sandboxSlowConfirmMs: e.SANDBOX_SLOW_CONFIRM_MS,
    sandboxLatePaymentMs: e.SANDBOX_LATE_PAYMENT_MS,
    orderJobLockMs: e.ORDER_JOB_LOCK_MS,
    orderReconcileAfterMs: e.ORDER_RECONCILE_AFTER_MS,
    expirySweepIntervalMs: e.EXPIRY_SWEEP_INTERVAL_MS,
    realtimeCoalesceMs: e.REALTIME_COALESCE_MS,
    realtimeDeliveryBudget: e.REALTIME_DELIVERY_BUDGET,
    realtimeUnfollowGraceMs: e.REALTIME_UNFOLLOW_GRACE_MS,
    staffStatsIntervalMs: e.STAFF_STATS_INTERVAL_MS,
    rateLimits: rateLimitConfig(e),
    smtpUrl: e.SMTP_URL ?? (prod ? undefined : 'smtp://127.0.0.1:1025'),
    mailFrom: e.MAIL_FROM,
    orderMails: {
      enabled:
        e.ORDER_MAILS === 'on' ||
        (e.ORDER_MAILS === undefined &&
          (e.NODE_ENV === 'test' ? e.SMTP_URL !== undefined : !prod || !!e.SMTP_URL)),
      pollMs: e.ORDER_MAIL_POLL_MS,
      attempts: e.ORDER_MAIL_ATTEMPTS,
      backoffMs: e.ORDER_MAIL_BACKOFF_MS,
    },
    devMailDir: e.NODE_ENV === 'development' && e.DEV_MAIL_DIR ? resolve(e.DEV_MAIL_DIR) : undefined,
    verifyCodeTtlSeconds: e.VERIFY_CODE_TTL_SECONDS,
    verifyCodeAttempts: e.VERIFY_CODE_ATTEMPTS,
    verifyResendSeconds: e.VERIFY_RESEND_SECONDS,
    botChallenge: {
      cost: e.BOT_CHALLENGE_COST,
      counter: [Math.ceil(e.BOT_CHALLENGE_MAX_COUNTER / 2), e.BOT_CHALLENGE_MAX_COUNTER],
    },
  };
}
