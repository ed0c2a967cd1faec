/**
 * The only door from the app to the Seatrush HTTP API. Components import from here, never call `fetch`.
 * Request and response shapes are the zod schemas of `@seatrush/shared`.
 */
export type * from './types.ts';
export { ApiError, humanMessage, messageFor, networkMessage } from './errors.ts';
export { request, transport } from './client.ts';
export * from './catalog.ts';
export * from './inventory.ts';
export * from './orders.ts';
export * from './storage.ts';
export { features } from './features.ts';
