import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type StoredHold } from '../api/index.ts';
import { HoldEndedDialog } from './HoldEndedDialog.tsx';
import { PickerBanners } from './PickerBanners.tsx';
import { initialPickerState, type PickerState } from './picker-state.ts';

afterEach(cleanup);

const banners = (
  state: Partial<PickerState>,
  saleState: 'scheduled' | 'on_sale' | 'paused' | 'closed',
  soldOut = false,
) =>
  render(
    <PickerBanners
      state={{ ...initialPickerState, ...state }}
      saleState={saleState}
      saleOpensAt="2099-01-01T10:00:00Z"
      soldOut={soldOut}
      onSaleOpens={() => undefined}
    />,
  );

const shown = () =>
  screen
    .queryAllByTestId(/^(banner-|picker-message)/)
    .map((e) => e.dataset.testid)
    .sort();

describe('PickerBanners', () => {
  it('shows nothing while a sale runs and the link is live', () => {
    banners({ connection: 'live' }, 'on_sale');
    expect(shown()).toEqual([]);
  });

  it.each([
    ['scheduled', 'banner-scheduled', 'Tickets are not on sale yet'],
    ['paused', 'banner-paused', 'Sales are paused'],
    ['closed', 'banner-closed', 'Sales have closed'],
  ] as const)('names the %s sale state', (saleState, testId, title) => {
    banners({ connection: 'live' }, saleState);
    expect(shown()).toEqual([testId]);
    expect(screen.getByTestId(testId).textContent).toContain(title);
  });

  it('says when the link is down, why the feed was refused, sold out, and the last message', () => {
    banners(
      {
        connection: 'reconnecting',
        feedError: new ApiError('sale_not_open', 409),
        message: { tone: 'success', text: 'Seat A-1 held for you.' },
      },
      'on_sale',
      true,
    );
    expect(shown()).toEqual(['banner-reconnecting', 'banner-soldout', 'picker-message']);
    expect(screen.getByText('Live availability is unavailable')).toBeTruthy();
    expect(screen.getByTestId('picker-message').textContent).toBe('Seat A-1 held for you.');
  });

  it('shows a message about the sale’s state only while the sale is in it', () => {
    const paused = {
      tone: 'info' as const,
      text: 'Sales are paused for a moment.',
      whileSale: 'paused' as const,
    };
    banners({ connection: 'live', message: paused }, 'paused');
    expect(shown()).toEqual(['banner-paused', 'picker-message']);
    cleanup();
    banners({ connection: 'live', message: paused }, 'on_sale');
    expect(shown()).toEqual([]);
  });
});

describe('HoldEndedDialog', () => {
  const hold = {
    holdId: 'h1',
    holdToken: 't',
    showtimeId: 'st1',
    expiresAt: '2026-01-01T00:10:00Z',
    items: [{ kind: 'ga', zone: 'floor', category: 'std', priceCents: 1250, quantity: 2 }],
    totalCents: 2500,
    currency: 'EUR',
  } as unknown as StoredHold;

  it('is closed while no hold has ended', () => {
    render(<HoldEndedDialog ended={null} zoneName={(k) => k} onClose={() => undefined} />);
    expect(screen.getByTestId('hold-ended-dialog').hasAttribute('open')).toBe(false);
  });

  it('tells an expiry with what the hold held, and closes on "Choose again"', () => {
    const onClose = vi.fn();
    render(
      <HoldEndedDialog ended={{ reason: 'expired', hold }} zoneName={() => 'Floor'} onClose={onClose} />,
    );
    const dialog = screen.getByTestId('hold-ended-dialog');
    expect(dialog.textContent).toContain('Your reservation expired');
    expect(dialog.textContent).toContain('Floor');
    expect(dialog.textContent).toMatch(/€25\.00/);
    fireEvent.click(screen.getByText('Choose again'));
    expect(onClose).toHaveBeenCalledOnce();
  });

  it('tells a release from another tab', () => {
    render(
      <HoldEndedDialog
        ended={{ reason: 'released', hold: null }}
        zoneName={(k) => k}
        onClose={() => undefined}
      />,
    );
    expect(screen.getByTestId('hold-ended-dialog').textContent).toContain('cancelled in another tab');
  });
});
