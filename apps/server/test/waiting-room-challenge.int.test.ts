import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueChallenge, QueueStatus } from '@seatrush/shared';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { startTestStack, type TestStack } from './support/env.ts';
import { apiClient, type Api, type ErrorEnvelope } from './support/catalog-fixtures.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';

/**
 * The queue's bot challenge (a showtime's `botChallenge`): joining needs a solved ALTCHA challenge made for that
 * showtime, used once; a buyer already in line is not asked again; showtimes without it join as before.
 */
let stack: TestStack;
let api: Api;
let guarded: Fixture;
let otherGuarded: Fixture;
let plain: Fixture;

const layout = {
  sections: [{ key: 'A', rows: 1, seatsPerRow: 4, category: 'std' }],
  gaZones: [],
  prices: { std: 2500 },
};

beforeAll(async () => {
  // A cheap puzzle: the test proves the protocol, not the cost.
  stack = await startTestStack({ env: { BOT_CHALLENGE_COST: '1', BOT_CHALLENGE_MAX_COUNTER: '40' } });
  api = apiClient(stack.url);
  guarded = await createShowtimeFixture(stack.container.prisma, layout);
  otherGuarded = await createShowtimeFixture(stack.container.prisma, layout);
  plain = await createShowtimeFixture(stack.container.prisma, layout);
  await stack.container.prisma.showtime.updateMany({
    where: { id: { in: [guarded.showtimeId, otherGuarded.showtimeId] } },
    data: { waitingRoom: true, botChallenge: true },
  });
  await stack.container.prisma.showtime.update({
    where: { id: plain.showtimeId },
    data: { waitingRoom: true },
  });
});
afterAll(async () => {
  await stack?.close();
});

async function newBuyer(): Promise<string> {
  const email = `pow-${randomUUID().slice(0, 8)}@example.test`;
  const r = await api<{ token: string }>('post', '/api/buyer/session', { body: { email } });
  expect(r.status, r.text).toBe(201);
  return r.json.token;
}

async function solved(showtimeId: string, token: string): Promise<string> {
  const r = await api<QueueChallenge>('get', `/api/showtimes/${showtimeId}/queue/challenge`, { token });
  expect(r.status, r.text).toBe(200);
  const challenge = r.json as unknown as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  expect(solution).not.toBeNull();
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

const join = (showtimeId: string, token: string, challenge?: string) =>
  api<QueueStatus | ErrorEnvelope>('post', `/api/showtimes/${showtimeId}/queue`, {
    token,
    body: challenge === undefined ? {} : { challenge },
  });
const codeOf = (r: { json: unknown; text: string }) => (r.json as ErrorEnvelope).error?.code ?? r.text;

describe('the bot challenge in front of a queue', () => {
  it('refuses a join without a solved challenge, accepts one, and does not ask a buyer already in line', async () => {
    const token = await newBuyer();
    const none = await join(guarded.showtimeId, token);
    expect(none.status).toBe(403);
    expect(codeOf(none)).toBe('challenge_required');

    const ok = await join(guarded.showtimeId, token, await solved(guarded.showtimeId, token));
    expect(ok.status, ok.text).toBe(200);
    expect((ok.json as QueueStatus).status).toBe('waiting');

    const again = await join(guarded.showtimeId, token);
    expect(again.status, again.text).toBe(200);
  });

  it('a solution joins once, only the showtime it was made for, and not when tampered with', async () => {
    const payload = await solved(guarded.showtimeId, await newBuyer());
    expect((await join(guarded.showtimeId, await newBuyer(), payload)).status).toBe(200);
    const reused = await join(guarded.showtimeId, await newBuyer(), payload);
    expect(reused.status).toBe(403);
    expect(codeOf(reused)).toBe('challenge_failed');

    const elsewhere = await join(
      otherGuarded.showtimeId,
      await newBuyer(),
      await solved(guarded.showtimeId, await newBuyer()),
    );
    expect(codeOf(elsewhere)).toBe('challenge_failed');

    const fresh = JSON.parse(
      Buffer.from(await solved(guarded.showtimeId, await newBuyer()), 'base64').toString(),
    ) as {
      solution: { derivedKey: string };
    };
    // The derived key is the proof of work (its signature is checked): another key fails.
    fresh.solution.derivedKey = fresh.solution.derivedKey.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const wrong = await join(
      guarded.showtimeId,
      await newBuyer(),
      Buffer.from(JSON.stringify(fresh)).toString('base64'),
    );
    expect(codeOf(wrong)).toBe('challenge_failed');

    const garbage = await join(guarded.showtimeId, await newBuyer(), 'not-base64-json');
    expect(garbage.status).toBe(403);
    expect(codeOf(garbage)).toBe('challenge_failed');
  });

  it('a showtime without the setting joins without a challenge', async () => {
    const r = await join(plain.showtimeId, await newBuyer());
    expect(r.status, r.text).toBe(200);
  });
});
