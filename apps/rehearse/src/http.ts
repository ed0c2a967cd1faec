import http from 'node:http';
import https from 'node:https';

/** A small JSON client over node:http, so each simulated buyer can have its own keep-alive agent and address. */

export interface HttpAnswer<T = unknown> {
  status: number;
  /** Parsed JSON, or undefined. */
  body: T;
  text: string;
  headers: http.IncomingHttpHeaders;
  ms: number;
}

export interface HttpOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
  agent?: http.Agent;
}

export class HttpFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A keep-alive agent; `localAddress` makes every connection of it come from that address. */
export function makeAgent(
  url: string,
  opts: { localAddress?: string; maxSockets?: number } = {},
): http.Agent {
  const Agent = url.startsWith('https:') ? https.Agent : http.Agent;
  return new Agent({
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 1,
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
  });
}

export function request<T = unknown>(
  base: string,
  path: string,
  o: HttpOptions = {},
): Promise<HttpAnswer<T>> {
  const url = new URL(path, base);
  const lib = url.protocol === 'https:' ? https : http;
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers: Record<string, string> = { accept: 'application/json', ...(o.headers ?? {}) };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      { method: o.method ?? (payload === undefined ? 'GET' : 'POST'), headers, agent: o.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new HttpFailure('connection', e.message)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            body: body as T,
            text,
            headers: res.headers,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.setTimeout(o.timeoutMs ?? 30_000, () => req.destroy(new HttpFailure('timeout', 'request timed out')));
    req.on('error', (e) => {
      reject(e instanceof HttpFailure ? e : new HttpFailure(errnoCode(e), e.message));
    });
    req.end(payload);
  });
}

function errnoCode(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code ? code.toLowerCase() : 'connection';
}

/** The error code of an answer (`{ ok: false, error: { code } }`), else `http_<status>`. */
export function errorCode(a: HttpAnswer): string {
  const b = a.body as { error?: { code?: unknown } } | undefined;
  return typeof b?.error?.code === 'string' ? b.error.code : `http_${a.status}`;
}

/** Seconds from a `Retry-After` header (delta seconds only), bounded. */
export function retryAfterMs(a: HttpAnswer, maxMs = 5000): number {
  const v = Number(a.headers['retry-after']);
  return Number.isFinite(v) && v >= 0 ? Math.min(maxMs, v * 1000) : 1000;
}
