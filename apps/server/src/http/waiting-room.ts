import {
  queueChallengeSchema,
  queueJoinSchema,
  queueStatusSchema,
  showtimeParamsSchema,
  waitingRoomControlSchema,
  waitingRoomStatsSchema,
} from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import { actorOf, type Principal } from '../auth/principal.ts';
import type { WaitingRoomUseCases } from '../application/waiting-room/waiting-room.ts';
import { route, type RouteDef } from './route.ts';

/** The waiting room's routes (docs/waiting-room.md): buyers join and read their place; staff watch and control. */
export const QUEUE_ROUTE = '/api/showtimes/:id/queue';

const buyerOf = (principal: Principal | null): string => {
  if (principal?.kind !== 'buyer') throw new DomainError('unauthenticated', 'A buyer session is required.');
  return principal.buyerId;
};

export function waitingRoomRoutes(room: WaitingRoomUseCases): RouteDef[] {
  return [
    route({
      method: 'post',
      path: QUEUE_ROUTE,
      access: 'buyer',
      summary: "Join the showtime's waiting room (idempotent per buyer); answers the caller's place and ETA",
      tags: ['waiting room'],
      params: showtimeParamsSchema,
      body: queueJoinSchema,
      response: queueStatusSchema,
      handler: async ({ params, body, principal }) => ({
        body: await room.join(params.id, buyerOf(principal), { challenge: body.challenge }),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    route({
      method: 'get',
      path: `${QUEUE_ROUTE}/challenge`,
      access: 'buyer',
      summary:
        "A bot challenge (ALTCHA proof of work) for the showtime's queue; solve it and send the payload when joining",
      tags: ['waiting room'],
      params: showtimeParamsSchema,
      response: queueChallengeSchema,
      handler: async ({ params }) => ({
        body: await room.challenge(params.id),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    route({
      method: 'get',
      path: QUEUE_ROUTE,
      access: 'buyer',
      summary:
        'Where the caller stands in the waiting room: place, ETA, and the admission token once admitted',
      tags: ['waiting room'],
      params: showtimeParamsSchema,
      response: queueStatusSchema,
      handler: async ({ params, principal }) => ({
        body: await room.status(params.id, buyerOf(principal)),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    route({
      method: 'get',
      path: '/api/staff/showtimes/:id/waiting-room',
      access: 'box_office',
      summary: 'The waiting room live: waiting, admitted, shopping, admission rate, ETA of the last in line',
      tags: ['waiting room'],
      params: showtimeParamsSchema,
      response: waitingRoomStatsSchema,
      handler: async ({ params }) => ({ body: await room.stats(params.id) }),
    }),
    route({
      method: 'post',
      path: '/api/staff/showtimes/:id/waiting-room',
      access: 'box_office',
      summary:
        'Control the waiting room: start, pause, close, change rate and cap, admit a list of buyers (audited)',
      tags: ['waiting room'],
      params: showtimeParamsSchema,
      body: waitingRoomControlSchema,
      response: waitingRoomStatsSchema,
      handler: async ({ params, body, principal }) => ({
        body: await room.control(params.id, actorOf(principal), body),
      }),
    }),
  ];
}
