import type { z } from 'zod';
import {
  showtimeJoinSchema,
  showtimeLeaveSchema,
  showtimeResyncSchema,
  staffJoinSchema,
} from './realtime.ts';
import {
  socketHoldCheckoutSchema,
  socketHoldCreateSchema,
  socketHoldReleaseSchema,
} from './realtime-holds.ts';
import type { ClientToServerEvents } from './socket-events.ts';
import { queueWatchSchema } from './waiting-room.ts';

/** A command a client may send over the socket (`entity:verb`, always with an ack). */
export type SocketCommand = keyof ClientToServerEvents;

/**
 * Who may send a command, in the HTTP route table's terms: `public` anyone connected (anonymous included); `buyer` a
 * buyer session; `door` any staff; `box_office` box office or admin (not door staff); `admin` admin only;
 * `hold_token` whoever presents the hold's secret token (the capability, as over HTTP).
 */
export type SocketAccess = 'public' | 'buyer' | 'door' | 'box_office' | 'admin' | 'hold_token';

export interface SocketCommandContract<E extends SocketCommand> {
  /** The payload schema the server validates with before anything else. */
  schema: z.ZodType<Parameters<ClientToServerEvents[E]>[0]>;
  access: SocketAccess;
}

/**
 * The client-to-server events as values: each command's payload schema and who may send it. Typed against
 * `ClientToServerEvents`, so a new event does not compile until it is listed here; the authorization matrix and
 * the fuzzer walk this map (apps/server/test/authorization-matrix.int.test.ts, fuzz.int.test.ts).
 */
export const socketCommands: { [E in SocketCommand]: SocketCommandContract<E> } = {
  'showtime:join': { schema: showtimeJoinSchema, access: 'public' },
  'showtime:resync': { schema: showtimeResyncSchema, access: 'public' },
  'showtime:leave': { schema: showtimeLeaveSchema, access: 'public' },
  'hold:create': { schema: socketHoldCreateSchema, access: 'buyer' },
  'hold:release': { schema: socketHoldReleaseSchema, access: 'hold_token' },
  'hold:checkout': { schema: socketHoldCheckoutSchema, access: 'hold_token' },
  'queue:watch': { schema: queueWatchSchema, access: 'buyer' },
  'staff:join': { schema: staffJoinSchema, access: 'box_office' },
  // Leaving a room one never joined changes nothing, so anyone may send it.
  'staff:leave': { schema: staffJoinSchema, access: 'public' },
};
