import { isCluster } from '../db/redis.ts';
import type { Buckets } from './buckets.ts';
import type { InventoryContext } from './context.ts';

/**
 * The inventory's outbox: every hold script appends the hold (and every release / expiry) to its showtime's outbox
 * stream in the same atomic step as the seat change. Order persistence reads it through this reader, as one
 * consumer of a consumer group, and acknowledges what it has turned into jobs; entries another consumer read and
 * never acknowledged (it died) are taken over after `claimIdleMs`.
 */
export interface OutboxEntry {
  /** The stream the entry came from: entries of one stream are in order. */
  stream: string;
  showtimeId: string;
  /** The stream entry id (ordered within its stream). */
  id: string;
  /** `type` (hold / released / expired), `holdId`, and for a hold its record as JSON (`payload`). */
  fields: Record<string, string>;
}

export interface OutboxReader {
  /** New entries of every loaded showtime's outbox, plus (now and then) entries left pending by a dead consumer. */
  read(): Promise<OutboxEntry[]>;
  /** Acknowledges and deletes entries once their jobs exist: they are never read again. */
  ack(entries: readonly OutboxEntry[]): Promise<void>;
}

export interface OutboxReaderOptions {
  /** Unique per process: pending entries are owned by a consumer. */
  consumer: string;
  /** Entries another consumer read but did not acknowledge for this long are taken over. */
  claimIdleMs: number;
  /** Entries read per stream per round. */
  count: number;
  /** The list of loaded showtimes. */
  loadedShowtimes: () => Promise<string[]>;
}

/** The consumer group of order persistence on every showtime's outbox stream. */
export const OUTBOX_GROUP = 'orders';

/** How often the list of loaded showtimes (and their consumer groups) is refreshed. */
const REFRESH_MS = 1000;

function toObject(flat: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) o[flat[i]!] = flat[i + 1]!;
  return o;
}

export function createOutboxReader(
  ctx: InventoryContext,
  buckets: Buckets,
  opts: OutboxReaderOptions,
): OutboxReader {
  const { redis, logger } = ctx;
  const grouped = new Set<string>();
  /** Every outbox stream to read: one per loaded showtime, or (GA buckets) one per bucket of it. */
  let streams: Array<{ st: string; stream: string }> = [];
  let refreshedAt = 0;
  let claimedAt = 0;

  type Pipeline = ReturnType<typeof redis.pipeline>;
  type PipelineResult = Array<[Error | null, unknown]>;

  /**
   * One command per stream, results in the streams' order: one pipeline on a single Redis; on a cluster (where a
   * pipeline must stay on one node and each showtime has its own slot) one pipeline per stream, in parallel.
   */
  async function eachStream(
    streams: readonly string[],
    add: (p: Pipeline, stream: string) => unknown,
  ): Promise<PipelineResult> {
    if (!isCluster(redis)) {
      const p = redis.pipeline();
      for (const s of streams) add(p, s);
      return (await p.exec()) ?? [];
    }
    const each = await Promise.all(
      streams.map(async (s) => {
        const p = redis.pipeline();
        add(p, s);
        try {
          return ((await p.exec()) ?? [])[0] ?? [null, null];
        } catch (err) {
          return [err as Error, null] as [Error, null];
        }
      }),
    );
    return each as PipelineResult;
  }

  async function ensureGroup(stream: string): Promise<void> {
    try {
      await redis.xgroup('CREATE', stream, OUTBOX_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
    grouped.add(stream);
  }

  async function refresh(): Promise<void> {
    const next: Array<{ st: string; stream: string }> = [];
    for (const st of await opts.loadedShowtimes())
      for (const slot of await buckets.slots(st)) next.push({ st, stream: ctx.keys(slot).outbox });
    for (const { stream } of next) if (!grouped.has(stream)) await ensureGroup(stream);
    streams = next;
    refreshedAt = Date.now();
  }

  async function readNew(): Promise<OutboxEntry[]> {
    if (streams.length === 0) return [];
    const res = await eachStream(
      streams.map((s) => s.stream),
      (p, stream) =>
        p.xreadgroup('GROUP', OUTBOX_GROUP, opts.consumer, 'COUNT', opts.count, 'STREAMS', stream, '>'),
    );
    const out: OutboxEntry[] = [];
    for (const [i, [err, value]] of res.entries()) {
      const s = streams[i]!;
      if (err) {
        // The stream or its group went away (e.g. keys deleted): recreate on the next refresh.
        if (String(err.message).includes('NOGROUP')) grouped.delete(s.stream);
        else logger.warn({ err, stream: s.stream }, 'outbox read failed');
        continue;
      }
      const streamsReply = value as Array<[string, Array<[string, string[]]>]> | null;
      for (const [, entries] of streamsReply ?? [])
        for (const [id, fields] of entries)
          out.push({ stream: s.stream, showtimeId: s.st, id, fields: toObject(fields) });
    }
    return out;
  }

  async function claimStale(): Promise<OutboxEntry[]> {
    claimedAt = Date.now();
    const out: OutboxEntry[] = [];
    for (const { st, stream } of streams) {
      try {
        const r = (await redis.xautoclaim(
          stream,
          OUTBOX_GROUP,
          opts.consumer,
          opts.claimIdleMs,
          '0-0',
          'COUNT',
          opts.count,
        )) as [string, Array<[string, string[] | null]>];
        for (const [id, fields] of r[1] ?? [])
          if (fields) out.push({ stream, showtimeId: st, id, fields: toObject(fields) });
      } catch (err) {
        if (!String((err as Error).message).includes('NOGROUP'))
          logger.warn({ err, stream }, 'outbox claim failed');
      }
    }
    return out;
  }

  return {
    async read() {
      if (Date.now() - refreshedAt > REFRESH_MS) await refresh();
      let entries = await readNew();
      if (Date.now() - claimedAt > Math.max(1000, opts.claimIdleMs / 2))
        entries = entries.concat(await claimStale());
      return entries;
    },

    async ack(entries) {
      const byStream = new Map<string, string[]>();
      for (const e of entries) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e.id]);
      if (!isCluster(redis)) {
        const p = redis.pipeline();
        for (const [stream, ids] of byStream) {
          p.xack(stream, OUTBOX_GROUP, ...ids);
          p.xdel(stream, ...ids);
        }
        await p.exec();
        return;
      }
      // On a cluster each showtime's stream lives on its own slot: one pipeline per stream.
      await Promise.all(
        [...byStream].map(([stream, ids]) =>
          redis
            .pipeline()
            .xack(stream, OUTBOX_GROUP, ...ids)
            .xdel(stream, ...ids)
            .exec(),
        ),
      );
    },
  };
}
