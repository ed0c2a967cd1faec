import type express from 'express';
import type { Config } from '../config/index.ts';
import { readCaughtMail } from '../mail/dev-mailbox.ts';
import { escapeHtml } from '../mail/templates.ts';

/**
 * `GET /dev/mail` (a page) and `GET /dev/mail.json`: the mail `npm start`'s catcher caught (scripts/stack.ts), for
 * reading one-time codes and tickets while developing. Mounted only when `config.devMailDir` is set, which
 * config/ allows only with NODE_ENV=development (production refuses DEV_MAIL_DIR), so the page cannot exist in
 * production. It is not in the route table (no OpenAPI): it is not part of the API.
 */
export function devMailMount(
  config: Pick<Config, 'env' | 'devMailDir'>,
): ((app: express.Express) => void) | null {
  const dir = config.devMailDir;
  if (config.env !== 'development' || !dir) return null;
  return (app) => {
    app.get('/dev/mail.json', (_req, res) => {
      res.setHeader('cache-control', 'no-store');
      res.json({ ok: true, data: readCaughtMail(dir) });
    });
    app.get('/dev/mail', (_req, res) => {
      const mails = readCaughtMail(dir);
      const items = mails.map(
        (m) =>
          `<article><h2>${escapeHtml(m.subject)}</h2><p><small>${escapeHtml(m.at)} · to ${escapeHtml(m.to.join(', '))} · from ${escapeHtml(m.from)}</small></p><pre>${escapeHtml(m.text)}</pre></article>`,
      );
      res.setHeader('cache-control', 'no-store');
      res
        .type('html')
        .send(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Caught mail (development)</title><style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem}article{border-top:1px solid #ccc}pre{white-space:pre-wrap}</style></head><body><h1>Caught mail (development only)</h1><p>${mails.length ? `${mails.length} message(s), newest first. Reload for new mail.` : 'No mail caught yet.'}</p>${items.join('')}</body></html>`,
        );
    });
  };
}
