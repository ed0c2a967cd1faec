/**
 * One process of waiting-room watchers (bench/queue/run.ts starts several: Node parses WebSocket frames on one
 * core). Each watcher is a socket.io client as the waiting page opens it — websocket transport, a connection of its
 * own, a buyer session (`auth.token`) — that sends `queue:watch` and then records when each `queue:progress`
 * arrives (epoch milliseconds with sub-millisecond precision: `performance.timeOrigin + performance.now()`).
 *
 * Protocol with the parent (IPC): start → ready; collect (round r) → times (every watcher's r-th arrival, once all
 * have one or `waitMs` passed); stop → exit.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Envelope, QueueStatus, ServerToClientEvents } from '@seatrush/shared';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface WatchStart {
  type: 'start';
  url: string;
  showtimeId: string;
  tokens: string[];
  /** Sockets opened at once while connecting. */
  concurrency: number;
}
export type WatchParentMsg =
  WatchStart | { type: 'collect'; round: number; waitMs: number } | { type: 'stop' };
export type WatchChildMsg =
  | { type: 'ready'; connected: number; failed: number; errors: string[]; ms: number }
  | { type: 'times'; round: number; times: number[]; reasons: Record<string, number> };

const send = (m: WatchChildMsg) => process.send?.(m);
const clock = () => performance.timeOrigin + performance.now();

interface Watcher {
  socket: ClientSocket;
  /** Arrival time of each `queue:progress`, in order. */
  arrivals: number[];
  reasons: string[];
}

const watchers: Watcher[] = [];

function open(url: string, showtimeId: string, token: string): Promise<Watcher> {
  return new Promise((resolve, reject) => {
    const socket: ClientSocket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 60_000,
      auth: { token },
    });
    const w: Watcher = { socket, arrivals: [], reasons: [] };
    socket.on('queue:progress', (p) => {
      w.arrivals.push(clock());
      w.reasons.push(p.reason);
    });
    socket.once('connect', () => {
      socket
        .timeout(60_000)
        .emitWithAck('queue:watch', { showtimeId })
        .then((ack: Envelope<QueueStatus>) => {
          if (ack.ok) resolve(w);
          else reject(new Error(`queue:watch: ${ack.error.code}`));
        })
        .catch((err: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
    });
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
  });
}

async function start(m: WatchStart): Promise<void> {
  const t0 = Date.now();
  let failed = 0;
  const errors: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < m.tokens.length) {
      const token = m.tokens[next++]!;
      try {
        watchers.push(await open(m.url, m.showtimeId, token));
      } catch (err) {
        failed++;
        if (errors.length < 5) errors.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: m.concurrency }, worker));
  send({ type: 'ready', connected: watchers.length, failed, errors, ms: Date.now() - t0 });
}

async function collect(round: number, waitMs: number): Promise<void> {
  const until = Date.now() + waitMs;
  while (Date.now() < until && watchers.some((w) => w.arrivals.length <= round))
    await new Promise((r) => setTimeout(r, 20));
  const times: number[] = [];
  const reasons: Record<string, number> = {};
  for (const w of watchers) {
    const t = w.arrivals[round];
    if (t === undefined) continue;
    times.push(t);
    const reason = w.reasons[round]!;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  send({ type: 'times', round, times, reasons });
}

process.on('message', (m: WatchParentMsg) => {
  if (m.type === 'start') void start(m);
  else if (m.type === 'collect') void collect(m.round, m.waitMs);
  else {
    for (const w of watchers) w.socket.disconnect();
    process.exit(0);
  }
});
