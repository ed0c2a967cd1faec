import type { EventCreate, EventDto, EventUpdate } from '@seatrush/shared';
import type { Db } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import { writeAudit, type Actor } from '../audit/audit.ts';
import { iso, isUniqueViolation, type CatalogDeps } from './common.ts';

type EventRow = Db.Prisma.EventGetPayload<object>;

export function eventDto(e: EventRow): EventDto {
  return {
    id: e.id,
    slug: e.slug,
    name: e.name,
    description: e.description,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

const duplicateSlug = (slug: string) =>
  new DomainError('duplicate', `An event with slug "${slug}" already exists.`, { slug }, [
    { path: 'body.slug', message: `Another event already uses the slug "${slug}".` },
  ]);

/** Creates an event and its `event.created` audit entry. Errors: `duplicate` (slug taken). */
export async function createEvent(
  deps: Pick<CatalogDeps, 'prisma'>,
  input: EventCreate,
  actor: Actor,
): Promise<EventDto> {
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const e = await tx.event.create({
        data: { slug: input.slug, name: input.name, description: input.description ?? '' },
      });
      const dto = eventDto(e);
      await writeAudit(tx, {
        actor,
        action: 'event.created',
        entityType: 'event',
        entityId: e.id,
        after: dto,
      });
      return dto;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicateSlug(input.slug);
    throw e;
  }
}

/** Changes an event's slug, name or description. Errors: `not_found`, `duplicate`. */
export async function updateEvent(
  deps: Pick<CatalogDeps, 'prisma'>,
  id: string,
  patch: EventUpdate,
  actor: Actor,
): Promise<EventDto> {
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const before = await tx.event.findUnique({ where: { id } });
      if (!before) throw new DomainError('not_found', 'No such event.');
      const after = await tx.event.update({ where: { id }, data: patch });
      const dto = eventDto(after);
      await writeAudit(tx, {
        actor,
        action: 'event.updated',
        entityType: 'event',
        entityId: id,
        before: eventDto(before),
        after: dto,
      });
      return dto;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicateSlug(patch.slug ?? '');
    throw e;
  }
}

export async function listEvents(deps: Pick<CatalogDeps, 'prisma'>): Promise<EventDto[]> {
  const rows = await deps.prisma.event.findMany({ orderBy: { createdAt: 'asc' } });
  return rows.map(eventDto);
}

/** Errors: `not_found`. */
export async function getEvent(deps: Pick<CatalogDeps, 'prisma'>, id: string): Promise<EventDto> {
  const e = await deps.prisma.event.findUnique({ where: { id } });
  if (!e) throw new DomainError('not_found', 'No such event.');
  return eventDto(e);
}
