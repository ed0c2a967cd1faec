/**
 * Small icons drawn inline (SVG, `currentColor`), for places where a Unicode symbol would depend on the viewer's
 * fonts: Debian's Chromium has no emoji font, so ⏸ and ⏳ showed as empty boxes (issue 17).
 */
export type IconName = 'pause' | 'hourglass' | 'clock' | 'reconnect' | 'stop' | 'cross';

const paths: Record<IconName, string> = {
  pause: 'M6 4h4v16H6zM14 4h4v16h-4z',
  hourglass: 'M6 2h12v2l-4.5 8L18 20v2H6v-2l4.5-8L6 4zm3 2 3 5.5L15 4z',
  clock:
    'M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm0 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm-1 3h2v5.6l3.7 2.1-1 1.7L11 13.7z',
  reconnect: 'M12 4a8 8 0 0 1 7.7 6H22l-3.5 4-3.5-4h2.6A6 6 0 1 0 18 15.4l1.5 1.3A8 8 0 1 1 12 4z',
  stop: 'M6 6h12v12H6z',
  cross: 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z',
};

export function Icon({ name, size = 20 }: { name: IconName; size?: number }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="currentColor"
      aria-hidden="true"
      focusable="false"
      data-icon={name}
    >
      <path d={paths[name]} />
    </svg>
  );
}
