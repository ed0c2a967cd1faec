import { resolve } from 'node:path';
import { z } from 'zod';
import { productionAdminPasswordProblem, productionSecretProblem } from './secrets.ts';
import { parseTrustProxy, trustProxyProblem, type ProxyTrust } from './trust-proxy.ts';

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
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/seatrush'),
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
   * The payment provider. Only the built-in sandbox exists (test cards, no real money): the default in
   * development and test; production refuses to start unless it is chosen here explicitly.
   */
  PAYMENT_PROVIDER: z.enum(['sandbox']).optional(),
  /** Seconds a hold may be extended by, once, when payment starts. */
  HOLD_EXTENSION_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
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
  EXPIRY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** Shortest window (ms) over which seat changes are coalesced into one `seats:changed` per showtime room. */
  REALTIME_COALESCE_MS: z.coerce.number().int().min(0).max(1000).default(50),
  /** Socket deliveries per second one node aims at per showtime room; widens the window for huge rooms. */
  REALTIME_DELIVERY_BUDGET: z.coerce.number().int().min(100).default(5000),
  /** How often (ms) the staff room's live statistics are pushed. */
  STAFF_STATS_INTERVAL_MS: z.coerce.number().int().min(100).max(60000).default(1000),
});

export type Env = z.infer<typeof envSchema>;
/** Every environment variable the server reads (for checks of deployment files). */
export const envNames = Object.keys(envSchema.shape) as (keyof Env)[];

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  publicUrl: string | undefined;
  redisUrl: string;
  databaseUrl: string;
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
  /** `sandbox` is the only provider; in production it was chosen explicitly (PAYMENT_PROVIDER). */
  paymentProvider: 'sandbox';
  holdExtensionSeconds: number;
  orderBatchSize: number;
  paymentWebhookUrl: string | undefined;
  sandboxSlowConfirmMs: number;
  sandboxLatePaymentMs: number;
  orderJobLockMs: number;
  orderReconcileAfterMs: number;
  expirySweepIntervalMs: number;
  realtimeCoalesceMs: number;
  realtimeDeliveryBudget: number;
  staffStatsIntervalMs: number;
}

export class ConfigError extends Error {}

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
      'PAYMENT_PROVIDER must be set when NODE_ENV=production. Seatrush has no real payment provider yet: set PAYMENT_PROVIDER=sandbox to run the sandbox (test cards, no real money) knowingly.',
    );
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
    publicUrl: e.PUBLIC_URL,
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
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
    holdExtensionSeconds: e.HOLD_EXTENSION_SECONDS,
    orderBatchSize: e.ORDER_BATCH_SIZE,
    paymentWebhookUrl: e.PAYMENT_WEBHOOK_URL,
    sandboxSlowConfirmMs: e.SANDBOX_SLOW_CONFIRM_MS,
    sandboxLatePaymentMs: e.SANDBOX_LATE_PAYMENT_MS,
    orderJobLockMs: e.ORDER_JOB_LOCK_MS,
    orderReconcileAfterMs: e.ORDER_RECONCILE_AFTER_MS,
    expirySweepIntervalMs: e.EXPIRY_SWEEP_INTERVAL_MS,
    realtimeCoalesceMs: e.REALTIME_COALESCE_MS,
    realtimeDeliveryBudget: e.REALTIME_DELIVERY_BUDGET,
    staffStatsIntervalMs: e.STAFF_STATS_INTERVAL_MS,
  };
}
