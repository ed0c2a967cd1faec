/**
 * `npm start`'s secrets (issue 14, finding 8): generated once under .data/, owner-only, the same on every start and
 * for every process, strong enough for the production check; a secret in the environment wins; the servers listen
 * on loopback unless HOST is given.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/server/src/config/index.ts';
import { SECRET_NAMES, launchEnv, loadSecrets, secretsFile } from './lib/secrets.ts';

const dirs: string[] = [];
const root = () => {
  const d = mkdtempSync(join(tmpdir(), 'seatrush-secrets-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('npm start secrets', () => {
  it('generates three different random secrets once, in a file only its owner can read', () => {
    const r = root();
    const first = loadSecrets(secretsFile(r));
    expect(statSync(secretsFile(r)).mode & 0o777).toBe(0o600);
    expect(new Set(Object.values(first)).size).toBe(3);
    for (const n of SECRET_NAMES) expect(first[n]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Strong enough for production (no known value, long enough).
    expect(() => loadConfig({ NODE_ENV: 'production', PAYMENT_PROVIDER: 'sandbox', ...first })).not.toThrow();
    // The same on the next start, and what the file holds.
    expect(loadSecrets(secretsFile(r))).toEqual(first);
    expect(JSON.parse(readFileSync(secretsFile(r), 'utf8'))).toEqual(first);
    // Another checkout gets its own.
    expect(loadSecrets(secretsFile(root())).SESSION_SECRET).not.toBe(first.SESSION_SECRET);
  });

  it('lets a secret from the environment win, and tightens a file left readable by others', () => {
    const r = root();
    const stored = loadSecrets(secretsFile(r));
    chmodSync(secretsFile(r), 0o644);
    const own = 'x'.repeat(10) + 'an-operator-given-secret-0123456789';
    const s = loadSecrets(secretsFile(r), { SESSION_SECRET: own });
    expect(s.SESSION_SECRET).toBe(own);
    expect(s.TICKET_SIGNING_SECRET).toBe(stored.TICKET_SIGNING_SECRET);
    expect(statSync(secretsFile(r)).mode & 0o777).toBe(0o600);
  });

  it('gives every server process the same secrets and HOST=127.0.0.1 unless HOST is given', () => {
    const r = root();
    const web = launchEnv(r, {});
    const worker = launchEnv(r, {});
    expect(worker).toEqual(web);
    expect(web.HOST).toBe('127.0.0.1');
    expect(launchEnv(r, { HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    // Not the development defaults written in the source.
    const dev = loadConfig({});
    expect(web.SESSION_SECRET).not.toBe(dev.sessionSecret);
    expect(web.PAYMENT_WEBHOOK_SECRET).not.toBe(dev.paymentWebhookSecret);
  });
});
