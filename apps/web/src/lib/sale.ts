import type { SaleStateName } from '../api/index.ts';

export function saleLabel(state: SaleStateName): string {
  switch (state) {
    case 'scheduled':
      return 'Sale not open yet';
    case 'on_sale':
      return 'On sale';
    case 'paused':
      return 'Sale paused';
    case 'closed':
      return 'Sale closed';
  }
}
