/**
 * How people read a seat. Seat labels (`STALLS-A-20`) are the API's and the inventory's names; buyers see what
 * the map says: "Stalls, row A, seat 20". One formatter, used by the web app (map, reservations, checkout, order
 * page) and the server (e-mails and the tickets PDF).
 */

/** The parts of a seat label: section key, row label, seat number (no part contains a dash; see seatmap.ts). */
export function parseSeatLabel(label: string): { section: string; row: string; number: string } | null {
  const parts = label.split('-');
  if (parts.length !== 3 || parts.some((p) => p === '')) return null;
  const [section, row, number] = parts as [string, string, string];
  return { section, row, number };
}

/** "Stalls, row A, seat 20" from a section's name, a row label and a seat number. */
export function formatSeatName(sectionName: string, row: string, number: string | number): string {
  return `${sectionName}, row ${row}, seat ${String(number)}`;
}

/**
 * A seat label as buyers read it, with the section's name from the venue (`sectionName` returns undefined for a
 * key it does not know: the key is shown instead). Anything that is not a seat label comes back unchanged.
 */
export function seatName(
  label: string,
  sectionName: (key: string) => string | undefined = () => undefined,
): string {
  const p = parseSeatLabel(label);
  return p ? formatSeatName(sectionName(p.section) ?? p.section, p.row, p.number) : label;
}

/** `sectionName` for `seatName` from a list of sections (`{ key, name }`). */
export function sectionNamesOf(
  sections: ReadonlyArray<{ key: string; name: string }>,
): (key: string) => string | undefined {
  const names = new Map(sections.map((s) => [s.key, s.name]));
  return (key) => names.get(key);
}
