export * from './errors.ts';
export * from './seatmap.ts';
export * from './catalog.ts';
export * from './orders.ts';
export * from './realtime.ts';
export * from './inventory.ts';
export * from './realtime-holds.ts';
export * from './box-office.ts';
