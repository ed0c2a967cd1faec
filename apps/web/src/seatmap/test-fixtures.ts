import type { SeatMapDocument, ShowtimeSnapshot } from '@seatrush/shared';

/** Test fixtures shared by the seat-map tests. */
export const small: SeatMapDocument = {
  name: 'Small',
  slug: 'small',
  categories: [{ key: 'std', name: 'Standard', color: '#1d4ed8' }],
  sections: [
    {
      key: 'A',
      name: 'Stalls',
      rows: [
        {
          label: '1',
          seats: [
            { number: 1, x: 10, y: 0, category: 'std', wheelchair: true },
            { number: 2, x: 20, y: 0, category: 'std', companion: true },
            { number: 3, x: 30, y: 0, category: 'std' },
          ],
        },
      ],
    },
  ],
  gaZones: [],
};

export function snapshot(
  version: number,
  seatStates: string,
  seatLabels = ['A-1-1', 'A-1-2', 'A-1-3'],
): ShowtimeSnapshot {
  return {
    showtimeId: 'st',
    version,
    state: 'on_sale',
    seatLabels,
    labelsKey: seatLabels.join('|'),
    seatStates,
    zones: {},
    categories: {},
  };
}
