import type { APIRequestContext, Locator, Page } from '@playwright/test';
import {
  generateVenue,
  type EventDto,
  type ShowtimeDto,
  type VenueDto,
  type WaitingRoomControl,
  type WaitingRoomStats,
} from '@seatrush/shared';
import { createShowtime, expect, uniq } from './box-office-fixtures.ts';

/**
 * Page objects of the waiting room (docs/waiting-room.md): the buyer's waiting page
 * (apps/web/src/pages/WaitingRoomPage.tsx), the staff panel on the live showtime page
 * (apps/web/src/box-office/live/WaitingRoomPanel.tsx), and a showtime with the room on made through the staff API.
 */

async function ok<T>(res: Awaited<ReturnType<APIRequestContext['get']>>, what: string): Promise<T> {
  if (!res.ok()) throw new Error(`${what}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface RoomWorld {
  venue: VenueDto;
  event: EventDto;
  showtime: ShowtimeDto;
  /** Every seat of the venue, in order: `HALL-A-1` … */
  seats: string[];
}

/** The front-door settings a waiting-room showtime is created with (the staff showtime API's fields). */
export interface RoomSettings {
  seats: number;
  admissionPerMinute: number;
  maxShoppers?: number;
  shoppingWindowSeconds?: number;
  requireVerifiedBuyers?: boolean;
  botChallenge?: boolean;
}

/**
 * A venue of one row of `seats` seats (section HALL, row A, one price), an event and a showtime with the waiting
 * room on, its sale open. The per-address limits are off for this showtime: every browser of the test shares one
 * address.
 */
export async function createRoomWorld(staff: APIRequestContext, s: RoomSettings): Promise<RoomWorld> {
  const slug = uniq('e2e-arena');
  const venue = await ok<VenueDto>(
    await staff.post('/api/staff/venues', {
      data: generateVenue({
        name: `E2E Arena ${slug.slice(-6)}`,
        slug,
        categories: [{ key: 'standard', name: 'Standard', color: '#2563eb' }],
        sections: [
          {
            key: 'HALL',
            name: 'Hall',
            shape: 'rect',
            rows: 1,
            seatsPerRow: s.seats,
            category: () => 'standard',
            origin: { x: 40, y: 120 },
          },
        ],
        stage: { x: 60, y: 20, width: 180, height: 50, label: 'Stage' },
      }),
    }),
    'create venue',
  );
  const event = await ok<EventDto>(
    await staff.post('/api/staff/events', {
      data: { slug: uniq('e2e-onsale'), name: `Stadium on-sale ${slug.slice(-4)}` },
    }),
    'create event',
  );
  const showtime = await createShowtime(staff, {
    eventId: event.id,
    venueId: venue.id,
    prices: { standard: 4000 },
    // Longer than the shopping window: a buyer's hold is not counted as coming back within it.
    holdTtlSeconds: 900,
    perBuyerLimit: null,
    waitingRoom: true,
    admissionPerMinute: s.admissionPerMinute,
    maxShoppers: s.maxShoppers ?? 100,
    shoppingWindowSeconds: s.shoppingWindowSeconds ?? 600,
    requireVerifiedBuyers: s.requireVerifiedBuyers ?? false,
    botChallenge: s.botChallenge ?? false,
    holdLimitPerAddress: 0,
    queueJoinLimitPerAddress: 0,
  });
  const seats = Array.from({ length: s.seats }, (_, i) => `HALL-A-${i + 1}`);
  return { venue, event, showtime, seats };
}

/** The staff API of the room (what the panel calls). */
export async function roomStats(staff: APIRequestContext, showtimeId: string): Promise<WaitingRoomStats> {
  return ok<WaitingRoomStats>(
    await staff.get(`/api/staff/showtimes/${showtimeId}/waiting-room`),
    'waiting-room stats',
  );
}

export async function controlRoom(
  staff: APIRequestContext,
  showtimeId: string,
  body: WaitingRoomControl,
): Promise<WaitingRoomStats> {
  return ok<WaitingRoomStats>(
    await staff.post(`/api/staff/showtimes/${showtimeId}/waiting-room`, { data: body }),
    `waiting room ${body.action}`,
  );
}

/** The buyer's waiting page: `/showtimes/:id/queue`. */
export class WaitingPage {
  constructor(
    readonly page: Page,
    readonly showtimeId: string,
  ) {}

  /** Opens the page (as a link from an e-mail or the event page would); it joins the line by itself. */
  async goto() {
    await this.page.goto(`/showtimes/${encodeURIComponent(this.showtimeId)}/queue`);
  }

  get url(): RegExp {
    return new RegExp(`/showtimes/${this.showtimeId}/queue$`);
  }

  get heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'You are in line' });
  }

  /** The big number: the place in line (shown while waiting). */
  get position(): Locator {
    return this.page.getByTestId('queue-position');
  }

  /** The live region's sentence: place, ETA, paused, sold out. */
  get message(): Locator {
    return this.page.getByTestId('queue-message');
  }

  /** The room's last change of course: paused, resumed, sold out, closed. */
  get news(): Locator {
    return this.page.getByTestId('queue-news');
  }

  get progress(): Locator {
    return this.page.getByRole('progressbar', { name: /^Progress through the line/ });
  }

  /** The "Sold out for now" notice: keep the page open, admission resumes if tickets come back. */
  get soldOutNotice(): Locator {
    return this.page.getByTestId('queue-sold-out');
  }

  /**
   * Records every place the page shows, in order, from now on (a MutationObserver in the page), so a test can
   * check the sequence afterwards however fast it moved. Read it with `positionsSeen`.
   */
  async recordPositions() {
    await this.page.evaluate(() => {
      const w = window as unknown as { __positions?: string[] };
      w.__positions = [];
      const seen = w.__positions;
      const read = () => {
        const t = document.querySelector('[data-testid="queue-position"]')?.textContent ?? null;
        if (t !== null && seen[seen.length - 1] !== t) seen.push(t);
      };
      read();
      new MutationObserver(read).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
  }

  async positionsSeen(): Promise<number[]> {
    const seen = await this.page.evaluate(
      () => (window as unknown as { __positions?: string[] }).__positions ?? [],
    );
    return seen.map((t) => Number(t.replace(/\D/g, '')));
  }
}

/** The waiting-room panel of the box office's live showtime page. */
export class WaitingRoomPanel {
  readonly root: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('waiting-room-panel');
  }

  /** "admitting", "paused", "sold out", "before opening", "closed". */
  get state(): Locator {
    return this.root.getByTestId('wr-state');
  }

  figure(name: 'waiting' | 'admitted' | 'shopping' | 'rate' | 'left' | 'eta'): Locator {
    return this.root.getByTestId(`wr-${name}`);
  }

  get startButton(): Locator {
    return this.root.getByRole('button', { name: 'Start admission' });
  }

  get pauseButton(): Locator {
    return this.root.getByRole('button', { name: 'Pause admission' });
  }

  async pause() {
    await this.pauseButton.click();
    await expect(this.state).toHaveText('paused');
  }

  async start() {
    await this.startButton.click();
    await expect(this.state).toHaveText('admitting');
  }
}

/** What the development mail catcher's `/dev/mail.json` lists (apps/server/src/mail/dev-mailbox.ts). */
interface CaughtMail {
  to: string[];
  subject: string;
  date?: string;
}

/**
 * The one-time code the server mailed to `email` (docs/buyers.md), read from the development mail catcher as the
 * buyer would read their inbox; `not` skips codes already used.
 */
export async function mailedCode(request: APIRequestContext, email: string, not: string[] = []) {
  let code: string | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get('/dev/mail.json');
        const { data } = (await res.json()) as { data: CaughtMail[] };
        const codes = data
          .filter((m) => m.to.includes(email))
          .map((m) => /Your Seatrush code: (\d+)/.exec(m.subject)?.[1])
          .filter((c): c is string => c !== undefined && !not.includes(c));
        code = codes[0];
        return code;
      },
      { timeout: 20_000, message: `the code e-mailed to ${email}` },
    )
    .toMatch(/^\d{6}$/);
  return code!;
}
