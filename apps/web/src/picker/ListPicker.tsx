import { useId, useState } from 'react';
import { FLAG_COMPANION, FLAG_WHEELCHAIR } from '../seatmap/model.ts';
import { FREE } from '../seatmap/states.ts';
import type { SeatStore } from '../seatmap/store.ts';
import { seatSentence, type PriceInfo } from './seat-text.ts';

/**
 * Section → row → seat with native selects and buttons: the same choices as the canvas, for screen-reader
 * and keyboard users (and anyone who prefers a list). Focusing a seat highlights it on the map.
 */
export function ListPicker({
  store,
  priceInfo,
  onSeat,
  onFocusSeat,
}: {
  store: SeatStore;
  priceInfo: PriceInfo;
  onSeat: (i: number) => void;
  onFocusSeat: (i: number | undefined) => void;
}) {
  const m = store.model;
  const [sectionIdx, setSectionIdx] = useState(0);
  const section = m.sections[sectionIdx] ?? m.sections[0];
  const [rowIdx, setRowIdx] = useState<number>(section?.rows[0] ?? 0);
  const sectionId = useId();
  const rowId = useId();
  if (!section) return null;
  const rowInSection = section.rows.includes(rowIdx) ? rowIdx : section.rows[0]!;
  const row = m.rows[rowInSection]!;

  const freeIn = (seats: readonly number[]) =>
    seats.reduce((n, i) => n + (store.states[i] === FREE ? 1 : 0), 0);
  const sectionFree = (si: number) => m.sections[si]!.rows.reduce((n, r) => n + freeIn(m.rows[r]!.seats), 0);

  return (
    <div className="list-picker">
      <div className="list-picker-selects">
        <div className="field">
          <label htmlFor={sectionId} className="field-label">
            Section
          </label>
          <select
            id={sectionId}
            value={sectionIdx}
            onChange={(e) => {
              const si = Number(e.target.value);
              setSectionIdx(si);
              setRowIdx(m.sections[si]!.rows[0]!);
            }}
          >
            {m.sections.map((s, si) => (
              <option key={s.key} value={si}>
                {s.name} — {sectionFree(si)} available
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={rowId} className="field-label">
            Row
          </label>
          <select id={rowId} value={rowInSection} onChange={(e) => setRowIdx(Number(e.target.value))}>
            {section.rows.map((r) => (
              <option key={r} value={r}>
                Row {m.rows[r]!.label} — {freeIn(m.rows[r]!.seats)} available
              </option>
            ))}
          </select>
        </div>
      </div>
      <ul className="seat-buttons" aria-label={`Seats in ${section.name}, row ${row.label}`}>
        {row.seats.map((i) => {
          const selectable = store.isSelectable(i) || store.selected[i] === 1;
          const f = m.flags[i]!;
          const kind = store.mine[i]
            ? 'mine'
            : store.selected[i]
              ? 'selected'
              : (['free', 'held', 'sold', 'blocked'][store.states[i]!] ?? 'unknown');
          const color = m.categories[m.cat[i]!]?.color;
          return (
            <li key={i}>
              <button
                type="button"
                className={`seat-button seat-${kind}`}
                style={kind === 'free' || kind === 'selected' ? { borderColor: color } : undefined}
                aria-pressed={store.selected[i] === 1}
                aria-disabled={!selectable || undefined}
                aria-label={seatSentence(store, i, priceInfo)}
                onClick={() => onSeat(i)}
                onFocus={() => onFocusSeat(i)}
                onBlur={() => onFocusSeat(undefined)}
                data-seat={m.labels[i]}
              >
                {f & FLAG_WHEELCHAIR ? '♿' : f & FLAG_COMPANION ? 'C' : ''}
                {m.numbers[i]}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
