import { request } from './http.ts';

/**
 * One-time codes from the development mail catcher that `npm start` runs: the web node lists caught mail at
 * `/dev/mail.json` (newest first, NODE_ENV=development only). A deployment with real mail cannot be rehearsed
 * with verification on.
 */

interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  at: string;
}

/** The newest code sent to `email` at or after `since` (ms epoch), from caught mail. */
export function codeFor(mails: readonly CaughtMail[], email: string, since: number): string | null {
  for (const m of mails) {
    if (!m.to.some((t) => t.toLowerCase().includes(email.toLowerCase()))) continue;
    if (Date.parse(m.at) < since - 2000) continue;
    const match = /\b(\d{6})\b/.exec(`${m.subject}\n${m.text}`);
    if (match) return match[1]!;
  }
  return null;
}

/** Polls `/dev/mail.json` until the code arrives (bounded). */
export async function waitForCode(
  base: string,
  email: string,
  since: number,
  timeoutMs = 20_000,
): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (let pause = 100; ; pause = Math.min(1000, pause * 2)) {
    const a = await request<{ data?: CaughtMail[] }>(base, '/dev/mail.json');
    if (a.status === 404) throw new Error('no /dev/mail.json: this server has no development mail catcher');
    const code = codeFor(a.body?.data ?? [], email, since);
    if (code) return code;
    if (Date.now() > end) throw new Error('no code arrived');
    await new Promise((r) => setTimeout(r, pause));
  }
}
