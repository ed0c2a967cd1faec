import { createHash, randomBytes } from 'node:crypto';

/** Hex sha256: how session ids and API tokens are stored, so a database or Redis dump grants nothing. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** 256 random bits, URL-safe. */
export const randomSecret = (): string => randomBytes(32).toString('base64url');
