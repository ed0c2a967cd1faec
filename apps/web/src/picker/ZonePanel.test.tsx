import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PublicShowtime } from '../api/index.ts';
import { checkQuantity, ZonePanel } from './ZonePanel.tsx';

afterEach(cleanup);

describe('checkQuantity (the hold API rule, in the browser)', () => {
  it.each([
    ['2.5', 'Give the number of tickets as a whole number.'],
    ['-3', 'Give the number of tickets as a whole number.'],
    ['1e3', 'Give the number of tickets as a whole number.'],
    ['', 'Give the number of tickets as a whole number.'],
    ['0', 'Hold at least 1 ticket.'],
    ['51', 'Hold at most 50 tickets at once.'],
    ['7', 'You can hold at most 6 here.'],
  ])('refuses %j', (text, message) => {
    expect(checkQuantity(text, 6)).toBe(message);
  });

  it('accepts a whole number within what is left', () => {
    expect(checkQuantity(' 6 ', 6)).toBe(true);
  });
});

describe('ZonePanel', () => {
  const showtime = {
    currency: 'EUR',
    categories: [{ key: 'ga', name: 'Standing', color: '#000', priceCents: 2500 }],
    gaZones: [{ key: 'floor', name: 'Floor', category: 'ga' }],
  } as unknown as PublicShowtime;

  const panel = (onHold = vi.fn()) => {
    render(
      <ZonePanel
        showtime={showtime}
        zones={{ floor: { capacity: 100, available: 4 } as never }}
        room={10}
        canHold
        busy={false}
        onHold={onHold}
      />,
    );
    return onHold;
  };

  it('holds the quantity set with the stepper', async () => {
    const onHold = panel();
    fireEvent.click(screen.getByRole('button', { name: 'One more' }));
    fireEvent.click(screen.getByRole('button', { name: 'One more' }));
    fireEvent.click(await screen.findByRole('button', { name: /^Hold 3/ }));
    await waitFor(() => expect(onHold).toHaveBeenCalledWith('floor', 3, 'Floor'));
  });

  it('says why a typed quantity is refused and does not hold it', async () => {
    const onHold = panel();
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Tickets for Floor' }), {
      target: { value: '5' },
    });
    expect((await screen.findByRole('alert')).textContent).toBe('You can hold at most 4 here.');
    expect(onHold).not.toHaveBeenCalled();
  });
});
