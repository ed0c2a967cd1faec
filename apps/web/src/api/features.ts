import { holdRequestSchema } from '@seatrush/shared';

/**
 * What the server's contract supports, read from the shared schemas themselves, so a UI feature appears the
 * moment its contract lands.
 */
export const features = {
  /** `POST /api/showtimes/:id/holds` with `{ best: { category, quantity } }` (issue 7's "best available"). */
  bestAvailable: holdRequestSchema.safeParse({ best: { category: 'x', quantity: 1 } }).success,
};
