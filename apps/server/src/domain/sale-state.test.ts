import { describe, expect, it } from 'vitest';
import { saleStates, saleActions } from '@seatrush/shared';
import { allowedSaleActions, nextSaleState } from './sale-state.ts';
import { DomainError } from './errors.ts';

describe('sale state machine', () => {
  const legal: Record<string, string> = {
    'scheduled/open': 'on_sale',
    'scheduled/close': 'closed',
    'on_sale/pause': 'paused',
    'on_sale/close': 'closed',
    'paused/resume': 'on_sale',
    'paused/close': 'closed',
  };

  for (const state of saleStates)
    for (const action of saleActions) {
      const expected = legal[`${state}/${action}`];
      it(`${state} --${action}--> ${expected ?? 'invalid_transition'}`, () => {
        if (expected) expect(nextSaleState(state, action)).toBe(expected);
        else {
          let err: unknown;
          try {
            nextSaleState(state, action);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(DomainError);
          expect((err as DomainError).code).toBe('invalid_transition');
          expect((err as DomainError).details).toMatchObject({ state, action });
        }
      });
    }

  it('lists the actions a UI may offer', () => {
    expect(allowedSaleActions('scheduled')).toEqual(['open', 'close']);
    expect(allowedSaleActions('on_sale')).toEqual(['pause', 'close']);
    expect(allowedSaleActions('paused')).toEqual(['resume', 'close']);
    expect(allowedSaleActions('closed')).toEqual([]);
  });
});
