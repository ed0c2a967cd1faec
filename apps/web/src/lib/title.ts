import { useEffect } from 'react';

/** Sets the document title ("Page — Seatrush"): the first thing a screen reader says on navigation. */
export function useTitle(title: string | null): void {
  useEffect(() => {
    if (title) document.title = `${title} — Seatrush`;
  }, [title]);
}
