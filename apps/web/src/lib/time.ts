/**
 * Server clock offset, learned from the `Date` header of API responses, so a countdown to `expiresAt`
 * is right even when this device's clock is not. Only skews above 2 s are applied: the header has 1 s
 * resolution and we don't want countdowns to jitter.
 */
let offsetMs = 0;

export function noteServerDate(header: string | null, receivedAt = Date.now()): void {
  if (!header) return;
  const server = Date.parse(header);
  if (Number.isNaN(server)) return;
  const skew = server - receivedAt;
  offsetMs = Math.abs(skew) > 2000 ? skew : 0;
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Compact countdown: "4:07" under an hour, "1:02:03" under a day, "3d 04:05:06" beyond.
 * Rounds up to the whole second, so "0:00" appears only when time is really up.
 */
export function formatCountdown(ms: number): string {
  if (!(ms > 0)) return '0:00';
  const total = Math.ceil(ms / 1000);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}d ${pad(h)}:${pad(m)}:${pad(s)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
  return `${m}:${pad(s)}`;
}

/** The same duration in words, for screen readers: "4 minutes 7 seconds". */
export function formatCountdownWords(ms: number): string {
  if (!(ms > 0)) return '0 seconds';
  const total = Math.ceil(ms / 1000);
  const parts: Array<[number, string]> = [
    [Math.floor(total / 86400), 'day'],
    [Math.floor((total % 86400) / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ];
  const words = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return words.slice(0, 2).join(' ');
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatDay(iso: string): { weekday: string; day: string; month: string; time: string } {
  const d = new Date(iso);
  return {
    weekday: new Intl.DateTimeFormat('en', { weekday: 'short' }).format(d),
    day: new Intl.DateTimeFormat('en', { day: 'numeric' }).format(d),
    month: new Intl.DateTimeFormat('en', { month: 'short' }).format(d),
    time: new Intl.DateTimeFormat('en', { timeStyle: 'short' }).format(d),
  };
}
