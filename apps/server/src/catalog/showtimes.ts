import type { Issue, ShowtimeCreate, ShowtimeDto, ShowtimeUpdate, SaleStateName } from '@seatrush/shared';
import type { Db } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import { writeAudit, type Actor } from '../audit/audit.ts';
import { iso, type CatalogDeps } from './common.ts';

const showtimeInclude = {
  prices: { orderBy: { category: 'asc' } },
  zones: { orderBy: { zoneKey: 'asc' } },
} satisfies Db.Prisma.ShowtimeInclude;

type ShowtimeRow = Db.Prisma.ShowtimeGetPayload<{ include: typeof showtimeInclude }>;

export function showtimeDto(s: ShowtimeRow): ShowtimeDto {
  return {
    id: s.id,
    eventId: s.eventId,
    venueId: s.venueId,
    startsAt: iso(s.startsAt),
    saleOpensAt: iso(s.saleOpensAt),
    saleClosesAt: iso(s.saleClosesAt),
    saleState: s.saleState,
    holdTtlSeconds: s.holdTtlSeconds,
    perBuyerLimit: s.perBuyerLimit,
    gaBuckets: s.gaBuckets,
    currency: s.currency,
    buyerRefunds: s.buyerRefunds,
    waitingRoom: s.waitingRoom,
    admissionPerMinute: s.admissionPerMinute,
    maxShoppers: s.maxShoppers,
    shoppingWindowSeconds: s.shoppingWindowSeconds,
    requireVerifiedBuyers: s.requireVerifiedBuyers,
    holdLimitPerBuyer: s.holdLimitPerBuyer,
    holdLimitPerAddress: s.holdLimitPerAddress,
    queueJoinLimitPerAddress: s.queueJoinLimitPerAddress,
    botChallenge: s.botChallenge,
    prices: Object.fromEntries(s.prices.map((p) => [p.category, p.priceCents])),
    zones: s.zones.map((z) => ({ zoneKey: z.zoneKey, capacity: z.capacity, claimed: z.claimed })),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

const FRONT_DOOR_KEYS = [
  'waitingRoom',
  'admissionPerMinute',
  'maxShoppers',
  'shoppingWindowSeconds',
  'requireVerifiedBuyers',
  'holdLimitPerBuyer',
  'holdLimitPerAddress',
  'queueJoinLimitPerAddress',
  'botChallenge',
] as const;

/** The front-door settings a create request gave (the rest take the database's defaults). */
function frontDoorOf(input: ShowtimeCreate): Partial<Pick<ShowtimeCreate, (typeof FRONT_DOOR_KEYS)[number]>> {
  return Object.fromEntries(FRONT_DOOR_KEYS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
}

const invalid = (issues: Issue[]) =>
  new DomainError(
    'validation_failed',
    `Invalid body: ${issues[0]?.path} ${issues[0]?.message}`,
    undefined,
    issues,
  );

/**
 * GA buckets (docs/inventory.md, "GA buckets"): more than 1 only where every property the inventory promises still
 * holds with the stock split over slots — a GA-only venue (N seats all or nothing need one slot) and no per-buyer
 * limit (a buyer's tickets are counted in one slot, their requests spread over the buckets).
 */
function bucketIssues(gaBuckets: number | undefined, perBuyerLimit: number | null, seats: number): Issue[] {
  if (gaBuckets === undefined || gaBuckets === 1) return [];
  const issues: Issue[] = [];
  if (seats > 0)
    issues.push({
      path: 'body.gaBuckets',
      message: `GA buckets are for GA-only venues: this venue has ${seats} numbered seats, which must stay on one slot.`,
    });
  if (perBuyerLimit !== null)
    issues.push({
      path: 'body.gaBuckets',
      message: 'GA buckets cannot keep a per-buyer limit: set perBuyerLimit to null, or use 1 bucket.',
    });
  return issues;
}

/** Issues for prices that name unknown categories or (when `complete`) miss one of the venue's. */
function priceIssues(prices: Record<string, number>, categories: string[], complete: boolean): Issue[] {
  const known = new Set(categories);
  const issues: Issue[] = [];
  for (const key of Object.keys(prices))
    if (!known.has(key))
      issues.push({
        path: `body.prices.${key}`,
        message: `The venue has no category "${key}" (it has: ${categories.join(', ')}).`,
      });
  if (complete)
    for (const key of categories)
      if (!(key in prices))
        issues.push({ path: `body.prices.${key}`, message: `A price for category "${key}" is required.` });
  return issues;
}

/**
 * Creates a showtime of an event at a venue with a price for every category of the venue, and one
 * ZoneInventory row per GA zone (capacity from the venue). The sale starts `scheduled`.
 * Errors: `validation_failed` (unknown event or venue, prices not covering exactly the venue's categories,
 * `gaBuckets` above 1 for a venue with numbered seats or with a per-buyer limit).
 */
export async function createShowtime(
  deps: Pick<CatalogDeps, 'prisma'>,
  input: ShowtimeCreate,
  actor: Actor,
): Promise<ShowtimeDto> {
  return deps.prisma.$transaction(async (tx) => {
    // Sequential: a transaction is one connection, which runs one query at a time anyway.
    const event = await tx.event.findUnique({ where: { id: input.eventId }, select: { id: true } });
    const venue = await tx.venue.findUnique({
      where: { id: input.venueId },
      select: {
        id: true,
        categories: { select: { key: true } },
        gaZones: { select: { key: true, capacity: true } },
      },
    });
    const issues: Issue[] = [];
    if (!event) issues.push({ path: 'body.eventId', message: 'No such event.' });
    if (!venue) issues.push({ path: 'body.venueId', message: 'No such venue.' });
    if (venue)
      issues.push(
        ...bucketIssues(
          input.gaBuckets,
          input.perBuyerLimit,
          await tx.seat.count({ where: { venueId: venue.id } }),
        ),
      );
    if (venue)
      issues.push(
        ...priceIssues(
          input.prices,
          venue.categories.map((c) => c.key),
          true,
        ),
      );
    if (issues.length || !venue) throw invalid(issues);

    const created = await tx.showtime.create({
      data: {
        eventId: input.eventId,
        venueId: input.venueId,
        startsAt: new Date(input.startsAt),
        saleOpensAt: new Date(input.saleOpensAt),
        saleClosesAt: new Date(input.saleClosesAt),
        holdTtlSeconds: input.holdTtlSeconds,
        perBuyerLimit: input.perBuyerLimit,
        gaBuckets: input.gaBuckets ?? 1,
        currency: input.currency,
        buyerRefunds: input.buyerRefunds,
        ...frontDoorOf(input),
        prices: {
          createMany: {
            data: Object.entries(input.prices).map(([category, priceCents]) => ({ category, priceCents })),
          },
        },
        zones: { createMany: { data: venue.gaZones.map((z) => ({ zoneKey: z.key, capacity: z.capacity })) } },
      },
      include: showtimeInclude,
    });
    const dto = showtimeDto(created);
    await writeAudit(tx, {
      actor,
      action: 'showtime.created',
      entityType: 'showtime',
      entityId: created.id,
      showtimeId: created.id,
      after: dto,
    });
    return dto;
  });
}

const isLive = (state: SaleStateName) => state === 'on_sale' || state === 'paused';

/**
 * Changes a showtime's times, hold TTL, per-buyer limit, currency, buyer refunds or prices (given categories
 * are replaced, others kept). Sold orders keep the prices they were sold at.
 * Errors: `not_found`; `validation_failed` (unknown category, sale closing before it opens);
 * `conflict` (changing the currency once orders exist).
 */
export async function updateShowtime(
  deps: CatalogDeps,
  id: string,
  patch: ShowtimeUpdate,
  actor: Actor,
): Promise<ShowtimeDto> {
  const result = await deps.prisma.$transaction(async (tx) => {
    const before = await tx.showtime.findUnique({
      where: { id },
      include: { ...showtimeInclude, venue: { select: { categories: { select: { key: true } } } } },
    });
    if (!before) throw new DomainError('not_found', 'No such showtime.');
    const issues: Issue[] = [];
    if (patch.prices)
      issues.push(
        ...priceIssues(
          patch.prices,
          before.venue.categories.map((c) => c.key),
          false,
        ),
      );
    if (patch.perBuyerLimit != null && before.gaBuckets > 1)
      issues.push({
        path: 'body.perBuyerLimit',
        message: `This showtime's GA stock is split into ${before.gaBuckets} buckets, which cannot keep a per-buyer limit.`,
      });
    const opens = patch.saleOpensAt ? new Date(patch.saleOpensAt) : before.saleOpensAt;
    const closes = patch.saleClosesAt ? new Date(patch.saleClosesAt) : before.saleClosesAt;
    if (opens >= closes)
      issues.push({
        path: patch.saleClosesAt ? 'body.saleClosesAt' : 'body.saleOpensAt',
        message: `The sale must close after it opens (opens ${opens.toISOString()}, closes ${closes.toISOString()}).`,
      });
    if (issues.length) throw invalid(issues);
    if (
      patch.currency &&
      patch.currency !== before.currency &&
      (await tx.order.count({ where: { showtimeId: id } }))
    )
      throw new DomainError('conflict', 'The currency cannot change once orders exist for this showtime.');

    const { prices, startsAt, saleOpensAt, saleClosesAt, ...rest } = patch;
    await tx.showtime.update({
      where: { id },
      data: {
        ...rest,
        ...(startsAt ? { startsAt: new Date(startsAt) } : {}),
        ...(saleOpensAt ? { saleOpensAt: opens } : {}),
        ...(saleClosesAt ? { saleClosesAt: closes } : {}),
      },
    });
    for (const [category, priceCents] of Object.entries(prices ?? {}))
      await tx.showtimePrice.upsert({
        where: { showtimeId_category: { showtimeId: id, category } },
        create: { showtimeId: id, category, priceCents },
        update: { priceCents },
      });
    const after = await tx.showtime.findUniqueOrThrow({ where: { id }, include: showtimeInclude });
    const dto = showtimeDto(after);
    await writeAudit(tx, {
      actor,
      action: 'showtime.updated',
      entityType: 'showtime',
      entityId: id,
      showtimeId: id,
      before: showtimeDto(before),
      after: dto,
    });
    return dto;
  });
  if (isLive(result.saleState)) await deps.saleHooks.showtimeChanged?.(id, 'settings');
  return result;
}

export async function listShowtimes(
  deps: Pick<CatalogDeps, 'prisma'>,
  q: { eventId?: string | undefined; venueId?: string | undefined; state?: SaleStateName | undefined },
): Promise<ShowtimeDto[]> {
  const rows = await deps.prisma.showtime.findMany({
    where: {
      ...(q.eventId ? { eventId: q.eventId } : {}),
      ...(q.venueId ? { venueId: q.venueId } : {}),
      ...(q.state ? { saleState: q.state } : {}),
    },
    include: showtimeInclude,
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map(showtimeDto);
}

/** Errors: `not_found`. */
export async function getShowtime(deps: Pick<CatalogDeps, 'prisma'>, id: string): Promise<ShowtimeDto> {
  const s = await deps.prisma.showtime.findUnique({ where: { id }, include: showtimeInclude });
  if (!s) throw new DomainError('not_found', 'No such showtime.');
  return showtimeDto(s);
}
