import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { storeCaughtMail, type CaughtMail } from './dev-mailbox.ts';

/**
 * A real SMTP server in-process that accepts every message and keeps it: `npm start` runs one when SMTP_URL is not
 * given (scripts/stack.ts; caught mail is shown at `/dev/mail`), and integration tests run one to read what the
 * server sent. Loopback only, no authentication, no TLS: a development and test tool (smtp-server + mailparser
 * are development dependencies).
 */
export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`: pass as SMTP_URL. */
  url: string;
  port: number;
  /** Caught messages, oldest first. */
  messages(): CaughtMail[];
  /** Resolves with the first caught message (now or later) that `match` accepts. */
  next(match: (m: CaughtMail) => boolean): Promise<CaughtMail>;
  close(): Promise<void>;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? '')).filter(Boolean);

export async function startMailCatcher(opts: { port?: number; dir?: string } = {}): Promise<MailCatcher> {
  const caught: CaughtMail[] = [];
  const waiters = new Set<{ match: (m: CaughtMail) => boolean; resolve: (m: CaughtMail) => void }>();
  let n = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    banner: 'Seatrush development mail catcher',
    size: 10 * 1024 * 1024,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const mail: CaughtMail = {
            id: `${Date.now().toString().padStart(15, '0')}-${(n++).toString().padStart(6, '0')}-${randomBytes(3).toString('hex')}`,
            at: new Date().toISOString(),
            from: addresses(parsed.from)[0] ?? '',
            to: addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html || null,
            messageId: parsed.messageId ?? null,
            attachments: parsed.attachments.map((a) => ({
              filename: a.filename ?? '',
              contentType: a.contentType,
              size: a.size,
              content: a.content,
            })),
          };
          caught.push(mail);
          if (caught.length > 1000) caught.shift();
          if (opts.dir) storeCaughtMail(opts.dir, mail);
          for (const w of waiters)
            if (w.match(mail)) {
              waiters.delete(w);
              w.resolve(mail);
            }
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages: () => [...caught],
    next(match) {
      const found = caught.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.add({ match, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
