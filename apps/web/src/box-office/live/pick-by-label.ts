import { BLOCKED, FREE, stateName, type StateName } from '../../seatmap/states.ts';

/** What "Select seats by label" found in what staff typed. */
export interface LabelPick {
  /** Seats to select: free or blocked (what the desk's actions work on). */
  selectable: number[];
  /** Words that name no seat of this venue, as typed. */
  unknown: string[];
  /** Seats that exist but cannot be selected now, with their state. */
  skipped: Array<{ label: string; state: StateName }>;
}

/**
 * Reads a list of seat labels (separated by commas or spaces, in any letter case) against a venue's labels and
 * the seats' live states. Labels are matched ignoring case, so "stalls-a-3" finds STALLS-A-3.
 */
export function pickByLabel(
  text: string,
  labels: readonly string[],
  states: ArrayLike<number>,
  index: ReadonlyMap<string, number> = labelIndex(labels),
): LabelPick {
  const pick: LabelPick = { selectable: [], unknown: [], skipped: [] };
  for (const word of text.split(/[\s,;]+/).filter(Boolean)) {
    const i = index.get(word.toUpperCase());
    if (i === undefined) pick.unknown.push(word);
    else if (states[i] === FREE || states[i] === BLOCKED) pick.selectable.push(i);
    else pick.skipped.push({ label: labels[i]!, state: stateName(states[i] ?? 9) });
  }
  return pick;
}

/** The venue's labels upper-cased, for a case-insensitive look-up (build once per venue). */
export function labelIndex(labels: readonly string[]): Map<string, number> {
  return new Map(labels.map((l, i) => [l.toUpperCase(), i]));
}
