import { z } from 'zod';

/**
 * GA buckets (issue 18): into how many buckets, each on its own Redis Cluster slot, a GA zone's stock is split so
 * that one hot showtime's holds spread over several Redis cores. Set when the showtime is created (a showtime's
 * stock is not re-split while it may be on sale). 1 = the whole showtime on one slot, today's engine; the server
 * refuses more than 1 with `validation_failed` until buckets are built (docs/inventory.md, "GA buckets").
 */
export const gaBucketsSchema = z.int().min(1).max(16);
