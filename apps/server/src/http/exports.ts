import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { idSchema } from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';
import type { Logger } from '../observability/logger.ts';
import { exportKinds, exportShowtimeCsv } from '../application/exports/showtime-export.ts';
import { route, type RouteDef } from './route.ts';

const exportParamsSchema = z.strictObject({ id: idSchema, kind: z.enum(exportKinds) });

/** Resolves once the socket has taken the chunk (waits for `drain` when its buffer is full); rejects on close. */
export function backpressuredWriter(res: ServerResponse): (chunk: string) => Promise<void> {
  return (chunk) =>
    new Promise<void>((resolve, reject) => {
      if (res.destroyed || res.writableEnded) return reject(new Error('client went away'));
      if (res.write(chunk)) return resolve();
      const done = (err?: Error) => {
        res.off('drain', onDrain);
        res.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error('client went away'));
      res.once('drain', onDrain);
      res.once('close', onClose);
    });
}

/** Staff CSV exports of a showtime (application/exports), streamed. */
export function exportRoutes(deps: { prisma: PrismaClient; logger: Logger }): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/staff/showtimes/:id/export/:kind',
      access: 'box_office',
      summary: 'CSV of the showtime’s orders, tickets or check-ins (kind), streamed',
      tags: ['exports'],
      params: exportParamsSchema,
      handler: async ({ params, res }) => {
        let started = false;
        const write = backpressuredWriter(res);
        try {
          await exportShowtimeCsv(deps.prisma, params.id, params.kind, async (chunk) => {
            if (!started) {
              started = true;
              res.status(200);
              res.setHeader('content-type', 'text/csv; charset=utf-8');
              res.setHeader('cache-control', 'no-store');
              res.setHeader(
                'content-disposition',
                `attachment; filename="showtime-${params.id}-${params.kind}.csv"`,
              );
            }
            await write(chunk);
          });
        } catch (err) {
          // Before the first byte the error envelope can still be sent; after it, only cutting the stream short
          // tells the client the file is incomplete.
          if (!started) throw err;
          deps.logger.warn({ err, showtimeId: params.id, kind: params.kind }, 'export ended early');
          res.destroy();
          return undefined;
        }
        res.end();
        return undefined;
      },
    }),
  ];
}
