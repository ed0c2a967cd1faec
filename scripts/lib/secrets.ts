/**
 * The secrets `npm start` gives the processes it starts. Generated once per checkout (256 random bits each) and
 * kept in `.data/secrets.json`, readable by its owner only, so buyer sessions, hold tokens, webhooks and ticket QR
 * codes survive a restart and every process (web and worker) signs and verifies with the same keys. Nobody can
 * mint them from the source any more. A secret given in the environment wins over the file.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SECRET_NAMES = ['SESSION_SECRET', 'TICKET_SIGNING_SECRET', 'PAYMENT_WEBHOOK_SECRET'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
export type Secrets = Record<SecretName, string>;

/** Where the generated secrets live under a checkout. */
export const secretsFile = (root: string) => join(root, '.data', 'secrets.json');

const generate = () => randomBytes(32).toString('base64url');

function read(file: string): Partial<Secrets> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const out: Partial<Secrets> = {};
    for (const n of SECRET_NAMES) {
      const v = parsed[n];
      if (typeof v === 'string' && v.length >= 32) out[n] = v;
    }
    return out;
  } catch {
    return {};
  }
}

/**
 * The secrets for the processes: each from `env` when set there, else from the file (created, or completed, with
 * fresh random values; mode 0600, tightened if it was looser).
 */
export function loadSecrets(file: string, env: NodeJS.ProcessEnv = {}): Secrets {
  const stored = existsSync(file) ? read(file) : {};
  const missing = SECRET_NAMES.filter((n) => !stored[n]);
  if (missing.length > 0) {
    for (const n of missing) stored[n] = generate();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const out = {} as Secrets;
  for (const n of SECRET_NAMES) out[n] = env[n] || stored[n]!;
  return out;
}

/**
 * What `npm start` adds to the environment of every server process it starts: the secrets, and `HOST=127.0.0.1`
 * unless `HOST` is given (the development admin password and the demo must not be reachable from the network).
 */
export function launchEnv(root: string, env: NodeJS.ProcessEnv = {}): Secrets & { HOST: string } {
  return { ...loadSecrets(secretsFile(root), env), HOST: env.HOST || '127.0.0.1' };
}
