/**
 * The integration suites `npm test` runs a second time on a fresh three-master Redis Cluster (issue 18), after the
 * whole run on a single Redis: scripts/stack.ts's unit stage passes them to vitest with SEATRUSH_TEST_REDIS=cluster.
 * Paths are relative to apps/server. A suite here must pass on both (test/support/redis-target.ts); a property that
 * only a cluster has goes in a test/cluster-*.int.test.ts file, listed here too.
 */
export const clusterSuites: readonly string[] = [
  // The connection itself: the run really is on a cluster; CROSSSLOT is refused there.
  'test/cluster-connection.int.test.ts',
  // Sessions: staff sign-in/out and the staff index, buyer sessions, their holds.
  'test/auth.int.test.ts',
  'test/session-holds.int.test.ts',
  // One-time codes: the session's code and the address's cooldown live in different slots.
  'test/buyer-verification.int.test.ts',
  // E-mail claims (issue 15): per-session limit keys through every inventory script, hold endings per session.
  'test/buyer-claims.int.test.ts',
  'test/inventory-limit-keys.int.test.ts',
  // The waiting room's scripts: every key of a room under the showtime's tag.
  'test/waiting-room-scripts.int.test.ts',
  // The orders pipeline with expiry: holds → paid orders through BullMQ, expiry of unpaid holds.
  'test/orders.int.test.ts',
  // Queues: one hash tag per queue; jobs left under the old single tag move over.
  'test/queue-legacy-prefix.int.test.ts',
  // The inventory (buckets helper): every script on its showtime's slot; the race (seats + GA); what spans
  // showtimes (outbox reader, hold endings) goes per slot.
  'test/inventory.int.test.ts',
  'test/inventory-race.int.test.ts',
  'test/inventory-slots.int.test.ts',
  // GA buckets: one showtime's GA stock on K slots (moves between them, the rollup onto the showtime's slot); the
  // race above runs them with K = 1, 4 and 16.
  'test/inventory-buckets.int.test.ts',
  // Real time (realtime helper): the multi-node convergence test on the sharded Socket.IO adapter, per-showtime
  // sharded change channels (a node decodes only the showtimes it serves), the sold-out gate following them.
  'test/realtime.int.test.ts',
  'test/realtime-channels.int.test.ts',
  'test/inventory-gate.int.test.ts',
];
