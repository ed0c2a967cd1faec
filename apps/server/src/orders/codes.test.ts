import { describe, expect, it } from 'vitest';
import { orderCodeSchema } from '@seatrush/shared';
import { newOrderCode, newTicketCode, qrDataUrl, ticketQrPayload, verifyTicketQrPayload } from './codes.ts';

const SECRET = 'test-ticket-secret-0123456789';

describe('order and ticket codes', () => {
  it('makes order codes in the unambiguous alphabet, grouped 4-4', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newOrderCode();
      expect(orderCodeSchema.parse(code)).toBe(code);
      expect(code).not.toMatch(/[01ILOU]/);
      codes.add(code);
    }
    expect(codes.size).toBe(2000);
  });

  it('accepts codes typed in lower case with spaces', () => {
    expect(orderCodeSchema.parse(' k7q2-9xpm ')).toBe('K7Q2-9XPM');
    expect(orderCodeSchema.safeParse('K7Q2-9XP0').success).toBe(false);
  });

  it('signs ticket payloads and rejects forgeries', () => {
    const ticket = newTicketCode();
    const payload = ticketQrPayload(SECRET, ticket, 'st_1');
    expect(verifyTicketQrPayload(SECRET, payload)).toEqual({ ticketCode: ticket, showtimeId: 'st_1' });
    expect(verifyTicketQrPayload('another-secret-0123456789', payload)).toBeNull();
    expect(verifyTicketQrPayload(SECRET, payload.replace('st_1', 'st_2'))).toBeNull();
    expect(verifyTicketQrPayload(SECRET, payload.slice(0, -1))).toBeNull();
    expect(verifyTicketQrPayload(SECRET, `SR2${payload.slice(3)}`)).toBeNull();
  });

  it('draws the QR code as an SVG data URL', async () => {
    const url = await qrDataUrl(ticketQrPayload(SECRET, 'ABCDEFGHJKMN', 'st_1'));
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    expect(Buffer.from(url.split(',')[1]!, 'base64').toString()).toContain('<svg');
  });
});
