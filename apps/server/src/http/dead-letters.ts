import { deadLetterListQuerySchema, deadLetterListSchema } from '@seatrush/shared';
import { listDeadLetters } from '../application/orders/dead-letters.ts';
import type { DeadLetters } from '../queue/dead-letters.ts';
import { route, type RouteDef } from './route.ts';

/** Order persistence's dead-letter list for the box office (issue 14 #3). */
export function deadLetterRoutes(deps: { deadLetters: DeadLetters }): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/staff/dead-letters',
      access: 'box_office',
      summary:
        'Holds whose order could not be written after their retries (the dead-letter list of order persistence), newest first',
      tags: ['staff orders'],
      query: deadLetterListQuerySchema,
      response: deadLetterListSchema,
      handler: async ({ query }) => ({
        body: await listDeadLetters(deps, query.limit),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
  ];
}
