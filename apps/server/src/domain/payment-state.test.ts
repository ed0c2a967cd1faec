import { describe, expect, it } from 'vitest';
import { paymentStatuses, refundStatuses } from '@seatrush/shared';
import { paymentMachine, type PaymentAction } from './payment-state.ts';
import { refundMachine, type RefundAction } from './refund-state.ts';
import { DomainError } from './errors.ts';
import type { StateMachine } from './machine.ts';

function exhaustive<S extends string, A extends string>(
  machine: StateMachine<S, A>,
  states: readonly S[],
  actions: readonly A[],
  legal: Record<string, S>,
) {
  for (const state of states)
    for (const action of actions) {
      const expected = legal[`${state}/${action}`];
      it(`${state} --${action}--> ${expected ?? 'invalid_transition'}`, () => {
        if (expected) return expect(machine.next(state, action)).toBe(expected);
        expect(() => machine.next(state, action)).toThrow(DomainError);
        try {
          machine.next(state, action);
        } catch (e) {
          expect((e as DomainError).code).toBe('invalid_transition');
        }
      });
    }
}

describe('payment state machine', () => {
  const actions: PaymentAction[] = [
    'start',
    'confirm',
    'fail',
    'cancel',
    'refund',
    'dispute',
    'win_dispute',
    'lose_dispute',
  ];
  exhaustive(paymentMachine, paymentStatuses, actions, {
    'created/start': 'pending',
    'created/confirm': 'confirmed',
    'pending/confirm': 'confirmed',
    'failed/confirm': 'confirmed',
    'canceled/confirm': 'confirmed',
    'created/fail': 'failed',
    'pending/fail': 'failed',
    'created/cancel': 'canceled',
    'pending/cancel': 'canceled',
    'confirmed/refund': 'refunded',
    'confirmed/dispute': 'disputed',
    'refunded/dispute': 'disputed',
    'disputed/win_dispute': 'confirmed',
    'disputed/lose_dispute': 'disputed',
  });

  it('a disputed payment cannot be refunded or failed, and a late success does not clear the dispute', () => {
    expect(paymentMachine.can('disputed', 'refund')).toBe(false);
    expect(paymentMachine.can('disputed', 'fail')).toBe(false);
    expect(paymentMachine.can('disputed', 'confirm')).toBe(false);
  });

  it('never lets a late failure undo a confirmed payment', () => {
    expect(paymentMachine.can('confirmed', 'fail')).toBe(false);
    expect(paymentMachine.can('refunded', 'confirm')).toBe(false);
  });

  it('audits as payment.<past tense>', () => {
    expect(paymentMachine.auditAction.confirm).toBe('payment.confirmed');
  });
});

describe('refund state machine', () => {
  const actions: RefundAction[] = ['send', 'complete', 'fail', 'retry', 'cancel'];
  exhaustive(refundMachine, refundStatuses, actions, {
    'created/send': 'transit',
    'transit/complete': 'done',
    'transit/fail': 'failed',
    'failed/retry': 'transit',
    'created/cancel': 'canceled',
  });

  it('audits as refund.<past tense>', () => {
    expect(refundMachine.auditAction.complete).toBe('refund.done');
    expect(refundMachine.auditAction.retry).toBe('refund.retried');
  });
});
