import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The development mail catcher's store on disk (DEV_MAIL_DIR): one JSON file per caught message, written by
 * catcher.ts in the `npm start` process and read by the web node's `/dev/mail` page (http/dev-mail.ts). Files
 * rather than memory because the catcher and the web node are different processes.
 */
export interface CaughtMail {
  id: string;
  /** ISO time it arrived. */
  at: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** The HTML part, when there was one. */
  html: string | null;
  messageId: string | null;
  /** Attachments (the tickets PDF); `content` only in memory (tests), never in the folder. */
  attachments?: Array<{ filename: string; contentType: string; size: number; content?: Buffer }>;
}

const KEEP = 200;

/** Stores one caught message and drops the oldest beyond the newest `KEEP`. */
export function storeCaughtMail(dir: string, mail: CaughtMail): void {
  mkdirSync(dir, { recursive: true });
  const attachments = mail.attachments?.map(({ filename, contentType, size }) => ({
    filename,
    contentType,
    size,
  }));
  writeFileSync(join(dir, `${mail.id}.json`), JSON.stringify({ ...mail, attachments }));
}

/** The newest caught messages first (at most `limit`); an empty list when the folder does not exist yet. */
export function readCaughtMail(dir: string, limit = 100): CaughtMail[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  // Ids start with a zero-padded arrival time, so names sort by arrival.
  names.sort().reverse();
  const out: CaughtMail[] = [];
  for (const name of names.slice(0, Math.min(limit, KEEP))) {
    try {
      out.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as CaughtMail);
    } catch {
      // A file being written right now: skip it this time.
    }
  }
  return out;
}
