import { describe, expect, it } from 'vitest';
import { orderStatuses } from '@seatrush/shared';
import { orderMachine, type OrderAction } from './order-state.ts';
import { DomainError } from './errors.ts';

const actions: OrderAction[] = ['pay', 'expire', 'cancel', 'reclaim', 'refund_partially', 'refund_fully'];
const legal: Record<string, string> = {
  'PENDING/pay': 'PAID',
  'PENDING/expire': 'EXPIRED',
  'PENDING/cancel': 'CANCELLED',
  'EXPIRED/reclaim': 'PAID',
  'PAID/refund_partially': 'PARTIALLY_REFUNDED',
  'PAID/refund_fully': 'REFUNDED',
  'PARTIALLY_REFUNDED/refund_partially': 'PARTIALLY_REFUNDED',
  'PARTIALLY_REFUNDED/refund_fully': 'REFUNDED',
};

describe('order state machine', () => {
  for (const state of orderStatuses)
    for (const action of actions) {
      const expected = legal[`${state}/${action}`];
      it(`${state} --${action}--> ${expected ?? 'invalid_transition'}`, () => {
        expect(orderMachine.can(state, action)).toBe(expected !== undefined);
        if (expected) return expect(orderMachine.next(state, action)).toBe(expected);
        const err = (() => {
          try {
            orderMachine.next(state, action);
          } catch (e) {
            return e;
          }
        })();
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).code).toBe('invalid_transition');
        expect((err as DomainError).details).toMatchObject({ entity: 'order', state, action });
      });
    }

  it('names an audit action for every transition', () => {
    expect(orderMachine.auditAction.pay).toBe('order.paid');
    expect(orderMachine.auditAction.expire).toBe('order.expired');
    for (const a of actions) expect(orderMachine.auditAction[a]).toMatch(/^order\.[a-z_]+$/);
  });

  it('lists the actions possible from a state', () => {
    expect(orderMachine.allowed('PENDING').sort()).toEqual(['cancel', 'expire', 'pay']);
    expect(orderMachine.allowed('REFUNDED')).toEqual([]);
  });
});
