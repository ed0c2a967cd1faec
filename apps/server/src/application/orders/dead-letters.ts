import type { DeadLetterListDto } from '@seatrush/shared';
import type { DeadLetters } from '../../queue/dead-letters.ts';

/**
 * The box office's view of order persistence's dead-letter list: holds whose order could not be written after
 * their retries (newest first). Their seats stay held until the hold's deadline, like any hold without an order.
 */
export async function listDeadLetters(
  deps: { deadLetters: DeadLetters },
  limit: number,
): Promise<DeadLetterListDto> {
  return { deadLetters: await deps.deadLetters.list(limit) };
}
