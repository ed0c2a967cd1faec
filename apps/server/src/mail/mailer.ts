import nodemailer, { type Transporter } from 'nodemailer';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';

/**
 * Outgoing mail over SMTP (nodemailer), built once per process and shared by everything that sends mail: the
 * one-time codes of verified buyers (application/buyers/) and, later, tickets by e-mail. A message is a plain-text
 * body plus a simple HTML twin (templates.ts). Where SMTP goes is configuration (SMTP_URL, MAIL_FROM): in
 * development `npm start` runs a catcher (catcher.ts) and shows what it caught at `/dev/mail`.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID (`<id@host>`), so a retried send is recognisable; nodemailer makes one otherwise. */
  messageId?: string;
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export interface Mailer {
  /**
   * Hands the message to the SMTP server. Rejects with `unavailable` (503) when no SMTP server is configured or
   * the server could not be reached or refused the message; the cause is logged, not shown.
   */
  send(message: MailMessage): Promise<{ messageId: string }>;
  /** Closes pooled connections (at shutdown). */
  close(): void;
}

export function createMailer(deps: { smtpUrl: string | undefined; from: string; logger: Logger }): Mailer {
  const log = deps.logger.child({ module: 'mail' });
  let transport: Transporter | null = null;
  if (deps.smtpUrl) {
    transport = nodemailer.createTransport(deps.smtpUrl);
  }

  return {
    async send(message) {
      if (!transport) {
        log.warn({ subject: message.subject }, 'no SMTP_URL configured: mail not sent');
        throw new DomainError('unavailable', 'E-mail cannot be sent from this installation right now.');
      }
      try {
        const info = (await transport.sendMail({
          from: deps.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(message.messageId ? { messageId: message.messageId } : {}),
          ...(message.attachments ? { attachments: message.attachments } : {}),
        })) as { messageId: string };
        return { messageId: info.messageId };
      } catch (err) {
        // The address is the buyer's: log the failure, not the recipient.
        log.error({ err, subject: message.subject }, 'sending mail failed');
        throw new DomainError('unavailable', 'The e-mail could not be sent. Try again in a moment.');
      }
    },
    close() {
      transport?.close();
    },
  };
}
