import type { PrismaClient } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';

/** The showtime a staff use case works on (`not_found` when there is none). */
export async function showtimeOrThrow(prisma: PrismaClient, id: string) {
  const st = await prisma.showtime.findUnique({
    where: { id },
    select: { id: true, venueId: true, saleState: true },
  });
  if (!st) throw new DomainError('not_found', 'No such showtime.');
  return st;
}
