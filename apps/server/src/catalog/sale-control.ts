import type { SaleAction, SaleStateName } from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import { nextSaleState, saleAuditAction } from '../domain/sale-state.ts';
import { writeAudit, type Actor } from '../audit/audit.ts';
import type { CatalogDeps } from './common.ts';

export interface SaleChange {
  showtimeId: string;
  previous: SaleStateName;
  saleState: SaleStateName;
}

/**
 * Opens, pauses, resumes or closes a showtime's sale (see domain/sale-state.ts) and writes the
 * `showtime.sale_*` audit entry. Opening first asks `saleHooks.opened` to load the inventory; every committed
 * change is then reported to `saleHooks.stateChanged`. Concurrent changes of one showtime are serialised by a
 * compare-and-set on the state, so exactly one of two racing `open`s wins.
 * Errors: `not_found`; `invalid_transition`; `conflict` (opening without a price for every category).
 */
export async function changeSaleState(
  deps: CatalogDeps,
  showtimeId: string,
  action: SaleAction,
  actor: Actor,
): Promise<SaleChange> {
  const current = await deps.prisma.showtime.findUnique({
    where: { id: showtimeId },
    select: {
      saleState: true,
      prices: { select: { category: true } },
      venue: { select: { categories: { select: { key: true } } } },
    },
  });
  if (!current) throw new DomainError('not_found', 'No such showtime.');
  const previous = current.saleState;
  const next = nextSaleState(previous, action);

  if (action === 'open') {
    const priced = new Set(current.prices.map((p) => p.category));
    const missing = current.venue.categories.map((c) => c.key).filter((k) => !priced.has(k));
    if (missing.length)
      throw new DomainError(
        'conflict',
        `Set a price for every category before opening the sale (missing: ${missing.join(', ')}).`,
        {
          missing,
        },
      );
    await deps.saleHooks.opened(showtimeId);
  }

  await deps.prisma.$transaction(async (tx) => {
    const { count } = await tx.showtime.updateMany({
      where: { id: showtimeId, saleState: previous },
      data: { saleState: next },
    });
    if (count === 0) {
      // Someone else changed the state since we read it: judge the action against the state that won.
      const now = await tx.showtime.findUniqueOrThrow({
        where: { id: showtimeId },
        select: { saleState: true },
      });
      nextSaleState(now.saleState, action);
      throw new DomainError('conflict', 'The sale state changed while this request ran; try again.');
    }
    await writeAudit(tx, {
      actor,
      action: saleAuditAction[action],
      entityType: 'showtime',
      entityId: showtimeId,
      showtimeId,
      before: { saleState: previous },
      after: { saleState: next },
    });
  });
  deps.logger.info({ showtimeId, action, previous, saleState: next, actor }, 'sale state changed');
  await deps.saleHooks.stateChanged(showtimeId, next);
  return { showtimeId, previous, saleState: next };
}
