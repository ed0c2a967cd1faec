import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.ts';

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
