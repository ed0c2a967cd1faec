import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../config/trust-proxy.ts';
import { clientAddress } from './client-address.ts';

const req = (peer: string, xff?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  }) as never;

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress(req('203.0.113.9', '1.2.3.4'), parseTrustProxy(''))).toBe('203.0.113.9');
  });
  it('takes the address the trusted proxy saw', () => {
    expect(clientAddress(req('127.0.0.1', '198.51.100.7'), parseTrustProxy('loopback'))).toBe('198.51.100.7');
  });
  it('does not believe addresses a client put in front of the proxy', () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw.
    expect(clientAddress(req('127.0.0.1', '1.2.3.4, 198.51.100.7'), parseTrustProxy('loopback'))).toBe(
      '198.51.100.7',
    );
  });
  it('walks trusted hops by count', () => {
    expect(clientAddress(req('10.0.0.2', '198.51.100.7, 10.0.0.1'), parseTrustProxy('2'))).toBe(
      '198.51.100.7',
    );
  });
});
