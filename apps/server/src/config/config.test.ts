import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConfigError, configFromEnv, loadConfig } from './index.ts';

const random = () => randomBytes(32).toString('base64url');
/** A production environment that passes every check (random secrets, the sandbox chosen explicitly). */
const production = (over: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  SESSION_SECRET: random(),
  TICKET_SIGNING_SECRET: random(),
  PAYMENT_WEBHOOK_SECRET: random(),
  PAYMENT_PROVIDER: 'sandbox',
  ...over,
});

describe('loadConfig', () => {
  it('gives development defaults, including the demo admin password', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.role).toBe('all');
    expect(c.adminPassword).toBe('seatrush-admin');
    expect(c.sessionSecret.length).toBeGreaterThanOrEqual(16);
  });

  it('refuses production without secrets, and never defaults the admin password there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(loadConfig(production()).adminPassword).toBeUndefined();
  });

  it('gives each process 10 PostgreSQL connections unless DATABASE_POOL_SIZE says otherwise', () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: '40' }).databasePoolSize).toBe(40);
    for (const bad of ['0', '2.5', 'many'])
      expect(() => loadConfig({ DATABASE_POOL_SIZE: bad })).toThrow(ConfigError);
  });

  it('explains a bad value in one sentence', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/Invalid configuration: PORT/);
    expect(() => loadConfig({ ROLE: 'both' })).toThrow(/ROLE/);
  });

  it('parses the allowed origins list', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://a.example, https://b.example' }).allowedOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });
});

describe('configFromEnv', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('reads process.env over the defaults and under the overrides', () => {
    vi.stubEnv('LOG_LEVEL', 'debug');
    vi.stubEnv('ROLE', 'web');
    vi.stubEnv('PORT', '4100');
    const c = configFromEnv({
      defaults: { LOG_LEVEL: 'warn', HOST: '127.0.0.2' },
      overrides: { ROLE: 'worker' },
    });
    expect(c.logLevel).toBe('debug');
    expect(c.host).toBe('127.0.0.2');
    expect(c.role).toBe('worker');
    expect(c.port).toBe(4100);
  });
});

describe('production refuses secrets everyone knows (issue 14, finding 8)', () => {
  const names = ['SESSION_SECRET', 'TICKET_SIGNING_SECRET', 'PAYMENT_WEBHOOK_SECRET'] as const;

  it('refuses the development defaults and the old compose fallbacks', () => {
    const known = [
      'dev-only-session-secret-change-me',
      'dev-only-ticket-secret-change-me',
      'dev-only-webhook-secret-change-me',
      'change-me-session-secret-please',
      'change-me-ticket-secret-please',
      'change-me-webhook-secret-please',
      'bench-session-secret-0123456789',
    ];
    for (const name of names)
      for (const value of known)
        expect(() => loadConfig(production({ [name]: value })), `${name}=${value}`).toThrow(
          new RegExp(`${name}.*(known|placeholder)`),
        );
  });

  it('refuses anything that says change-me, placeholders and short values', () => {
    for (const value of [
      'CHANGE_ME_please_0123456789abcdefghijklmnop',
      'changeme-0123456789abcdefghijklmnopqrstuvwxyz',
      's'.repeat(40),
      'abababababababababababababababababab',
    ])
      expect(() => loadConfig(production({ SESSION_SECRET: value })), value).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig(production({ SESSION_SECRET: random().slice(0, 24) }))).toThrow(
      /SESSION_SECRET.*at least 32/,
    );
  });

  it('refuses one value used for two secrets', () => {
    const same = random();
    expect(() => loadConfig(production({ SESSION_SECRET: same, TICKET_SIGNING_SECRET: same }))).toThrow(
      /different/,
    );
  });

  it('refuses the documented admin passwords', () => {
    for (const value of ['seatrush-admin', 'change-me-admin', 'changeme123'])
      expect(() => loadConfig(production({ SEATRUSH_ADMIN_PASSWORD: value })), value).toThrow(
        /SEATRUSH_ADMIN_PASSWORD/,
      );
    expect(
      loadConfig(production({ SEATRUSH_ADMIN_PASSWORD: 'a long own passphrase 42' })).adminPassword,
    ).toBe('a long own passphrase 42');
  });

  it('keeps development working with its defaults, and listens on loopback there', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig(production()).host).toBe('0.0.0.0');
  });
});

describe('the sandbox payment provider in production (issue 14, finding 9)', () => {
  it('refuses production without PAYMENT_PROVIDER, with a sentence that says why', () => {
    const env: Record<string, string> = production();
    delete env.PAYMENT_PROVIDER;
    expect(() => loadConfig(env)).toThrow(/PAYMENT_PROVIDER.*sandbox/);
  });

  it('runs the sandbox in production only when chosen, and by default elsewhere', () => {
    expect(loadConfig(production()).paymentProvider).toBe('sandbox');
    expect(loadConfig({}).paymentProvider).toBe('sandbox');
    expect(() => loadConfig({ PAYMENT_PROVIDER: 'stripe' })).toThrow(/PAYMENT_PROVIDER/);
  });
});

describe('the Stripe payment provider (issue 16)', () => {
  const keys = {
    STRIPE_SECRET_KEY: 'sk_test_abc123',
    STRIPE_PUBLISHABLE_KEY: 'pk_test_abc123',
    STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
  };
  const names = Object.keys(keys) as Array<keyof typeof keys>;

  it('refuses PAYMENT_PROVIDER=stripe without each of its three keys, in production and elsewhere', () => {
    for (const missing of names) {
      const env: Record<string, string> = production({ PAYMENT_PROVIDER: 'stripe', ...keys });
      delete env[missing];
      expect(() => loadConfig(env)).toThrow(new RegExp(`needs .*\\(missing: ${missing}\\)`));
      const rest: Record<string, string> = { PAYMENT_PROVIDER: 'stripe', ...keys };
      delete rest[missing];
      expect(() => loadConfig(rest)).toThrow(ConfigError);
    }
  });

  it('takes Stripe with its keys; a test API base only outside production', () => {
    const c = loadConfig(production({ PAYMENT_PROVIDER: 'stripe', ...keys }));
    expect(c.paymentProvider).toBe('stripe');
    expect(c.stripe).toEqual({
      secretKey: 'sk_test_abc123',
      publishableKey: 'pk_test_abc123',
      webhookSecret: 'whsec_abc123',
      apiBase: undefined,
    });
    expect(() =>
      loadConfig(production({ PAYMENT_PROVIDER: 'stripe', ...keys, STRIPE_API_BASE: 'http://127.0.0.1:1' })),
    ).toThrow(/STRIPE_API_BASE/);
    expect(
      loadConfig({ PAYMENT_PROVIDER: 'stripe', ...keys, STRIPE_API_BASE: 'http://127.0.0.1:1' }).stripe
        ?.apiBase,
    ).toBe('http://127.0.0.1:1');
    expect(() => loadConfig({ PAYMENT_PROVIDER: 'stripe', ...keys, STRIPE_SECRET_KEY: 'pk_test_x' })).toThrow(
      /STRIPE_SECRET_KEY/,
    );
    expect(loadConfig(production()).stripe).toBeUndefined();
  });

  it('takes only a publishable key for STRIPE_PUBLISHABLE_KEY, live or test, of the secret key’s mode', () => {
    for (const wrong of [
      'sk_test_abc123',
      'rk_live_abc123',
      'pk_abc123',
      'pk_test_',
      'whsec_abc123',
      'pk_test_a b',
    ])
      expect(() =>
        loadConfig({ PAYMENT_PROVIDER: 'stripe', ...keys, STRIPE_PUBLISHABLE_KEY: wrong }),
      ).toThrow(/STRIPE_PUBLISHABLE_KEY/);
    const live = { STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_PUBLISHABLE_KEY: 'pk_live_abc123' };
    expect(
      loadConfig(production({ PAYMENT_PROVIDER: 'stripe', ...keys, ...live })).stripe?.publishableKey,
    ).toBe('pk_live_abc123');
    // Test keys stay allowed in production, as the secret key's rule allows them (a staging site on test mode).
    expect(loadConfig(production({ PAYMENT_PROVIDER: 'stripe', ...keys })).stripe?.publishableKey).toBe(
      'pk_test_abc123',
    );
    // A restricted key names its mode too.
    expect(
      loadConfig({ PAYMENT_PROVIDER: 'stripe', ...keys, STRIPE_SECRET_KEY: 'rk_test_abc123' }).stripe
        ?.publishableKey,
    ).toBe('pk_test_abc123');
    expect(() =>
      loadConfig({ PAYMENT_PROVIDER: 'stripe', ...keys, STRIPE_PUBLISHABLE_KEY: 'pk_live_abc123' }),
    ).toThrow(/same mode/);
    expect(() =>
      loadConfig(production({ PAYMENT_PROVIDER: 'stripe', ...keys, STRIPE_SECRET_KEY: 'rk_live_abc123' })),
    ).toThrow(/same mode/);
    // Only with Stripe: the sandbox ignores it.
    expect(loadConfig({ STRIPE_PUBLISHABLE_KEY: 'pk_test_abc123' }).stripe).toBeUndefined();
  });
});

describe('TRUST_PROXY (issue 14, finding 10)', () => {
  it('trusts no one by default', () => {
    const trust = loadConfig({}).trustProxy;
    expect(trust('127.0.0.1', 0)).toBe(false);
    expect(trust('10.0.0.1', 0)).toBe(false);
  });

  it('names proxies by address, range or name (loopback, uniquelocal), IPv4-mapped included', () => {
    const trust = loadConfig({ TRUST_PROXY: 'loopback, 192.0.2.10, 198.51.100.0/24' }).trustProxy;
    expect(trust('127.0.0.1', 0)).toBe(true);
    expect(trust('::ffff:127.0.0.1', 0)).toBe(true);
    expect(trust('::1', 0)).toBe(true);
    expect(trust('192.0.2.10', 0)).toBe(true);
    expect(trust('198.51.100.77', 0)).toBe(true);
    expect(trust('192.0.2.11', 0)).toBe(false);
    expect(trust(undefined, 0)).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'uniquelocal' }).trustProxy('172.18.0.5', 0)).toBe(true);
  });

  it('takes a hop count, and refuses true and nonsense', () => {
    const one = loadConfig({ TRUST_PROXY: '1' }).trustProxy;
    expect([one('203.0.113.9', 0), one('203.0.113.9', 1)]).toEqual([true, false]);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'nginx.local' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  });
});

describe('order e-mails', () => {
  it('are on wherever mail can be sent; off in production without SMTP and in tests without their own server', () => {
    const on = (env: Record<string, string>) => loadConfig(env).orderMails.enabled;
    expect(on({})).toBe(true);
    expect(on(production())).toBe(false);
    expect(on(production({ SMTP_URL: 'smtps://u:p@mail.example.com:465' }))).toBe(true);
    expect(on(production({ SMTP_URL: 'smtps://u:p@mail.example.com:465', ORDER_MAILS: 'off' }))).toBe(false);
    expect(on({ NODE_ENV: 'test' })).toBe(false);
    expect(on({ NODE_ENV: 'test', SMTP_URL: 'smtp://127.0.0.1:2525' })).toBe(true);
    expect(on({ NODE_ENV: 'test', ORDER_MAILS: 'on' })).toBe(true);
    expect(() => loadConfig({ ORDER_MAILS: 'yes' })).toThrow(/ORDER_MAILS/);
  });
});

describe('where Redis is (issue 18)', () => {
  it('is REDIS_URL by default', () => {
    expect(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6379/2' }).redis).toEqual({
      kind: 'single',
      url: 'redis://10.0.0.5:6379/2',
    });
  });

  it('is a Redis Cluster given REDIS_CLUSTER_NODES (over REDIS_URL), IPv6 in brackets, with REDIS_PASSWORD', () => {
    const c = loadConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_CLUSTER_NODES: ' 10.0.0.5:7000, redis-b.internal:7001,[::1]:7002',
      REDIS_PASSWORD: 'pw',
    });
    expect(c.redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.5', port: 7000 },
        { host: 'redis-b.internal', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      password: 'pw',
    });
  });

  it('is a Sentinel-guarded master given REDIS_SENTINELS, named by REDIS_SENTINEL_MASTER (mymaster by default)', () => {
    expect(loadConfig({ REDIS_SENTINELS: 's1:26379,s2:26379' }).redis).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'mymaster',
      password: undefined,
    });
    expect(
      loadConfig({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'seatrush' }).redis,
    ).toMatchObject({
      masterName: 'seatrush',
    });
  });

  it('refuses both at once, a node without a port, and an empty list, in one sentence', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2' })).toThrow(
      /REDIS_CLUSTER_NODES or REDIS_SENTINELS, not both/,
    );
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.5' })).toThrow(/"10.0.0.5" is not host:port/);
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:70000' })).toThrow(/is not host:port/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: ' , ' })).toThrow(/lists no host:port/);
  });

  it('keeps a showtime subscribed 10 s after its last socket left unless REALTIME_UNFOLLOW_GRACE_MS says otherwise', () => {
    expect(loadConfig({}).realtimeUnfollowGraceMs).toBe(10_000);
    expect(loadConfig({ REALTIME_UNFOLLOW_GRACE_MS: '0' }).realtimeUnfollowGraceMs).toBe(0);
    expect(() => loadConfig({ REALTIME_UNFOLLOW_GRACE_MS: '-1' })).toThrow(/REALTIME_UNFOLLOW_GRACE_MS/);
    expect(() => loadConfig({ REALTIME_UNFOLLOW_GRACE_MS: 'soon' })).toThrow(/REALTIME_UNFOLLOW_GRACE_MS/);
  });
});
