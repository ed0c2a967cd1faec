import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../inventory/inventory.ts';
import type { SoldOutGate } from '../../inventory/gate.ts';
import type { Snapshot } from '../../inventory/types.ts';
import { createAvailability } from './availability.ts';

/** An inventory whose snapshot reads stay pending until the test lets them land (with the version of their start). */
function slowInventory() {
  const pending: Array<() => void> = [];
  let version = 1;
  let reads = 0;
  const inventory = {
    snapshot(showtimeId: string): Promise<Snapshot> {
      reads++;
      const at = version; // what Redis holds when the read is made
      return new Promise((resolve) => {
        pending.push(() =>
          resolve({
            showtimeId,
            version: at,
            state: 'on_sale',
            labelsKey: '1',
            seatLabels: [],
            seatStates: '',
            zones: {},
            categories: {},
          } as unknown as Snapshot),
        );
      });
    },
  } as unknown as Inventory;
  return {
    inventory,
    reads: () => reads,
    change: () => version++,
    landAll: async () => {
      for (const land of pending.splice(0)) land();
      await new Promise((r) => setImmediate(r));
    },
  };
}

/** A gate whose stamp changes with every call of `bump` (a change published). */
function gate() {
  let stamp = 0;
  return { gate: { stamp: () => String(stamp) } as unknown as SoldOutGate, bump: () => stamp++ };
}

const versionOf = (json: string) => (JSON.parse(json) as { version: number }).version;

describe('availability while changes stream', () => {
  it('reads one snapshot at a time; requests arriving meanwhile share the next read, made after they arrived', async () => {
    const inv = slowInventory();
    const g = gate();
    const availability = createAvailability({ inventory: inv.inventory, gate: g.gate });
    const first = availability.json({ showtimeId: 's', withLabels: false });
    expect(inv.reads()).toBe(1);
    // A hold lands and is published while the first read is out: 50 requests arrive after it.
    inv.change();
    g.bump();
    const later = Array.from({ length: 50 }, () => availability.json({ showtimeId: 's', withLabels: false }));
    expect(inv.reads()).toBe(1);
    await inv.landAll();
    expect(versionOf(await first)).toBe(1);
    expect(inv.reads()).toBe(2); // the shared read after the first
    await inv.landAll();
    for (const answer of await Promise.all(later)) expect(versionOf(answer)).toBe(2);
    expect(inv.reads()).toBe(2);
  });

  it('serves the cached answer while the stamp is unchanged', async () => {
    const inv = slowInventory();
    const g = gate();
    const availability = createAvailability({ inventory: inv.inventory, gate: g.gate });
    const a = availability.json({ showtimeId: 's', withLabels: true });
    await inv.landAll();
    await a;
    await availability.json({ showtimeId: 's', withLabels: true });
    expect(inv.reads()).toBe(1);
    g.bump();
    const b = availability.json({ showtimeId: 's', withLabels: false });
    await inv.landAll();
    await b;
    expect(inv.reads()).toBe(2);
  });
});
