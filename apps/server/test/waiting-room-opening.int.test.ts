import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueProgress } from '@seatrush/shared';
import { waitingRoomSaleHooks } from '../src/application/waiting-room/opening.ts';
import { createWaitingRoom, type WaitingRoomUseCases } from '../src/application/waiting-room/waiting-room.ts';
import { createFrontDoor } from '../src/catalog/front-door.ts';
import { changeSaleState } from '../src/catalog/sale-control.ts';
import { inventorySaleHooks } from '../src/inventory/sale-hooks.ts';
import { roomKeys } from '../src/waiting-room/keys.ts';
import { createRoom } from '../src/waiting-room/room.ts';
import { createAdmissionTokens } from '../src/waiting-room/tokens.ts';
import { createBuyers, createShowtimeFixture } from './support/inventory-fixtures.ts';
import { silent, startInventoryHarness, type InventoryHarness } from './support/inventory-harness.ts';

/**
 * A waiting room opens with its sale, with nobody in line (docs/waiting-room.md): the staff view and a buyer's
 * standing say `open` from the sale's opening on, though no one joined and no tick ran. Real Redis and PostgreSQL,
 * the catalog's sale control with the node's hooks, time injected.
 */

let h: InventoryHarness;
let wr: WaitingRoomUseCases;
let buyer: string;
const progress: QueueProgress[] = [];

beforeAll(async () => {
  h = await startInventoryHarness();
  wr = createWaitingRoom({
    room: createRoom(h.redis, h.prefix),
    tokens: createAdmissionTokens('test-secret-of-the-admission-tokens'),
    frontDoor: createFrontDoor({ prisma: h.prisma, now: h.clock.now }),
    inventory: h.inventory,
    prisma: h.prisma,
    logger: silent,
    now: h.clock.now,
  });
  wr.onProgress((p) => progress.push(p));
  [buyer] = (await createBuyers(h.prisma, 1)) as [string];
});
afterAll(async () => {
  await h.close();
});

const catalog = () => ({
  prisma: h.prisma,
  logger: silent,
  saleHooks: waitingRoomSaleHooks(inventorySaleHooks(h.inventory), wr, silent),
});

async function showtime(opts: { saleState: 'scheduled' | 'on_sale'; waitingRoom: boolean }) {
  const { showtimeId } = await createShowtimeFixture(h.prisma, { saleState: opts.saleState });
  await h.prisma.showtime.update({ where: { id: showtimeId }, data: { waitingRoom: opts.waitingRoom } });
  return showtimeId;
}
const openedAt = async (id: string) => h.redis.hget(roomKeys(h.prefix, id).meta, 'openedAt');

describe('a waiting room nobody has joined', () => {
  it('opens at the moment its sale opens: the staff view and a GET of the room say so at once', async () => {
    h.clock.set(Date.UTC(2026, 11, 1, 9, 0, 0));
    const id = await showtime({ saleState: 'scheduled', waitingRoom: true });
    expect(await wr.stats(id)).toMatchObject({ state: 'pre', waiting: 0 });
    expect(await wr.status(id, buyer)).toMatchObject({ state: 'pre', status: 'none' });

    h.clock.set(Date.UTC(2026, 11, 1, 10, 0, 0));
    await changeSaleState(catalog(), id, 'open', 'staff:test');
    const at = h.clock.now();
    expect(await openedAt(id)).toBe(String(at));
    expect(await wr.stats(id)).toMatchObject({ state: 'open', paused: false, waiting: 0 });
    expect(await wr.status(id, buyer)).toMatchObject({ state: 'open', status: 'none' });
    expect(progress.filter((p) => p.showtimeId === id)).toEqual([
      expect.objectContaining({ state: 'open', reason: 'progress' }),
    ]);

    // Opening is once: a pause and a resume of the sale keep the room's opening time.
    h.clock.advance(60_000);
    await changeSaleState(catalog(), id, 'pause', 'staff:test');
    await changeSaleState(catalog(), id, 'resume', 'staff:test');
    expect(await openedAt(id)).toBe(String(at));
    expect((await wr.stats(id)).state).toBe('open');
  });

  it('reads as open when the sale was already open without it (the room turned on during the sale)', async () => {
    h.clock.set(Date.UTC(2026, 11, 2, 9, 0, 0));
    const id = await showtime({ saleState: 'on_sale', waitingRoom: false });
    await h.inventory.load(id);
    await h.prisma.showtime.update({ where: { id }, data: { waitingRoom: true } });
    h.clock.advance(5_000); // past the front door's copy of the settings
    expect(await wr.status(id, buyer)).toMatchObject({ state: 'open', status: 'none' });
    expect(await openedAt(id)).toBe(String(h.clock.now()));
    expect((await wr.stats(id)).state).toBe('open');
  });

  it('stays before opening while the sale is scheduled, and a showtime without a room gets none', async () => {
    h.clock.set(Date.UTC(2026, 11, 3, 9, 0, 0));
    const scheduled = await showtime({ saleState: 'scheduled', waitingRoom: true });
    h.clock.advance(5_000);
    expect((await wr.stats(scheduled)).state).toBe('pre');
    expect((await wr.status(scheduled, buyer)).state).toBe('pre');
    expect(await openedAt(scheduled)).toBeNull();

    const without = await showtime({ saleState: 'scheduled', waitingRoom: false });
    await changeSaleState(catalog(), without, 'open', 'staff:test');
    expect(await h.redis.exists(roomKeys(h.prefix, without).meta)).toBe(0);
  });
});
