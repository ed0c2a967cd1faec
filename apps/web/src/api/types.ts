/**
 * The contracts the buyer app uses, all from `@seatrush/shared`. Nothing here is redefined locally; the few
 * client-only shapes (what we keep in the browser's storage) are marked as such.
 */
import type { z } from 'zod';
import type { HoldResponse, refundResponseSchema } from '@seatrush/shared';

export type {
  AvailabilityDto,
  BuyerOrderListDto,
  BuyerOrderSummaryDto,
  BuyerSessionDto,
  CategoryCounts,
  CheckoutResponse,
  HoldEnded,
  HoldItemDto,
  HoldRequest,
  HoldResponse,
  MyHold,
  OrderDto,
  OrderNotice,
  OrderStatusName,
  PublicEvent,
  PublicShowtime,
  SaleStateName,
  SeatMapDocument,
  SeatsChanged,
  ShowtimeSnapshot,
  ShowtimeSync,
  TicketDto,
  ZoneCounts,
} from '@seatrush/shared';

export type RefundResponse = z.infer<typeof refundResponseSchema>;

/** Client-only: a hold as this browser remembers it (the hold token never leaves localStorage). */
export type StoredHold = HoldResponse & {
  /** Set once checkout has created the order. */
  orderCode?: string | undefined;
};
