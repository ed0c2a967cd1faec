import { io as connect, type Socket } from 'socket.io-client';
import {
  ShowtimeMirror,
  type ClientToServerEvents,
  type Envelope,
  type HoldEnded,
  type ServerToClientEvents,
  type ShowtimeSync,
} from '@seatrush/shared';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A raw socket.io client as load tools should open one: websocket only, a connection of its own. */
export function openSocket(url: string, auth: { token?: string; cookie?: string } = {}): ClientSocket {
  return connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: auth.token ? { token: auth.token } : {},
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
  });
}

/** Resolves once connected; rejects with the server's reason (`connect_error`). */
export function connected(socket: ClientSocket): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

/**
 * A buyer's (or viewer's) live view of one showtime that fails over: it is given every node's URL, and when its
 * node goes away it connects to the next one and resumes from its version (`showtime:join { since }`). Gaps are
 * repaired with `showtime:resync`. Its mirror is what a seat picker would draw.
 */
export class LiveClient {
  readonly mirror: ShowtimeMirror;
  socket: ClientSocket | null = null;
  readonly facts: Array<{ event: 'hold:expired' | 'hold:lost'; fact: HoldEnded }> = [];
  /** URLs this client was connected to, in order. */
  readonly history: string[] = [];
  gaps = 0;
  private index: number;
  private closed = false;
  private reconnecting: Promise<void> | null = null;

  constructor(
    readonly urls: string[],
    readonly showtimeId: string,
    readonly auth: { token?: string; cookie?: string } = {},
    start = 0,
  ) {
    this.mirror = new ShowtimeMirror(showtimeId);
    this.index = start % urls.length;
  }

  get url(): string {
    return this.urls[this.index]!;
  }

  async start(): Promise<void> {
    await this.open();
  }

  /** Sends a command and waits for its ack envelope. */
  async send<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
    if (!this.socket) throw new Error('not connected');
    const timed = this.socket.timeout(5_000) as unknown as {
      emitWithAck(e: E, p: unknown): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]>;
    };
    return timed.emitWithAck(event, payload);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.socket?.disconnect();
    await this.reconnecting?.catch(() => undefined);
  }

  private async open(): Promise<void> {
    const socket = openSocket(this.url, this.auth);
    this.socket = socket;
    socket.on('seats:changed', (d) => {
      if (d.showtimeId !== this.showtimeId) return;
      if (this.mirror.applyDelta(d) === 'gap') {
        this.gaps++;
        void this.resync();
      }
    });
    socket.on('showtime:stale', (f) => {
      if (f.showtimeId === this.showtimeId) void this.resync();
    });
    socket.on('hold:expired', (fact) => this.facts.push({ event: 'hold:expired', fact }));
    socket.on('hold:lost', (fact) => this.facts.push({ event: 'hold:lost', fact }));
    socket.on('disconnect', (reason) => {
      if (this.closed || socket !== this.socket || reason === 'io client disconnect') return;
      this.reconnecting = this.failover();
    });
    await connected(socket);
    this.history.push(this.url);
    this.mirror.expectSync();
    const since = this.mirror.version ?? undefined;
    const res = (await socket.timeout(5_000).emitWithAck('showtime:join', {
      showtimeId: this.showtimeId,
      ...(since !== undefined ? { since } : {}),
    })) as Envelope<ShowtimeSync>;
    if (!res.ok) throw new Error(`join failed: ${res.error.code}`);
    if (this.mirror.applySync(res.data) === 'gap') await this.resync();
  }

  private async resync(): Promise<void> {
    // Retried until answered: the mirror buffers deltas meanwhile. A lost connection is handled by failover.
    for (let attempt = 0; attempt < 20; attempt++) {
      const socket = this.socket;
      if (!socket?.connected || this.mirror.version === null || this.closed) return;
      this.mirror.expectSync();
      const res = (await socket
        .timeout(5_000)
        .emitWithAck('showtime:resync', { showtimeId: this.showtimeId, since: this.mirror.version })
        .catch(() => null)) as Envelope<ShowtimeSync> | null;
      if (res?.ok) {
        if (this.mirror.applySync(res.data) === 'applied') return;
      } else {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private async failover(): Promise<void> {
    for (let attempt = 0; !this.closed && attempt < 50; attempt++) {
      this.index = (this.index + 1) % this.urls.length;
      try {
        await this.open();
        return;
      } catch {
        this.socket?.disconnect();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
