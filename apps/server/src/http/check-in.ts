import {
  checkInCountsSchema,
  idParamsSchema,
  offlineTicketListSchema,
  redeemBodySchema,
  redeemResultSchema,
  scanUploadBodySchema,
  scanUploadResultSchema,
} from '@seatrush/shared';
import { redeemTicket, type CheckInDeps } from '../application/check-in/redeem-ticket.ts';
import { checkInCounts, offlineTicketList, uploadOfflineScans } from '../application/check-in/offline.ts';
import { scannerOf } from '../application/check-in/tickets.ts';
import { route, type RouteDef } from './route.ts';

const tags = ['check-in'];

/**
 * The door's routes (docs/check-in.md): redeem a scanned ticket, download a showtime's ticket list for offline
 * scanning, upload offline scans, and the check-in counts. Access `door`: door staff, box office and admins.
 */
export function checkInRoutes(deps: CheckInDeps): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/api/checkin/redeem',
      access: 'door',
      summary:
        'Admit a ticket (QR payload or typed ticket code) exactly once; a second scan answers when, where and by whom it was first scanned',
      tags,
      body: redeemBodySchema,
      response: redeemResultSchema,
      handler: async ({ body, principal }) => ({
        body: await redeemTicket(deps, {
          payload: body.payload,
          device: body.device,
          showtimeId: body.showtimeId,
          scanner: scannerOf(principal),
        }),
      }),
    }),
    route({
      method: 'get',
      path: '/api/checkin/showtimes/:id/tickets',
      access: 'door',
      summary: "The showtime's signed ticket list, for scanning offline",
      tags,
      params: idParamsSchema,
      response: offlineTicketListSchema,
      handler: async ({ params }) => ({
        body: await offlineTicketList(deps, params.id),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    route({
      method: 'post',
      path: '/api/checkin/showtimes/:id/scans',
      access: 'door',
      summary:
        'Upload scans made offline; the first scan of a ticket (by scan time) wins and conflicts are listed',
      tags,
      params: idParamsSchema,
      body: scanUploadBodySchema,
      response: scanUploadResultSchema,
      handler: async ({ params, body, principal }) => ({
        body: await uploadOfflineScans(deps, {
          showtimeId: params.id,
          device: body.device,
          scans: body.scans,
          scanner: scannerOf(principal),
        }),
      }),
    }),
    route({
      method: 'get',
      path: '/api/checkin/showtimes/:id/counts',
      access: 'door',
      summary: 'Tickets that admit someone and how many have been scanned in',
      tags,
      params: idParamsSchema,
      response: checkInCountsSchema,
      handler: async ({ params }) => ({
        body: await checkInCounts(deps.prisma, params.id),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
  ];
}
