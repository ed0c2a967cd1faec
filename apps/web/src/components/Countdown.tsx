import { useEffect, useRef } from 'react';
import { useNow } from '../lib/hooks.ts';
import { formatCountdown, formatCountdownWords } from '../lib/time.ts';
import { useAnnounce } from './Announcer.tsx';

/**
 * A ticking countdown to `until`. The visible digits are hidden from screen readers (they'd be read every
 * second); a text alternative is given, and `warnAt` thresholds are announced once each.
 */
export function Countdown({
  until,
  label,
  onDone,
  warnAt = [],
  className = '',
}: {
  until: string | number;
  label: string;
  onDone?: () => void;
  warnAt?: number[];
  className?: string;
}) {
  const now = useNow(500);
  const end = typeof until === 'number' ? until : Date.parse(until);
  const left = end - now;
  const announce = useAnnounce();
  const warned = useRef(new Set<number>());
  const done = useRef(false);

  useEffect(() => {
    for (const t of warnAt) {
      if (left <= t && left > 0 && !warned.current.has(t)) {
        warned.current.add(t);
        announce(`${label}: ${formatCountdownWords(left)} left.`);
      }
    }
    if (left <= 0 && !done.current) {
      done.current = true;
      onDone?.();
    }
  }, [left, warnAt, label, announce, onDone]);

  const urgent = left > 0 && left <= 60_000;
  return (
    <span className={`countdown ${urgent ? 'countdown-urgent' : ''} ${className}`}>
      <span className="sr-only">
        {label}: {formatCountdownWords(left)} left
      </span>
      <span aria-hidden="true" className="countdown-digits">
        {formatCountdown(left)}
      </span>
    </span>
  );
}
