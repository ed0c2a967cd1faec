import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { pino } from 'pino';
import type { SeatsChanged } from '@seatrush/shared';
import { Fanout, type ChangeRead, type FanoutClock, type HoldEndFact, type Published } from './fanout.ts';
import type { RealtimeServer } from './types.ts';

/**
 * The pump against a real Socket.IO server (in-memory adapter), a fake change feed, a scripted change log and a
 * hand-driven clock: windows and sweeps pass when a test moves the clock, never on the wall clock. What a client
 * received is read after a round trip on its connection (`delivered`), which comes back after everything the
 * server sent it before.
 * A test change is `{ seat?, ended?, reload? }`; the log read (`read`) is scripted per test.
 */

interface TestChange {
  seat?: number;
  ended?: HoldEndFact;
  reload?: boolean;
}

const T0 = 1_700_000_000_000;

/** Timers that fire only when the test moves time forward, in the order they fall due. */
class ManualClock implements FanoutClock {
  private t = T0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void; every: number | null }>();

  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): number {
    this.timers.set(++this.seq, { at: this.t + Math.max(0, ms), fn, every: null });
    return this.seq;
  }
  clearTimeout(timer: unknown): void {
    this.timers.delete(timer as number);
  }
  setInterval(fn: () => void, ms: number): number {
    this.timers.set(++this.seq, { at: this.t + ms, fn, every: ms });
    return this.seq;
  }
  clearInterval(timer: unknown): void {
    this.timers.delete(timer as number);
  }

  /** Moves time forward by `ms`, firing what falls due on the way; each flush's promises settle in between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      let next: [number, { at: number; fn: () => void; every: number | null }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      const [id, timer] = next;
      this.t = timer.at;
      if (timer.every === null) this.timers.delete(id);
      else timer.at += timer.every;
      timer.fn();
    }
    this.t = end;
  }
}

/** The showtimes' channels as Redis delivers them: a message reaches the pump only while it follows the showtime. */
class FakeFeed {
  readonly followed = new Set<string>();
  /** Every subscribe (`+id`) and unsubscribe (`-id`), in order. */
  readonly calls: string[] = [];
  /** Subscriptions fail while set (Redis down). */
  failing = false;
  private listener: (showtimeId: string, message: string) => void = () => undefined;
  private restoredListener: () => void = () => undefined;
  subscribe(showtimeId: string) {
    this.calls.push(`+${showtimeId}`);
    if (this.failing) return Promise.reject(new Error('redis down'));
    this.followed.add(showtimeId);
    return Promise.resolve();
  }
  unsubscribe(showtimeId: string) {
    this.calls.push(`-${showtimeId}`);
    this.followed.delete(showtimeId);
    return Promise.resolve();
  }
  onMessage(listener: (showtimeId: string, message: string) => void) {
    this.listener = listener;
  }
  onRestored(listener: () => void) {
    this.restoredListener = listener;
  }
  close() {
    return Promise.resolve();
  }
  /** A change published on the showtime's channel. */
  publish(showtimeId: string, version: number, change: TestChange = { seat: version % 100 }) {
    this.raw(showtimeId, JSON.stringify({ s: showtimeId, v: version, c: change }));
  }
  raw(showtimeId: string, message: string) {
    if (this.followed.has(showtimeId)) this.listener(showtimeId, message);
  }
  restore() {
    this.restoredListener();
  }
}

function merge(_showtimeId: string, from: number, changes: Array<Published<TestChange>>): ChangeRead {
  const to = changes[changes.length - 1]!.version;
  if (changes.some((c) => c.change.reload)) return { kind: 'stale', version: to };
  const seats: number[] = [];
  for (const c of changes) if (c.change.seat !== undefined) seats.push(c.change.seat, 1);
  const holdEnds = changes.flatMap((c) => (c.change.ended ? [c.change.ended] : []));
  return { kind: 'changes', from, to, changes: { seats }, holdEnds };
}

function decode(message: unknown): Published<TestChange> | null {
  try {
    const m = JSON.parse(message as string) as { s: string; v: number; c: TestChange };
    return typeof m.s === 'string' ? { showtimeId: m.s, version: m.v, change: m.c } : null;
  } catch {
    return null;
  }
}

describe('Fanout', () => {
  let http: HttpServer;
  let io: RealtimeServer;
  let sub: FakeFeed;
  let decoded = 0;
  let fanout: Fanout<TestChange>;
  let url: string;
  let clock: ManualClock;
  let reads: number[];
  let log: ChangeRead[];
  let failNext = false;
  /** The current version of the scripted log (what a read returns when nothing is scripted). */
  let version = 10;
  const clients: Socket[] = [];

  const read = (_showtimeId: string, since: number): Promise<ChangeRead> => {
    reads.push(since);
    if (failNext) {
      failNext = false;
      return Promise.reject(new Error('redis hiccup'));
    }
    const next = log.shift();
    if (next) return Promise.resolve(next);
    const to = Math.max(since, version);
    const seats = to > since ? [99, 2] : [];
    return Promise.resolve({ kind: 'changes', from: since, to, changes: { seats }, holdEnds: [] });
  };

  beforeEach(async () => {
    reads = [];
    log = [];
    version = 10;
    failNext = false;
    http = createServer();
    io = new Server(http);
    const loose = io as unknown as Server;
    loose.on('connection', (s) => {
      s.on('join', (rooms: string[], ack: () => void) => {
        void Promise.resolve(s.join(rooms)).then(ack);
      });
      s.on('roundtrip', (ack: () => void) => ack());
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    sub = new FakeFeed();
    decoded = 0;
    clock = new ManualClock();
    fanout = new Fanout<TestChange>({
      io,
      feed: sub,
      unfollowGraceMs: 1_000,
      onDecoded: () => decoded++,
      read,
      decode,
      merge,
      logger: pino({ level: 'silent' }),
      coalesceMs: 100,
      deliveryBudget: 1_000_000,
      sweepMs: 400,
      clock,
    });
    await fanout.start();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await fanout.close();
    await new Promise<void>((r) => void io.close(() => r()));
  });

  async function client(rooms: string[]): Promise<{ socket: Socket; got: Array<[string, unknown]> }> {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    clients.push(socket);
    const got: Array<[string, unknown]> = [];
    socket.onAny((event: string, payload: unknown) => got.push([event, payload]));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    await socket.timeout(2_000).emitWithAck('join', rooms);
    return { socket, got };
  }

  /** A room streaming from version 10: the first join answer makes the pump read the log once, at once. */
  async function streaming(rooms = ['st:s1']) {
    const c = await client(rooms);
    fanout.noteVersion('s1', 10);
    await clock.advance(0);
    expect(reads).toEqual([10]);
    reads = [];
    return c;
  }

  /** Resolves once the client has everything the server sent it so far: a round trip on the same connection. */
  const delivered = async (...cs: Array<{ socket: Socket }>) => {
    await Promise.all(cs.map((c) => c.socket.timeout(2_000).emitWithAck('roundtrip')));
  };

  const deltas = (got: Array<[string, unknown]>) =>
    got.filter(([e]) => e === 'seats:changed').map(([, d]) => d as SeatsChanged);

  it('coalesces published changes into one delta per window, in version order, without reading the log', async () => {
    const a = await streaming(); // flushed (the log read) at T0
    for (let v = 11; v <= 30; v++) sub.publish('s1', v);
    // 20 changes published at once, a 100 ms window since the last flush: nothing before it closes, then one delta.
    await clock.advance(99);
    await delivered(a);
    expect(deltas(a.got)).toEqual([]);
    await clock.advance(1);
    await clock.advance(150);
    await delivered(a);
    const got = deltas(a.got);
    expect(reads).toEqual([]);
    expect(got).toHaveLength(1);
    // `since`: when the delta's oldest change reached the node; `at`: the send, when the window closed.
    expect(got[0]).toMatchObject({ from: 10, to: 30, since: T0, at: T0 + 100 });
    expect(got.flatMap((d) => d.changes.seats).filter((_, i) => i % 2 === 0)).toEqual(
      Array.from({ length: 20 }, (_, i) => 11 + i),
    );
    // Quiet for longer than a window: the next change goes out at once (leading edge).
    sub.publish('s1', 31);
    await clock.advance(0);
    await delivered(a);
    expect(deltas(a.got).slice(1)).toMatchObject([{ from: 30, to: 31, since: T0 + 250, at: T0 + 250 }]);
  });

  it('ignores old versions, other showtimes and junk', async () => {
    const a = await streaming();
    sub.publish('s1', 9);
    sub.publish('s1', 10);
    sub.publish('other', 11);
    sub.raw('s1', 'not json');
    // A message on s1's channel that claims another showtime.
    sub.raw('s1', JSON.stringify({ s: 'other', v: 11, c: {} }));
    await clock.advance(200); // two windows
    await delivered(a);
    expect(reads).toEqual([]);
    expect(deltas(a.got)).toEqual([]);
  });

  it('reads the log when a published version is missing, and goes on from it', async () => {
    const a = await streaming();
    sub.publish('s1', 11);
    await clock.advance(100);
    await delivered(a);
    expect(deltas(a.got)).toMatchObject([{ from: 10, to: 11 }]);
    version = 14;
    sub.publish('s1', 13); // 12 was lost
    sub.publish('s1', 14);
    await clock.advance(100);
    await delivered(a);
    expect(deltas(a.got).at(-1)).toMatchObject({ from: 11, to: 14 });
    expect(reads).toEqual([11]);
    sub.publish('s1', 15);
    await clock.advance(100);
    await delivered(a);
    expect(deltas(a.got).at(-1)).toMatchObject({ from: 14, to: 15 });
    expect(reads).toEqual([11]);
    const got = deltas(a.got);
    expect(got).toHaveLength(3);
    for (let i = 1; i < got.length; i++) expect(got[i]!.from).toBe(got[i - 1]!.to);
  });

  it('reads the log after a quiet sweep interval (a lost last message)', async () => {
    const a = await streaming(); // the room's last message: its start, at T0
    version = 12; // changes 11 and 12 happened, their messages were lost
    await clock.advance(399);
    await delivered(a);
    expect(reads).toEqual([]);
    await clock.advance(1); // 400 ms (sweepMs) without a message
    await delivered(a);
    expect(deltas(a.got)).toMatchObject([{ from: 10, to: 12 }]);
    expect(reads).toEqual([10]);
  });

  it('sends a reset from version 0 when the log no longer reaches back, and stale on a reload', async () => {
    const a = await streaming();
    log.push({
      kind: 'full',
      version: 5000,
      changes: { seats: [], all: '0123', labelsKey: 'k', zones: {}, categories: {} },
    });
    sub.publish('s1', 5000); // a hole: the log is read, and it is too far behind
    await clock.advance(100);
    await delivered(a);
    expect(deltas(a.got)).toMatchObject([{ showtimeId: 's1', from: 0, to: 5000, changes: { all: '0123' } }]);
    sub.publish('s1', 5001, { reload: true });
    await clock.advance(100);
    await delivered(a);
    expect(a.got.at(-1)).toEqual(['showtime:stale', { showtimeId: 's1', version: 5001 }]);
  });

  it("tells only the owner's sockets that a hold ended, and public deltas carry no ids", async () => {
    const viewer = await client(['st:s1']);
    const owner = await client(['st:s1', 'buyer:b1']);
    const otherBuyer = await streaming(['st:s1', 'buyer:b2']);
    sub.publish('s1', 11, {
      seat: 3,
      ended: { holdId: 'h1', buyerId: 'b1', showtimeId: 's1', reason: 'expired' },
    });
    await clock.advance(100);
    await delivered(viewer, owner, otherBuyer);
    expect(owner.got.map(([e]) => e)).toEqual(['seats:changed', 'hold:expired']);
    expect(owner.got).toContainEqual(['hold:expired', { holdId: 'h1', showtimeId: 's1', reason: 'expired' }]);
    for (const c of [viewer, otherBuyer]) {
      expect(c.got.map(([e]) => e)).toEqual(['seats:changed']);
      expect(JSON.stringify(c.got)).not.toMatch(/h1|b1/);
    }
  });

  it('keeps its place and retries after a failed read, keeping changes published meanwhile', async () => {
    const a = await streaming();
    failNext = true;
    version = 12;
    sub.publish('s1', 12); // 11 missing: log read, which fails once
    await clock.advance(100);
    await delivered(a);
    expect(reads).toEqual([10]);
    expect(deltas(a.got)).toEqual([]);
    await clock.advance(100); // read again a window later; the change is as old as it was
    await delivered(a);
    expect(deltas(a.got)).toMatchObject([{ from: 10, to: 12, since: T0 }]);
    expect(reads).toEqual([10, 10]);
    sub.publish('s1', 13);
    await clock.advance(100);
    await delivered(a);
    expect(deltas(a.got).at(-1)).toMatchObject({ from: 12, to: 13 });
    expect(reads).toEqual([10, 10]);
  });

  it('follows a showtime only while it has a room here (and a grace after), decoding nothing else', async () => {
    const a = await streaming();
    expect(sub.calls).toEqual(['+s1']);
    expect(fanout.following()).toEqual(['s1']);
    sub.publish('s1', 11);
    sub.publish('s2', 5); // nobody here watches s2: not even received
    expect(decoded).toBe(1);
    await clock.advance(100);
    await delivered(a);
    expect(deltas(a.got)).toMatchObject([{ from: 10, to: 11 }]);

    // The last socket leaves: messages during the grace are dropped undecoded; a return within it re-uses the
    // subscription; after the grace the pump unsubscribes.
    const onServer = io.of('/').sockets.get(a.socket.id!)!;
    let gone = new Promise((r) => onServer.once('disconnect', r));
    a.socket.disconnect();
    await gone;
    sub.publish('s1', 12);
    expect(decoded).toBe(1);
    await clock.advance(500);
    const b = await client(['st:s1']);
    expect(sub.calls).toEqual(['+s1']);
    await clock.advance(2_000);
    expect(fanout.following()).toEqual(['s1']);
    const onServerB = io.of('/').sockets.get(b.socket.id!)!;
    gone = new Promise((r) => onServerB.once('disconnect', r));
    b.socket.disconnect();
    await gone;
    await clock.advance(999);
    expect(sub.calls).toEqual(['+s1']);
    await clock.advance(1);
    expect(sub.calls).toEqual(['+s1', '-s1']);
    expect(fanout.following()).toEqual([]);
    sub.publish('s1', 13);
    expect(decoded).toBe(1);
  });

  it('reads the log once its subscription is confirmed or restored, and retries a failed subscribe', async () => {
    sub.failing = true;
    const a = await client(['st:s1']);
    fanout.noteVersion('s1', 10);
    await clock.advance(0);
    expect(reads).toEqual([10]);
    expect(fanout.following()).toEqual([]);
    // Redis is back: the sweep subscribes again, then reads the log (a change may have gone unseen).
    sub.failing = false;
    version = 12;
    await clock.advance(400);
    expect(sub.calls).toEqual(['+s1', '+s1']);
    expect(fanout.following()).toEqual(['s1']);
    await clock.advance(100);
    await delivered(a);
    expect(deltas(a.got)).toMatchObject([{ from: 10, to: 12 }]);
    // A reconnect: the messages meanwhile are gone, the log is read.
    reads = [];
    sub.restore();
    await clock.advance(100);
    expect(reads).toEqual([12]);
  });

  it('forgets a room when its last local socket leaves', async () => {
    const a = await client(['st:s1']);
    fanout.noteVersion('s1', 10);
    expect(fanout.tracked()).toEqual([{ showtimeId: 's1', base: 10 }]);
    // The server leaves the socket's rooms before it reports the disconnect.
    const onServer = io.of('/').sockets.get(a.socket.id!)!;
    const gone = new Promise((r) => onServer.once('disconnect', r));
    a.socket.disconnect();
    await gone;
    expect(fanout.tracked()).toEqual([]);
  });
});
