import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  blockScriptKeys,
  bucketGiveScriptKeys,
  bucketSlotIds,
  bucketTakeScriptKeys,
  buyerHoldsKey,
  keySlot,
  confirmScriptKeys,
  extendScriptKeys,
  holdScriptKeys,
  idempotencyKey,
  loadCommitScriptKeys,
  reclaimScriptKeys,
  returnItemsScriptKeys,
  rollupScriptKeys,
  setStateScriptKeys,
  showtimeKeys,
  stagingKeys,
  type ShowtimeKeys,
  type StateKeyName,
} from './keys.ts';
import { SCRIPT_FILES, scriptSources, type ScriptName } from './scripts.ts';

/**
 * Every script's KEYS come from one builder in keys.ts; this checks each builder against the script's contract
 * block (the `KEYS` lines at the top of its .lua file), name by name and in order, so a key added to a script and
 * not to its builder (or the other way round) fails here rather than in a Lua error at run time.
 */

type Builder = (live: ShowtimeKeys, staging: Record<StateKeyName, string>) => string[];

/** The builder of each script; `satisfies` makes a new script without a builder a compile error. */
const BUILDERS = {
  hold: (k) => holdScriptKeys(k),
  release: (k) => holdScriptKeys(k),
  expire: (k) => holdScriptKeys(k),
  extend: (k) => extendScriptKeys(k),
  confirm: (k) => confirmScriptKeys(k),
  reclaim: (k) => reclaimScriptKeys(k),
  returnItems: (k) => returnItemsScriptKeys(k),
  block: (k) => blockScriptKeys(k),
  unblock: (k) => blockScriptKeys(k),
  setState: (k) => setStateScriptKeys(k),
  loadCommit: (k, staging) => loadCommitScriptKeys(staging, k),
  bucketGive: (k) => bucketGiveScriptKeys(k),
  bucketTake: (k) => bucketTakeScriptKeys(k),
  bucketSettle: (k) => bucketGiveScriptKeys(k),
  rollup: (k) => rollupScriptKeys(k),
} satisfies Record<ScriptName, Builder>;

/**
 * The key names of a contract block, in KEYS order. Understands `3 seats` (one key), `1..10 staging: meta seats …`
 * (a range, named one by one; staging keys are reported as `stage:<name>`) and `11..20 live keys, same order` (the
 * names of the range before). Stops at `then per request`, the variable part of a batch script.
 */
function contractKeyNames(lua: string): string[] {
  const block = /^KEYS\s+([\s\S]*?)^ARGV/m.exec(lua)?.[1];
  if (!block) throw new Error('no KEYS … ARGV contract block');
  const fixed = block.split(/\bthen per request\b/)[0]!;
  const names: string[] = [];
  let previous: string[] = [];
  for (const m of fixed.matchAll(/(\d+)(?:\.\.(\d+))?\s+([^\d]+)/g)) {
    const from = Number(m[1]);
    const to = Number(m[2] ?? m[1]);
    const text = m[3]!.trim();
    let range: string[];
    if (m[2] === undefined) range = [text.split(/\s+/)[0]!];
    else if (/same order/.test(text)) range = previous.map((n) => n.replace(/^stage:/, ''));
    else {
      const staging = text.startsWith('staging:');
      range = text
        .replace(/^[a-z]+:\s*/, '')
        .split(/\s+/)
        .map((n) => (staging ? `stage:${n}` : n));
    }
    if (range.length !== to - from + 1) throw new Error(`KEYS ${from}..${to} names ${range.length} keys`);
    if (from !== names.length + 1) throw new Error(`KEYS ${from} follows KEYS ${names.length}`);
    names.push(...range);
    previous = range;
  }
  return names;
}

/** The name of a key a builder returned: its last segment, `stage:` first for a staging key. */
const nameOf = (key: string) => {
  const name = key.slice(key.lastIndexOf(':') + 1);
  return key.includes(':stage:') ? `stage:${name}` : name;
};

const LUA_DIR = new URL('./lua/', import.meta.url);
const live = showtimeKeys('pfx', 'st1');
const staging = stagingKeys('pfx', 'st1', 'load1');

describe('script key lists', () => {
  for (const [name, file] of Object.entries(SCRIPT_FILES) as Array<[ScriptName, string]>) {
    it(`${file}: the builder's keys are the contract's, in order`, () => {
      const contract = contractKeyNames(readFileSync(new URL(file, LUA_DIR), 'utf8'));
      const built = BUILDERS[name](live, staging);
      expect(built.map(nameOf)).toEqual(contract);
      // The file name's key count is what runScript checks calls against.
      expect(contract).toHaveLength(scriptSources()[name].numberOfKeys);
    });
  }

  it('hold batches: each request adds its idempotency key, then its buyer hold index, under the same hash tag', () => {
    const idem = idempotencyKey('pfx', 'st1', 'b1', 'r1');
    const index = buyerHoldsKey('pfx', 'st1', 'b1');
    expect(idem).toBe('pfx:{st:st1}:idem:b1:r1');
    expect(index).toBe('pfx:{st:st1}:bh:b1');
    const lua = readFileSync(new URL(SCRIPT_FILES.hold, LUA_DIR), 'utf8');
    expect(lua).toMatch(/11\+2i-1 its idempotency key, 11\+2i its buyer's hold-id index/);
    expect(scriptSources().hold.perItemKeys).toBe(2);
  });

  it('every key of a showtime shares its hash tag (one cluster slot per script call)', () => {
    for (const build of Object.values(BUILDERS) as Builder[])
      for (const key of build(live, staging)) expect(key.startsWith('pfx:{st:st1}:')).toBe(true);
  });

  it('GA buckets: K slot ids of one showtime, each in its K-th of the slot space, the same on every node', () => {
    expect(keySlot('123456789')).toBe(12739); // Redis Cluster's CRC16 reference value
    expect(keySlot('st:abc')).toBe(keySlot('st:abc'));
    for (const k of [1, 4, 16]) {
      const ids = bucketSlotIds('cm0showtime', k);
      expect(ids).toHaveLength(k);
      expect(new Set(ids).size).toBe(k);
      ids.forEach((id, b) => {
        expect(id.startsWith('cm0showtime~')).toBe(true);
        const slot = keySlot(`st:${id}`);
        expect(slot).toBeGreaterThanOrEqual(Math.floor((b * 16384) / k));
        expect(slot).toBeLessThan(Math.floor(((b + 1) * 16384) / k));
      });
      expect(bucketSlotIds('cm0showtime', k)).toEqual(ids);
    }
  });

  it('the contract parser reads each form of KEYS line (and refuses a gap)', () => {
    expect(contractKeyNames('KEYS  1 meta  2 log\nARGV  1 now\n')).toEqual(['meta', 'log']);
    expect(
      contractKeyNames('KEYS  1..2 staging: meta seats\n      3..4 live keys, same order  5 log\nARGV\n'),
    ).toEqual(['stage:meta', 'stage:seats', 'meta', 'seats', 'log']);
    expect(() => contractKeyNames('KEYS  1 meta  3 log\nARGV\n')).toThrow(/follows/);
  });
});
