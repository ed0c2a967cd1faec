import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { QueueProgress } from '@seatrush/shared';
import { createWaitingRoom, type WaitingRoomUseCases } from '../src/application/waiting-room/waiting-room.ts';
import { createFrontDoor } from '../src/catalog/front-door.ts';
import type { Inventory } from '../src/inventory/inventory.ts';
import { createRoom } from '../src/waiting-room/room.ts';
import { createAdmissionTokens } from '../src/waiting-room/tokens.ts';
import { stackInventory, startTestStack, type TestStack } from './support/env.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';

/**
 * Admission follows the real inventory (application/waiting-room): the tick admits ⌈tickets left / 2⌉ shoppers,
 * stops and says `sold_out` when every ticket is taken by holds that will not come back within the window, and
 * says `resumed` and admits again when tickets return. The room's clock is injected; the tick is called directly.
 */
let stack: TestStack;
let inventory: Inventory;
let f: Fixture;
let wr: WaitingRoomUseCases;
let clock = 0;
const events: QueueProgress[] = [];

beforeAll(async () => {
  stack = await startTestStack({ web: false });
  inventory = stackInventory(stack);
  // Holds last 900 s, longer than the 600 s shopping window: a held ticket does not count as coming back.
  f = await createShowtimeFixture(stack.container.prisma, {
    sections: [],
    gaZones: [{ key: 'ga', capacity: 4, category: 'ga' }],
    prices: { ga: 1000 },
    holdTtlSeconds: 900,
  });
  await stack.container.prisma.showtime.update({
    where: { id: f.showtimeId },
    data: { waitingRoom: true, admissionPerMinute: 6000, maxShoppers: 100, shoppingWindowSeconds: 600 },
  });
  clock = Date.now();
  wr = createWaitingRoom({
    room: createRoom(stack.container.redis, stack.config.redisPrefix),
    tokens: createAdmissionTokens('test'),
    frontDoor: createFrontDoor({ prisma: stack.container.prisma }),
    inventory,
    prisma: stack.container.prisma,
    logger: pino({ level: 'silent' }),
    now: () => clock,
  });
  wr.onProgress((p) => events.push(p));
});
afterAll(async () => {
  await stack?.close();
});

describe('admission following the inventory', () => {
  it('admits for the tickets left, stops at sell-out and resumes when tickets come back', async () => {
    const st = f.showtimeId;
    for (let i = 0; i < 10; i++) await wr.join(st, `buyer${i}`);
    // The sale is on: a read already finds the line open (a room opens with its sale, not with its first tick)…
    expect((await wr.status(st, 'buyer0')).state).toBe('open');

    // … and the first tick admits ⌈4 / 2⌉ = 2.
    clock += 1000;
    expect(await wr.tick(st)).toMatchObject({ admitted: 2, shopping: 2, waiting: 8, change: null });
    expect(events.at(-1)).toMatchObject({ reason: 'progress', state: 'open', served: 2, ticketsLeft: 4 });

    // The two shoppers hold all four tickets for longer than a window: nothing can come back in time.
    const held = [];
    for (const b of ['a', 'b'])
      held.push(await inventory.hold(st, { buyerId: b, requestId: `r-${b}`, zone: 'ga', quantity: 2 }));
    clock += 1000;
    expect(await wr.tick(st)).toMatchObject({ admitted: 0, change: 'sold_out' });
    expect(events.at(-1)).toMatchObject({ reason: 'sold_out', soldOut: true, ticketsLeft: 0 });
    const waiting = await wr.status(st, 'buyer9');
    expect(waiting.soldOut).toBe(true);
    expect(waiting.etaSeconds).toBeNull();

    // One hold is released: two tickets are back, room for one more shopper beyond the two… who are still
    // shopping, so ⌈2 / 2⌉ − 2 < 0: the room says it resumed but admits nobody until a window ends.
    await inventory.release(held[0]!.holdId, held[0]!.holdToken);
    clock += 1000;
    expect(await wr.tick(st)).toMatchObject({ change: 'resumed', admitted: 0 });
    expect(events.at(-1)).toMatchObject({ reason: 'resumed', soldOut: false, ticketsLeft: 2 });

    // The first shoppers' windows end (600 s). Two tickets are free, and the remaining hold now expires within
    // the next window, so it counts as coming back: 4 tickets, room for two shoppers.
    clock += 600_000;
    expect(await wr.tick(st)).toMatchObject({ admitted: 2, shopping: 2, served: 4 });
  });
});
