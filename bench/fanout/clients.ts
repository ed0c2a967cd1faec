/**
 * One process of fan-out clients (bench/fanout/run.ts starts several; Node parses WebSocket frames on one core).
 * Each client is a socket.io client as the buyer app opens it — websocket transport, a connection of its own — that
 * joins the showtime and keeps a ShowtimeMirror: the same code path a seat picker runs. For every delta it records
 * receive time minus the server's send time (`at`), and resyncs on gaps like a real client.
 *
 * Protocol with the parent (IPC): start → ready; check (the Redis state) → result; stop → exit.
 */
import { io, type Socket } from 'socket.io-client';
import {
  ShowtimeMirror,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type ShowtimeSync,
  type Envelope,
} from '@seatrush/shared';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface StartMsg {
  type: 'start';
  url: string;
  showtimeId: string;
  count: number;
  /** Sockets opened at once while connecting. */
  concurrency: number;
}
export interface Truth {
  version: number;
  state: string;
  seatStates: string;
  zones: unknown;
  categories: unknown;
}
export type ParentMsg =
  StartMsg | { type: 'check'; truth: Truth; waitMs: number } | { type: 'reset' } | { type: 'stop' };
export type ChildMsg =
  | { type: 'ready'; connected: number; failed: number; errors: string[]; ms: number }
  | {
      type: 'result';
      total: number;
      equal: number;
      connected: number;
      /** Delivery latency (receive − the node's emit stamp `at`): index = ms (last bucket = that many or more). */
      hist: number[];
      /** Staleness (receive − `since`, when the delta's oldest change reached the node): window + flush + delivery. */
      staleHist: number[];
      deliveries: number;
      gaps: number;
      resyncs: number;
      reconnects: number;
      mismatch: string | null;
    };

const HIST_MAX_MS = 60_000;
const send = (m: ChildMsg) => process.send?.(m);

interface Client {
  socket: ClientSocket;
  mirror: ShowtimeMirror;
}

const clients: Client[] = [];
let hist = new Uint32Array(HIST_MAX_MS + 1);
let staleHist = new Uint32Array(HIST_MAX_MS + 1);
let deliveries = 0;
let gaps = 0;
let resyncs = 0;
let reconnects = 0;
let labelsKey: string | undefined;

async function resync(c: Client, showtimeId: string): Promise<void> {
  // Retried until answered (the mirror buffers deltas meanwhile); a lost connection rejoins on reconnect.
  for (let attempt = 0; attempt < 20; attempt++) {
    if (c.mirror.version === null || !c.socket.connected) return;
    resyncs++;
    c.mirror.expectSync();
    const since = c.mirror.version;
    const res = (await c.socket
      .timeout(30_000)
      .emitWithAck('showtime:resync', { showtimeId, since, ...(labelsKey ? { labelsKey } : {}) })
      .catch(() => null)) as Envelope<ShowtimeSync> | null;
    if (res?.ok) {
      if (c.mirror.applySync(res.data) === 'applied') return;
    } else await new Promise((r) => setTimeout(r, 200));
  }
}

async function join(c: Client, showtimeId: string): Promise<void> {
  c.mirror.expectSync();
  const since = c.mirror.version ?? undefined;
  const res = (await c.socket.timeout(60_000).emitWithAck('showtime:join', {
    showtimeId,
    ...(since !== undefined ? { since } : {}),
    ...(labelsKey ? { labelsKey } : {}),
  })) as Envelope<ShowtimeSync>;
  if (!res.ok) throw new Error(`join: ${res.error.code}`);
  if (res.data.kind === 'snapshot') labelsKey ??= res.data.snapshot.labelsKey;
  if (c.mirror.applySync(res.data) === 'gap') await resync(c, showtimeId);
}

function open(url: string, showtimeId: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: ClientSocket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 2_000,
      timeout: 60_000,
    });
    const c: Client = { socket, mirror: new ShowtimeMirror(showtimeId) };
    socket.on('seats:changed', (d) => {
      const now = Date.now();
      hist[Math.min(HIST_MAX_MS, Math.max(0, now - d.at))]!++;
      staleHist[Math.min(HIST_MAX_MS, Math.max(0, now - (d.since ?? d.at)))]!++;
      deliveries++;
      if (c.mirror.applyDelta(d) === 'gap') {
        gaps++;
        void resync(c, showtimeId);
      }
    });
    socket.on('showtime:stale', () => void resync(c, showtimeId));
    let first = true;
    socket.on('connect', () => {
      if (first) {
        first = false;
        join(c, showtimeId).then(
          () => resolve(c),
          (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
        );
      } else {
        // socket.io-client reconnected (through the balancer, maybe to another node): resume from our version.
        reconnects++;
        void join(c, showtimeId).catch(() => undefined);
      }
    });
    socket.once('connect_error', (err) => {
      if (first) {
        socket.disconnect();
        reject(err);
      }
    });
  });
}

async function start(m: StartMsg): Promise<void> {
  const t0 = Date.now();
  let failed = 0;
  const errors: string[] = [];
  let next = 0;
  const openOne = async () => {
    try {
      clients.push(await open(m.url, m.showtimeId));
    } catch (err) {
      failed++;
      if (errors.length < 5) errors.push((err as Error).message);
    }
  };
  const worker = async () => {
    while (next < m.count) {
      next++;
      await openOne();
    }
  };
  // The first client fetches the seat labels once; the others send their key and get states only.
  next++;
  await openOne();
  await Promise.all(Array.from({ length: m.concurrency }, worker));
  send({ type: 'ready', connected: clients.length, failed, errors, ms: Date.now() - t0 });
}

/** JSON with sorted keys: Redis hashes do not promise an order, equal counts must compare equal. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

function same(c: Client, t: Truth): boolean {
  const m = c.mirror;
  return (
    m.version === t.version &&
    m.state === t.state &&
    m.seatStates === t.seatStates &&
    canonical(m.zones) === canonical(t.zones) &&
    canonical(m.categories) === canonical(t.categories)
  );
}

async function check(t: Truth, waitMs: number): Promise<void> {
  const until = Date.now() + waitMs;
  // Let stragglers finish applying (a resync may be in flight).
  while (Date.now() < until && clients.some((c) => c.mirror.version !== t.version)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  let equal = 0;
  let mismatch: string | null = null;
  for (const c of clients) {
    if (same(c, t)) equal++;
    else
      mismatch ??= [
        `version ${c.mirror.version} vs ${t.version}`,
        `connected ${c.socket.connected}`,
        `seats ${c.mirror.seatStates === t.seatStates}`,
        `zones ${canonical(c.mirror.zones) === canonical(t.zones)}`,
        `categories ${canonical(c.mirror.categories) === canonical(t.categories)}`,
        `state ${c.mirror.state === t.state}`,
      ].join(', ');
  }
  send({
    type: 'result',
    total: clients.length,
    equal,
    connected: clients.filter((c) => c.socket.connected).length,
    hist: Array.from(hist),
    staleHist: Array.from(staleHist),
    deliveries,
    gaps,
    resyncs,
    reconnects,
    mismatch,
  });
}

process.on('message', (m: ParentMsg) => {
  if (m.type === 'start') void start(m);
  else if (m.type === 'check') void check(m.truth, m.waitMs);
  else if (m.type === 'reset') {
    hist = new Uint32Array(HIST_MAX_MS + 1);
    staleHist = new Uint32Array(HIST_MAX_MS + 1);
    deliveries = gaps = resyncs = reconnects = 0;
  } else if (m.type === 'stop') {
    for (const c of clients) c.socket.disconnect();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
// Exit cleanly on SIGTERM from the parent's cleanup (so --cpu-prof profiles get written).
process.on('SIGTERM', () => process.exit(0));
