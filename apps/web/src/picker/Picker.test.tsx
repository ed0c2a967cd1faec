import type { HoldResponse, SaleStateName, SeatMapDocument } from '@seatrush/shared';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { transport } from '../api/client.ts';
import { ApiError, holdsSnapshot, saveHold, type PublicShowtime } from '../api/index.ts';
import { AnnouncerProvider } from '../components/Announcer.tsx';
import { ShowtimePage } from '../pages/ShowtimePage.tsx';
import type { FeedOptions } from '../realtime/index.ts';
import type { SeatStore } from '../seatmap/store.ts';
import { Picker } from './Picker.tsx';
import type { PickerFeed } from './useLiveFeed.ts';

/**
 * The seat picker in each of its states, as a buyer sees it. The live feed is the test's (it hands the picker
 * snapshots and facts as the socket would); HTTP goes through a fake `fetch` answering as the server's routes
 * do, and the answers are checked by the shared zod schemas on the way in.
 */

const LABELS = ['STALLS-A-1', 'STALLS-A-2', 'STALLS-A-3'];

const doc: SeatMapDocument = {
  name: 'Small hall',
  slug: 'small-hall',
  categories: [
    { key: 'std', name: 'Standard', color: '#1d4ed8' },
    { key: 'ga', name: 'Standing', color: '#9467bd' },
  ],
  sections: [
    {
      key: 'STALLS',
      name: 'Stalls',
      rows: [
        {
          label: 'A',
          seats: [1, 2, 3].map((number) => ({ number, x: number * 10, y: 0, category: 'std' })),
        },
      ],
    },
  ],
  gaZones: [{ key: 'floor', name: 'Floor', capacity: 40, category: 'ga' }],
};

const showtime: PublicShowtime = {
  id: 'st1',
  event: { id: 'e1', slug: 'the-show', name: 'The Show' },
  venue: { id: 'v1', slug: 'small-hall', name: 'Small hall' },
  startsAt: '2099-02-01T19:00:00.000Z',
  saleOpensAt: '2099-01-01T10:00:00.000Z',
  saleClosesAt: '2099-02-01T18:00:00.000Z',
  saleState: 'on_sale',
  holdTtlSeconds: 600,
  perBuyerLimit: 10,
  currency: 'EUR',
  buyerRefunds: true,
  categories: [
    { key: 'std', name: 'Standard', color: '#1d4ed8', priceCents: 4000 },
    { key: 'ga', name: 'Standing', color: '#9467bd', priceCents: 2500 },
  ],
  gaZones: [{ key: 'floor', name: 'Floor', capacity: 40, category: 'ga' }],
  sections: [{ key: 'STALLS', name: 'Stalls' }],
  layoutVersion: 1,
  seatMapUrl: '/api/venues/v1/seatmap?v=1',
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const refusal = (status: number, code: string, details: Record<string, unknown> = {}) =>
  json(status, { ok: false, error: { code, message: 'x', details } });

const inTenMinutes = () => new Date(Date.now() + 600_000).toISOString();
const heldSeats = (seats: string[], holdId = 'h1'): HoldResponse => ({
  holdId,
  holdToken: 'secret',
  showtimeId: 'st1',
  expiresAt: inTenMinutes(),
  items: seats.map((seat) => ({ kind: 'seat', seat, category: 'std', priceCents: 4000 })),
  totalCents: 4000 * seats.length,
  currency: 'EUR',
  replayed: false,
});

type Call = { method: string; path: string; body: unknown };
/** Answers each request with `answer` (which may never settle: a request in flight) and records it. */
function fakeServer(answer: (call: Call) => Promise<Response>) {
  const calls: Call[] = [];
  transport.fetch = vi.fn((path: string, init?: { method?: string; body?: string }) => {
    const call = {
      method: init?.method ?? 'GET',
      path,
      body: init?.body ? (JSON.parse(init.body) as unknown) : undefined,
    };
    calls.push(call);
    return answer(call);
  }) as unknown as typeof fetch;
  return calls;
}

/** The feed the picker subscribes through, driven by the test. */
function testFeed() {
  let store: SeatStore | undefined;
  let options: FeedOptions = {};
  let version = 0;
  const resync = vi.fn();
  const feed: PickerFeed = (s, o = {}) => {
    store = s;
    options = o;
    return { close: () => undefined, resync };
  };
  return {
    feed,
    resync,
    /** A snapshot as the server sends it on join: seat states one char each ('0' free, '1' held, '2' sold). */
    snapshot(state: SaleStateName, seatStates = '000', floorAvailable = 40) {
      const free = [...seatStates].filter((c) => c === '0').length;
      act(() => {
        store!.applySync({
          kind: 'snapshot',
          snapshot: {
            showtimeId: 'st1',
            version: ++version,
            state,
            seatLabels: LABELS,
            labelsKey: LABELS.join('|'),
            seatStates,
            zones: { floor: { capacity: 40, available: floorAvailable, held: 0, sold: 40 - floorAvailable } },
            categories: {
              std: { available: free, held: 0, sold: 3 - free, blocked: 0 },
              ga: { available: floorAvailable, held: 0, sold: 40 - floorAvailable, blocked: 0 },
            },
          },
          myHolds: [],
        });
        options.onStatus?.('live');
      });
    },
    status(status: 'live' | 'reconnecting', error?: ApiError) {
      act(() => options.onStatus?.(status, error));
    },
    holdEnded(holdId: string, reason: 'expired' | 'released') {
      act(() => options.onHoldEnded?.({ holdId, showtimeId: 'st1', reason }));
    },
  };
}

function renderPicker() {
  const live = testFeed();
  render(
    <MemoryRouter>
      <AnnouncerProvider>
        <Picker showtime={showtime} doc={doc} feed={live.feed} />
      </AnnouncerProvider>
    </MemoryRouter>,
  );
  return live;
}

const seat = (label: string) => document.querySelector<HTMLButtonElement>(`[data-seat="${label}"]`)!;
const holdButton = () => screen.getByTestId<HTMLButtonElement>('hold-seats');
const floorButton = () =>
  screen.getByRole<HTMLButtonElement>('button', { name: /^Hold \d* ?tickets? for Floor/ });
const banners = () =>
  screen
    .queryAllByTestId(/^(banner-|picker-message)/)
    .map((e) => e.dataset.testid)
    .sort();
const message = () => screen.getByTestId('picker-message').textContent;
const dialogOpen = (testId: string) => screen.getByTestId(testId).hasAttribute('open');

const realFetch = transport.fetch;
beforeEach(() => {
  localStorage.clear();
  localStorage.setItem('seatrush.email', 'ann@example.test');
});
afterEach(() => {
  transport.fetch = realFetch;
  cleanup();
});

describe('the seat picker, state by state', () => {
  it('loading: the page says so while the showtime and its map are on their way', () => {
    fakeServer(() => new Promise<Response>(() => undefined));
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter initialEntries={['/showtimes/st1']}>
          <Routes>
            <Route path="/showtimes/:id" element={<ShowtimePage />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect(screen.getByRole('status').textContent).toBe('Loading the seat map…');
  });

  it('connecting: the map waits for live availability and nothing can be held yet', () => {
    renderPicker();
    expect(screen.getByText('Connecting to live availability…')).toBeTruthy();
    expect(seat('STALLS-A-1').className).toContain('seat-unknown');
    expect(screen.getByText('Checking availability…')).toBeTruthy();
    expect(holdButton().disabled).toBe(true);
  });

  it('not yet on sale: says when the sale opens, and a seat cannot be chosen', () => {
    const live = renderPicker();
    live.snapshot('scheduled');
    expect(screen.queryByText('Connecting to live availability…')).toBeNull();
    expect(banners()).toEqual(['banner-scheduled']);
    expect(screen.getByTestId('banner-scheduled').textContent).toContain('Tickets are not on sale yet');
    fireEvent.click(seat('STALLS-A-1'));
    expect(seat('STALLS-A-1').getAttribute('aria-pressed')).toBe('false');
    expect(message()).toBe('Tickets are not on sale right now.');
    expect(floorButton().disabled).toBe(true);
  });

  it('paused: says so while paused, and the banner and its message go when the sale resumes', () => {
    const live = renderPicker();
    live.snapshot('paused');
    fireEvent.click(seat('STALLS-A-2'));
    expect(banners()).toEqual(['banner-paused', 'picker-message']);
    expect(message()).toBe('Sales are paused for a moment. Try again shortly.');
    expect(floorButton().disabled).toBe(true);

    live.snapshot('on_sale');
    expect(banners()).toEqual([]);
    expect(floorButton().disabled).toBe(false);
  });

  it('sold out: every seat and the floor gone', () => {
    const live = renderPicker();
    live.snapshot('on_sale', '222', 0);
    expect(banners()).toEqual(['banner-soldout']);
    expect(document.getElementById('zone-floor')!.textContent).toContain('Sold out');
    fireEvent.click(seat('STALLS-A-3'));
    expect(seat('STALLS-A-3').getAttribute('aria-pressed')).toBe('false');
  });

  it('seats selected: the selection names them as the map does, with the total', () => {
    const live = renderPicker();
    live.snapshot('on_sale', '010');
    fireEvent.click(seat('STALLS-A-1'));
    fireEvent.click(seat('STALLS-A-2')); // held by someone else: not selectable
    fireEvent.click(seat('STALLS-A-3'));
    const selection = screen.getByRole('region', { name: 'Your selection' });
    expect(
      within(selection)
        .getAllByRole('listitem')
        .map((li) => li.firstChild?.textContent),
    ).toEqual(['Stalls, row A, seat 1', 'Stalls, row A, seat 3']);
    expect(selection.textContent).toContain('€80.00');
    expect(holdButton().textContent).toBe('Hold 2 seats');
    expect(holdButton().disabled).toBe(false);
  });

  it('holding: while the request is in flight the buttons wait; then held, with the countdown', async () => {
    let answer: (r: Response) => void = () => undefined;
    const calls = fakeServer(() => new Promise<Response>((resolve) => (answer = resolve)));
    const live = renderPicker();
    live.snapshot('on_sale');
    fireEvent.click(seat('STALLS-A-1'));
    fireEvent.click(seat('STALLS-A-3'));
    fireEvent.click(holdButton());

    await waitFor(() => expect(holdButton().textContent).toBe('Holding…'));
    expect(holdButton().disabled).toBe(true);
    expect(floorButton().disabled).toBe(true);
    expect(calls).toEqual([
      { method: 'POST', path: '/api/showtimes/st1/holds', body: { seats: ['STALLS-A-1', 'STALLS-A-3'] } },
    ]);

    answer(json(201, heldSeats(['STALLS-A-1', 'STALLS-A-3'])));
    const mine = await screen.findByTestId('my-holds');
    expect(mine.textContent).toContain('Time left to pay');
    expect(mine.querySelector('.countdown-digits')!.textContent).toMatch(/^(10:00|9:5\d)$/);
    expect(mine.textContent).toContain('Stalls, row A, seat 1; Stalls, row A, seat 3');
    expect(mine.textContent).toContain('€80.00');
    expect(message()).toMatch(/^2 seats held for you\. Pay within (10|9) minutes?/);
    expect(seat('STALLS-A-1').className).toContain('seat-mine');
    expect(holdButton().textContent).toBe('Hold seats');
    expect(live.resync).toHaveBeenCalled();
  });

  it('hold expired: this tab’s clock ends it, and the dialog says what it held', () => {
    saveHold({ ...heldSeats(['STALLS-A-2']), expiresAt: new Date(Date.now() - 1000).toISOString() });
    const live = renderPicker();
    live.snapshot('on_sale', '010');
    expect(dialogOpen('hold-ended-dialog')).toBe(true);
    const dialog = screen.getByTestId('hold-ended-dialog');
    expect(dialog.textContent).toContain('Your reservation expired');
    expect(dialog.textContent).toContain('It held: Stalls, row A, seat 2 (€40.00)');
    expect(Object.keys(holdsSnapshot())).toEqual([]);
    expect(screen.queryByTestId('my-holds')).toBeNull();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Choose again' }));
    expect(dialogOpen('hold-ended-dialog')).toBe(false);
  });

  it('hold expired: the server’s fact ends it too, and "held for you" goes with it', async () => {
    fakeServer(() => Promise.resolve(json(201, heldSeats(['STALLS-A-1']))));
    const live = renderPicker();
    live.snapshot('on_sale');
    fireEvent.click(seat('STALLS-A-1'));
    fireEvent.click(holdButton());
    await screen.findByTestId('my-holds');
    expect(message()).toMatch(/^Stalls, row A, seat 1 held for you\./);

    live.holdEnded('h1', 'expired');
    expect(dialogOpen('hold-ended-dialog')).toBe(true);
    expect(screen.queryByTestId('picker-message')).toBeNull();
    expect(screen.queryByTestId('my-holds')).toBeNull();
  });

  it('error: a seat taken meanwhile is dropped from the selection, with a message, and the map catches up', async () => {
    fakeServer(() => Promise.resolve(refusal(409, 'seat_unavailable', { seats: ['STALLS-A-1'] })));
    const live = renderPicker();
    live.snapshot('on_sale');
    fireEvent.click(seat('STALLS-A-1'));
    fireEvent.click(seat('STALLS-A-2'));
    fireEvent.click(holdButton());
    await waitFor(() => expect(message()).toMatch(/^Sorry, one or more of those seats were just taken\./));
    // Named as the map names it, never by its code (issue 17, rough edge 7).
    expect(message()).toMatch(/\(Stalls, row A, seat 1\)$/);
    expect(message()).not.toContain('STALLS-A-1');
    expect(screen.getByTestId('picker-message').className).toContain('error');
    expect(seat('STALLS-A-1').getAttribute('aria-pressed')).toBe('false');
    expect(seat('STALLS-A-2').getAttribute('aria-pressed')).toBe('true');
    expect(holdButton().textContent).toBe('Hold 1 seat');
    expect(live.resync).toHaveBeenCalled();
  });

  it('error: the live feed down or refused is said in banners', () => {
    const live = renderPicker();
    live.snapshot('on_sale');
    live.status('reconnecting', new ApiError('not_found', 404));
    expect(banners()).toEqual(['banner-reconnecting']);
    expect(screen.getByText('Live availability is unavailable')).toBeTruthy();
  });
});

describe('the seat picker, asking the buyer', () => {
  it('asks for the e-mail before the first hold, then makes the hold it was asked for', async () => {
    localStorage.clear();
    const calls = fakeServer(({ path }) =>
      Promise.resolve(
        path === '/api/buyer/session'
          ? json(201, {
              buyerId: 'b1',
              email: 'ann@example.test',
              token: 't',
              expiresAt: inTenMinutes(),
              verified: false,
            })
          : json(201, {
              ...heldSeats([]),
              items: [{ kind: 'ga', zone: 'floor', category: 'ga', priceCents: 2500, quantity: 1 }],
              totalCents: 2500,
            }),
      ),
    );
    const live = renderPicker();
    live.snapshot('on_sale');
    fireEvent.click(floorButton());
    await waitFor(() => expect(dialogOpen('email-dialog')).toBe(true));
    expect(calls).toEqual([]);

    fireEvent.change(screen.getByLabelText('Email address'), { target: { value: 'ann@example.test' } });
    fireEvent.submit(screen.getByLabelText('Email address').closest('form')!);
    await waitFor(() => expect(message()).toMatch(/^1 ticket for Floor held for you\./));
    expect(dialogOpen('email-dialog')).toBe(false);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /api/buyer/session',
      'POST /api/showtimes/st1/holds',
    ]);
    expect(calls[1]!.body).toEqual({ zone: 'floor', quantity: 1 });
  });

  it('asks for proof of the e-mail when the sale wants verified buyers; declining says why', async () => {
    fakeServer(() => Promise.resolve(refusal(403, 'verification_required')));
    const live = renderPicker();
    live.snapshot('on_sale');
    fireEvent.click(seat('STALLS-A-1'));
    fireEvent.click(holdButton());
    await waitFor(() => expect(dialogOpen('verify-email-dialog')).toBe(true));
    expect(holdButton().textContent).toBe('Hold 1 seat');

    fireEvent.click(
      within(screen.getByTestId('verify-email-dialog')).getByRole('button', { name: 'Cancel' }),
    );
    expect(dialogOpen('verify-email-dialog')).toBe(false);
    expect(screen.getByTestId('picker-message').className).toContain('error');
    expect(message()).toBe(new ApiError('verification_required', 403).message);
  });
});
