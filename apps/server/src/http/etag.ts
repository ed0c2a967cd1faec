import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/** A weak validator: equal JSON text gives an equal tag, on every node. */
export function weakEtag(json: string): string {
  return `W/"${createHash('sha1').update(json).digest('base64url')}"`;
}

/** RFC 9110 weak comparison against an If-None-Match header (a list, or `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  const want = bare(etag);
  return header.split(',').some((t) => bare(t) === want);
}

/**
 * Sends `json` (already serialised) with an ETag, answering 304 when the client's copy is current.
 * Returns `undefined` so a route handler can `return sendCachedJson(...)` after writing the response itself.
 */
export function sendCachedJson(
  req: Request,
  res: Response,
  json: string,
  opts: { cacheControl: string; etag?: string; headers?: Record<string, string> },
): undefined {
  const etag = opts.etag ?? weakEtag(json);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', opts.cacheControl);
  for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.status(304).end();
    return undefined;
  }
  res.status(200).type('application/json').send(json);
  return undefined;
}
