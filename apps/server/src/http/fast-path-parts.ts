import type { IncomingMessage } from 'node:http';
import { DomainError } from '../domain/errors.ts';

/** The hot-path dispatcher's request parts (http/fast-path.ts): body reading, JSON parsing, memos of parses. */

const BODY_LIMIT = 2 * 1024 * 1024;

/** Decodes a path segment as Express does for params (a malformed escape stays as it is). */
export function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Reads the body (a callback, not a promise: this runs once per request of a flood). */
export function readBody(req: IncomingMessage, done: (err: unknown, text: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > BODY_LIMIT) {
      failed = true;
      done(new DomainError('payload_too_large'), '');
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!failed)
      done(null, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
  });
  req.on('error', (err) => {
    if (failed) return;
    failed = true;
    done(err, '');
  });
}

export const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Validated request parts by their raw text (bodies of up to 512 characters, path ids), so the identical requests
 * of a flood skip JSON.parse and zod. Only successes are kept; values are frozen (shared between requests); the
 * memo forgets everything when it reaches 1,024 entries.
 */
export class Memo<T extends object> {
  private readonly map = new Map<string, T>();
  get(key: string): T | undefined {
    return this.map.get(key);
  }
  remember(key: string, value: T): T {
    if (key.length > 512) return value;
    if (this.map.size >= 1024) this.map.clear();
    this.map.set(key, deepFreeze(value));
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export const NOT_JSON = Symbol('not json');

/** Like `express.json({ strict: true })`: an empty body is `{}`, a body of another media type is not parsed. */
export function parseJsonBody(req: IncomingMessage, text: string): unknown {
  if (!text.length) return {};
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) return NOT_JSON;
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[')
    throw new DomainError('malformed_json', 'The request body is not valid JSON.');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new DomainError('malformed_json', `The request body is not valid JSON: ${(e as Error).message}`);
  }
}
