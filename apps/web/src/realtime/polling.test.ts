import type { AvailabilityDto, ShowtimeSync } from '@seatrush/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { transport } from '../api/client.ts';
import { POLL_MS, subscribeByPolling } from './polling.ts';
import type { ConnectionStatus } from './types.ts';

const availability = (version: number, labelsKey: string, withLabels: boolean): AvailabilityDto => ({
  showtimeId: 'st1',
  version,
  state: 'on_sale',
  labelsKey,
  ...(withLabels ? { seatLabels: labelsKey === 'k1' ? ['A-1-1', 'A-1-2'] : ['B-1-1', 'B-1-2'] } : {}),
  seatStates: '01',
  seatsAvailable: 1,
  zones: {},
  categories: {},
});

describe('polling feed', () => {
  const realFetch = transport.fetch;
  let server: { version: number; labelsKey: string; fail: 'network' | 'not_found' | null };
  const urls: string[] = [];

  beforeEach(() => {
    vi.useFakeTimers();
    urls.length = 0;
    server = { version: 1, labelsKey: 'k1', fail: null };
    transport.fetch = (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      urls.push(url);
      if (server.fail === 'network') return Promise.reject(new TypeError('Failed to fetch'));
      if (server.fail === 'not_found')
        return Promise.resolve(
          new Response(JSON.stringify({ ok: false, error: { code: 'not_found', message: 'x' } }), {
            status: 404,
          }),
        );
      const body = availability(server.version, server.labelsKey, !url.includes('seatLabels=false'));
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    };
  });

  afterEach(() => {
    transport.fetch = realFetch;
    vi.useRealTimers();
  });

  it('fetches labels once, then polls without them, and hands over each new version as a snapshot', async () => {
    const syncs: ShowtimeSync[] = [];
    const statuses: ConnectionStatus[] = [];
    const sub = subscribeByPolling(
      'st1',
      (s) => {
        syncs.push(s);
        return 'applied';
      },
      () => 'applied',
      { onStatus: (s) => statuses.push(s) },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(urls).toEqual(['/api/showtimes/st1/availability']);
    expect(syncs).toHaveLength(1);
    expect(syncs[0]!.kind === 'snapshot' && syncs[0]!.snapshot.seatLabels).toEqual(['A-1-1', 'A-1-2']);

    // Same version: nothing handed over.
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(urls[1]).toBe('/api/showtimes/st1/availability?seatLabels=false');
    expect(syncs).toHaveLength(1);

    // A new version reuses the cached labels.
    server.version = 2;
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(syncs).toHaveLength(2);
    expect(syncs[1]!.kind === 'snapshot' && syncs[1]!.snapshot.seatLabels).toEqual(['A-1-1', 'A-1-2']);
    expect(statuses).toEqual(['connecting', 'live']);
    sub.close();
  });

  it('refetches the labels when the layout (labelsKey) changes', async () => {
    const syncs: ShowtimeSync[] = [];
    const sub = subscribeByPolling(
      'st1',
      (s) => (syncs.push(s), 'applied'),
      () => 'applied',
    );
    await vi.advanceTimersByTimeAsync(0);
    server.version = 2;
    server.labelsKey = 'k2';
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(urls.slice(1)).toEqual([
      '/api/showtimes/st1/availability?seatLabels=false',
      '/api/showtimes/st1/availability',
    ]);
    expect(syncs[1]!.kind === 'snapshot' && syncs[1]!.snapshot.seatLabels).toEqual(['B-1-1', 'B-1-2']);
    sub.close();
  });

  it('reports reconnecting on network failure, backs off, and goes live again', async () => {
    const statuses: ConnectionStatus[] = [];
    const sub = subscribeByPolling(
      'st1',
      () => 'applied',
      () => 'applied',
      { onStatus: (s) => statuses.push(s) },
    );
    await vi.advanceTimersByTimeAsync(0);
    server.fail = 'network';
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(statuses.at(-1)).toBe('reconnecting');
    // First retry at the normal pace, then the wait doubles: after the 2nd failure the next try is 2 × POLL_MS away.
    await vi.advanceTimersByTimeAsync(POLL_MS);
    const before = urls.length;
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(urls.length).toBe(before);
    server.fail = null;
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(urls.length).toBe(before + 1);
    expect(statuses.at(-1)).toBe('live');
    sub.close();
  });

  it('passes a refusal (not a transport failure) on with its error code', async () => {
    server.fail = 'not_found';
    const errors: string[] = [];
    const sub = subscribeByPolling(
      'st1',
      () => 'applied',
      () => 'applied',
      {
        onStatus: (_s, err) => err && errors.push(err.code),
      },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual(['not_found']);
    sub.close();
  });

  it('stops polling when closed', async () => {
    const sub = subscribeByPolling(
      'st1',
      () => 'applied',
      () => 'applied',
    );
    await vi.advanceTimersByTimeAsync(0);
    sub.close();
    const n = urls.length;
    await vi.advanceTimersByTimeAsync(POLL_MS * 5);
    expect(urls.length).toBe(n);
  });
});
