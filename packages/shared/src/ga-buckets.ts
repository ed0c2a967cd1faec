import { z } from 'zod';

/**
 * GA buckets (issue 18): into how many buckets, each on its own Redis Cluster slot, a GA zone's stock is split so
 * that one hot showtime's holds spread over several Redis cores. Set when the showtime is created (a showtime's
 * stock is never re-split). 1 = the whole showtime on one slot. More than 1 is accepted only for a GA-only venue
 * and a showtime without a per-buyer limit: the server refuses other combinations with `validation_failed`
 * (issue path `body.gaBuckets`), and a later per-buyer limit on such a showtime (`body.perBuyerLimit`);
 * docs/inventory.md, "GA buckets", says why.
 */
export const gaBucketsSchema = z.int().min(1).max(16);
