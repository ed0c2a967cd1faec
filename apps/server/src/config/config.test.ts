import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, configFromEnv, loadConfig } from './index.ts';

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
    const secrets = {
      NODE_ENV: 'production',
      SESSION_SECRET: 's'.repeat(32),
      TICKET_SIGNING_SECRET: 't'.repeat(32),
      PAYMENT_WEBHOOK_SECRET: 'w'.repeat(32),
    };
    expect(loadConfig(secrets).adminPassword).toBeUndefined();
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
