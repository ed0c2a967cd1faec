import { errorCodes, errorMessages } from '@seatrush/shared';
import { describe, expect, it } from 'vitest';
import { toApiError } from './client.ts';
import { ApiError, humanMessage, messageFor, networkMessage } from './errors.ts';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('error messages', () => {
  it('has a human message for every code in the catalogue', () => {
    for (const code of errorCodes) {
      expect(humanMessage(code)).toBe(errorMessages[code]);
      expect(humanMessage(code).length).toBeGreaterThan(5);
    }
  });

  it('falls back to the internal message for unknown codes, and explains network failures', () => {
    expect(humanMessage('nonsense')).toBe(errorMessages.internal);
    expect(humanMessage('network')).toBe(networkMessage);
  });

  it('never shows the raw server message', async () => {
    const err = await toApiError(
      json(409, { ok: false, error: { code: 'sold_out', message: 'zone ga count 0 (lua -2)' } }),
    );
    expect(err.code).toBe('sold_out');
    expect(err.message).toBe(errorMessages.sold_out);
    expect(err.serverMessage).toBe('zone ga count 0 (lua -2)');
  });

  it('names the seats a seat_unavailable error reports', async () => {
    const err = await toApiError(
      json(409, {
        ok: false,
        error: { code: 'seat_unavailable', message: 'x', details: { seats: ['A-1-4', 'A-1-5'] } },
      }),
    );
    expect(err.seats).toEqual(['A-1-4', 'A-1-5']);
    expect(messageFor(err)).toBe(`${errorMessages.seat_unavailable} (A-1-4; A-1-5)`);
    expect(messageFor(err, (l) => `seat ${l.slice(-1)}`)).toBe(
      `${errorMessages.seat_unavailable} (seat 4; seat 5)`,
    );
  });

  it('keeps validation issues', async () => {
    const err = await toApiError(
      json(400, {
        ok: false,
        error: {
          code: 'validation_failed',
          message: 'bad',
          issues: [{ path: 'body.email', message: 'Invalid email' }],
        },
      }),
    );
    expect(err.issues).toEqual([{ path: 'body.email', message: 'Invalid email' }]);
  });

  it('maps a body that is not the envelope to a code from the status', async () => {
    expect((await toApiError(new Response('<html>', { status: 502 }))).code).toBe('internal');
    expect((await toApiError(new Response('nope', { status: 404 }))).code).toBe('not_found');
    expect((await toApiError(json(409, { ok: false, error: { code: 'made_up' } }))).code).toBe('internal');
  });

  it('gives a generic message for non-API errors', () => {
    expect(messageFor(new Error('boom'))).toBe(errorMessages.internal);
    expect(messageFor(new ApiError('limit_exceeded', 409, '', [], { limit: 4 }))).toBe(
      `${errorMessages.limit_exceeded} The limit is 4 per buyer.`,
    );
  });

  it('says how many seats are together when best available finds no block', async () => {
    const err = await toApiError(
      json(409, {
        ok: false,
        error: {
          code: 'no_adjacent_seats',
          message: 'x',
          details: { category: 'premium', quantity: 4, largestBlock: 2 },
        },
      }),
    );
    expect(err.status).toBe(409);
    expect(messageFor(err)).toBe(
      `${errorMessages.no_adjacent_seats} The most seats together in that category right now: 2.`,
    );
    expect(messageFor(new ApiError('no_adjacent_seats', 409, '', [], { largestBlock: 0 }))).toBe(
      `${errorMessages.no_adjacent_seats} That category has no seats left right now.`,
    );
    expect(messageFor(new ApiError('no_adjacent_seats', 409))).toBe(errorMessages.no_adjacent_seats);
  });
});
