import type { CategoryCounts, ZoneCounts } from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import { readChangesSince, type Change, type SaleState } from './changes.ts';
import type { InventoryContext } from './context.ts';
import type { Snapshot } from './types.ts';

/** The real-time read models: the whole live state of a showtime, its version, and the changes since a version. */
export interface Snapshots {
  snapshot: (showtimeId: string) => Promise<Snapshot>;
  version: (showtimeId: string) => Promise<number | null>;
  changesSince: (
    showtimeId: string,
    version: number,
  ) => Promise<{ from: number; to: number; changes: Change[] } | null>;
}

export function createSnapshots(
  ctx: InventoryContext,
  ensureLoaded: (showtimeId: string) => Promise<void>,
): Snapshots {
  const { redis } = ctx;
  const labelCache = new Map<string, { key: string; labels: string[] }>();

  // Seat labels change only with the layout or a load, so each node keeps them per `labelsKey`.
  async function seatLabels(showtimeId: string, labelsKey: string): Promise<string[]> {
    const cached = labelCache.get(showtimeId);
    if (cached?.key === labelsKey) return cached.labels;
    const info = await redis.hgetall(ctx.keys(showtimeId).seatinfo);
    const labels: string[] = new Array<string>(Object.keys(info).length);
    for (const [label, v] of Object.entries(info)) labels[Number(v.slice(0, v.indexOf('|')))] = label;
    labelCache.set(showtimeId, { key: labelsKey, labels });
    return labels;
  }

  async function snapshotOnce(showtimeId: string): Promise<Snapshot | null> {
    const k = ctx.keys(showtimeId);
    const res = await redis
      .multi()
      .hmget(k.meta, 'version', 'state', 'layoutVersion', 'loadId')
      .get(k.states)
      .hgetall(k.counts)
      .exec();
    if (!res) throw new Error('snapshot transaction aborted');
    for (const [err] of res) if (err) throw err;
    const [version, state, layoutVersion, loadId] = res[0]![1] as Array<string | null>;
    if (version === null || version === undefined) return null;
    const counts = res[2]![1] as Record<string, string>;
    const { zones, categories, seatsAvailable } = parseCounts(counts);
    const labelsKey = `${layoutVersion}.${loadId}`;
    return {
      showtimeId,
      version: Number(version),
      state: state as SaleState,
      labelsKey,
      seatLabels: await seatLabels(showtimeId, labelsKey),
      seatStates: (res[1]![1] as string | null) ?? '',
      seatsAvailable,
      zones,
      categories,
    };
  }

  async function snapshot(showtimeId: string): Promise<Snapshot> {
    const s = await snapshotOnce(showtimeId);
    if (s) return s;
    await ensureLoaded(showtimeId);
    const again = await snapshotOnce(showtimeId);
    if (!again) throw new DomainError('sale_not_open', undefined, { reason: 'not_loaded' });
    return again;
  }

  async function version(showtimeId: string): Promise<number | null> {
    const v = await redis.hget(ctx.keys(showtimeId).meta, 'version');
    return v === null ? null : Number(v);
  }

  return {
    snapshot,
    version,
    changesSince: (showtimeId, since) => readChangesSince(redis, ctx.keys(showtimeId), since),
  };
}

/** Zone / category counts from the counts hash. */
export function parseCounts(counts: Record<string, string>): {
  zones: Record<string, ZoneCounts>;
  categories: Record<string, CategoryCounts>;
  seatsAvailable: number;
} {
  const zones: Record<string, ZoneCounts> = {};
  const categories: Record<string, CategoryCounts> = {};
  let seatsAvailable = 0;
  for (const [field, raw] of Object.entries(counts)) {
    const n = Number(raw);
    if (field === 'seats:a') {
      seatsAvailable = n;
      continue;
    }
    const first = field.indexOf(':');
    const last = field.lastIndexOf(':');
    const kind = field.slice(0, first);
    const name = field.slice(first + 1, last);
    const what = field.slice(last + 1);
    if (kind === 'z') {
      const z = (zones[name] ??= { capacity: 0, available: 0, held: 0, sold: 0 });
      if (what === 'cap') z.capacity = n;
      else if (what === 'a') z.available = n;
      else if (what === 'h') z.held = n;
      else if (what === 's') z.sold = n;
    } else if (kind === 'c') {
      const c = (categories[name] ??= { available: 0, held: 0, sold: 0, blocked: 0 });
      if (what === 'a') c.available = n;
      else if (what === 'h') c.held = n;
      else if (what === 's') c.sold = n;
      else if (what === 'b') c.blocked = n;
    }
  }
  return { zones, categories, seatsAvailable };
}
