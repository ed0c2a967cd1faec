import { escapeHtml, htmlLayout, type MailContent } from './templates.ts';

/** What every order e-mail names: the order and its show, formatted for people. */
export interface OrderMailFacts {
  orderCode: string;
  eventName: string;
  /** The showtime, formatted. */
  showtime: string;
  venueName: string;
}

const showLine = (f: OrderMailFacts) => `${f.eventName}, ${f.showtime}, ${f.venueName}`;

/** The confirmation of a paid order; the tickets travel as the attached PDF. */
export function ticketsMail(f: OrderMailFacts, tickets: number, total: string): MailContent {
  const subject = `Your tickets: ${f.eventName} (order ${f.orderCode})`;
  const lines = [
    `Thank you: order ${f.orderCode} is paid.`,
    `${showLine(f)}.`,
    `${tickets} ticket${tickets === 1 ? '' : 's'}, ${total} in total. The tickets are in the attached PDF, one page each: show its QR code at the door.`,
  ];
  return {
    subject,
    text: lines.join('\n\n'),
    html: htmlLayout(subject, lines.map(escapeHtml)),
  };
}

/** A refund of some tickets (`partial`) or of the whole order. */
export function refundMail(f: OrderMailFacts, amount: string, partial: boolean): MailContent {
  const subject = `Refund for order ${f.orderCode}`;
  const lines = [
    partial
      ? `Some tickets of order ${f.orderCode} were refunded: ${amount} goes back to your payment method. Those tickets are no longer valid; the others stay valid.`
      : `Order ${f.orderCode} was refunded: ${amount} goes back to your payment method. Its tickets are no longer valid.`,
    `${showLine(f)}.`,
    'A refund can take a few days to appear on your statement.',
  ];
  return { subject, text: lines.join('\n\n'), html: htmlLayout(subject, lines.map(escapeHtml)) };
}

/** The payment window closed before the order was paid: the seats went back on sale. */
export function expiryMail(f: OrderMailFacts): MailContent {
  const subject = `Order ${f.orderCode} expired`;
  const lines = [
    `Order ${f.orderCode} was not paid in time, so its seats were released. Nothing was charged.`,
    `${showLine(f)}.`,
    'If you still want to go, pick seats again while the sale is open.',
  ];
  return { subject, text: lines.join('\n\n'), html: htmlLayout(subject, lines.map(escapeHtml)) };
}
