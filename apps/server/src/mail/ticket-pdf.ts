import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

/** One ticket as printed: every value already formatted for people, plus the signed QR payload. */
export interface TicketPage {
  eventName: string;
  /** The showtime, formatted (e.g. "Sat 12 Dec 2026, 20:00 UTC"). */
  showtime: string;
  venueName: string;
  /** "Seat A-12" or "Zone: Standing" */
  place: string;
  /** Formatted with the shared money helpers. */
  price: string;
  orderCode: string;
  ticketCode: string;
  /** What the QR code encodes (`SR1.<ticket>.<showtime>.<signature>`, orders/codes.ts). */
  qrPayload: string;
}

/**
 * The tickets of an order as one PDF, one A4 page per ticket, with the signed QR code as a PNG image large
 * enough for a door scanner reading it from a phone or from paper. Built with pdfkit's standard fonts (no files to
 * ship); the QR code (error correction M, quiet zone 4 modules) comes from `qrcode`, the same library as the page.
 */
export async function renderTicketsPdf(tickets: TicketPage[]): Promise<Buffer> {
  const qrs = await Promise.all(
    tickets.map((t) =>
      QRCode.toBuffer(t.qrPayload, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 }),
    ),
  );
  const doc = new PDFDocument({
    size: 'A4',
    autoFirstPage: false,
    margin: 56,
    info: { Title: `Tickets ${tickets[0]?.orderCode ?? ''}`.trim(), Creator: 'Seatrush' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  tickets.forEach((t, i) => {
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(22).text(t.eventName);
    doc.moveDown(0.4);
    doc.font('Helvetica').fontSize(13).text(t.showtime).text(t.venueName);
    doc.moveDown(0.8);
    doc.font('Helvetica-Bold').fontSize(16).text(t.place);
    doc.font('Helvetica').fontSize(13).text(`Price: ${t.price}`);
    doc.moveDown(0.8);
    doc.fontSize(11).text(`Order ${t.orderCode}`).text(`Ticket ${t.ticketCode}`);
    doc.text(`Ticket ${i + 1} of ${tickets.length}`);
    const size = 260;
    const x = (doc.page.width - size) / 2;
    doc.image(qrs[i]!, x, 360, { width: size, height: size });
    doc
      .fontSize(9)
      .fillColor('#555')
      .text('Show this code at the door. Each ticket admits one person, once.', 56, 360 + size + 16, {
        align: 'center',
      })
      .fillColor('#000');
  });
  doc.end();
  return done;
}
