/**
 * The mail Seatrush sends, each as plain text plus a simple HTML twin (no images, no remote content, inline
 * styles only, every value escaped) — readable in any client and in the development catcher.
 */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Wraps paragraphs (already escaped HTML) in the one simple layout every message shares. */
export function htmlLayout(title: string, paragraphs: string[]): string {
  return [
    '<!doctype html><html><head><meta charset="utf-8"><title>',
    escapeHtml(title),
    '</title></head><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:32rem;margin:1rem auto">',
    ...paragraphs.map((p) => `<p>${p}</p>`),
    '<p style="color:#666;font-size:0.85em">Seatrush</p></body></html>',
  ].join('');
}

/** The one-time code that proves a buyer session's e-mail address. */
export function verificationCodeMail(code: string, minutes: number): MailContent {
  const subject = `Your Seatrush code: ${code}`;
  const text = [
    `Your code is ${code}`,
    '',
    `Enter it on the Seatrush page that asked for it. It works for ${minutes} minutes, once.`,
    'If you did not ask for it, ignore this e-mail: nobody can use your address without the code.',
  ].join('\n');
  const html = htmlLayout(subject, [
    `Your code is <strong style="font-size:1.6em;letter-spacing:0.15em">${escapeHtml(code)}</strong>`,
    `Enter it on the Seatrush page that asked for it. It works for ${minutes} minutes, once.`,
    'If you did not ask for it, ignore this e-mail: nobody can use your address without the code.',
  ]);
  return { subject, text, html };
}

export { escapeHtml };
