import {
  ShowtimeMirror,
  type CategoryCounts,
  type SaleStateName,
  type SeatsChanged,
  type ShowtimeSnapshot,
  type ShowtimeSync,
  type ZoneCounts,
} from '@seatrush/shared';
import type { SeatMapModel } from './model.ts';
import { decodeInto, FREE, labelPermutation, UNKNOWN, V_MINE, V_SELECTED } from './states.ts';

export type SeatListener = (changed: readonly number[]) => void;
export type DeltaOutcome = ReturnType<ShowtimeMirror['applyDelta']>;

/**
 * Live seat states of one showtime, in the seat map's own order, plus my overlays (selected, held by me).
 * Versioning and gap detection are the shared `ShowtimeMirror`'s; this class turns what it accepts into
 * "which seats changed", so the canvas repaints only those. React listens to `revision`
 * (useSyncExternalStore) for counts and lists.
 */
export class SeatStore {
  readonly mirror: ShowtimeMirror;
  readonly states: Uint8Array;
  readonly selected: Uint8Array;
  readonly mine: Uint8Array;
  revision = 0;
  private permLabels: readonly string[] | null = null;
  /** Server seat index (seatLabels order) → model index, or -1. */
  private perm: Int32Array = new Int32Array(0);
  private readonly seatListeners = new Set<SeatListener>();
  private readonly listeners = new Set<() => void>();
  private readonly takenListeners = new Set<(seats: number[]) => void>();

  constructor(
    readonly model: SeatMapModel,
    showtimeId = 'local',
  ) {
    this.mirror = new ShowtimeMirror(showtimeId);
    this.states = new Uint8Array(model.count).fill(UNKNOWN);
    this.selected = new Uint8Array(model.count);
    this.mine = new Uint8Array(model.count);
  }

  get version(): number | null {
    return this.mirror.version;
  }
  get zones(): Record<string, ZoneCounts> {
    return this.mirror.zones;
  }
  get categories(): Record<string, CategoryCounts> {
    return this.mirror.categories;
  }
  get saleState(): SaleStateName | null {
    return this.mirror.version === null ? null : this.mirror.state;
  }

  /** The label list we have, to send as `labelsKey` so the server can leave the labels out. */
  get labelsKey(): string | null {
    return this.mirror.seatLabels.length ? this.mirror.labelsKey : null;
  }

  /** A join/resync was sent: deltas arriving meanwhile are buffered by the mirror until its answer. */
  expectSync(): void {
    this.mirror.expectSync();
  }

  /**
   * Applies the answer of a join/resync (a snapshot — the server's word even if older — or the deltas since our
   * version), plus any deltas buffered meanwhile. Only seats whose state differs are repainted. `gap`: the
   * caller must resync again.
   */
  applySync(sync: ShowtimeSync): 'applied' | 'gap' {
    const outcome = this.mirror.applySync(sync);
    this.syncPermutation();
    const changed: number[] = [];
    decodeInto(this.mirror.seatStates, this.perm, this.states, changed);
    this.afterChange(changed);
    return outcome;
  }

  /** A bare snapshot; also accepts a whole sync answer, so it can be passed straight as a feed's `onSync`. */
  applySnapshot(snapshot: ShowtimeSnapshot | ShowtimeSync): 'applied' | 'gap' {
    return this.applySync('kind' in snapshot ? snapshot : { kind: 'snapshot', snapshot, myHolds: [] });
  }

  /** Applies a pushed delta; `gap` means the caller must resync from `version`. */
  applyDelta(delta: SeatsChanged): DeltaOutcome {
    const outcome = this.mirror.applyDelta(delta);
    if (outcome !== 'applied') return outcome;
    const changed: number[] = [];
    const pairs = delta.changes.seats;
    for (let k = 0; k + 1 < pairs.length; k += 2) {
      const i = this.perm[pairs[k]!] ?? -1;
      if (i < 0) continue;
      const v = pairs[k + 1]!;
      if (this.states[i] !== v) {
        this.states[i] = v;
        changed.push(i);
      }
    }
    this.afterChange(changed);
    return outcome;
  }

  private syncPermutation(): void {
    const labels = this.mirror.seatLabels;
    if (this.permLabels !== labels) {
      this.perm = labelPermutation(this.model.byLabel, labels);
      this.permLabels = labels;
    }
  }

  /** Local-only change of seat states (the bench page; never used with a server feed). */
  setStates(indices: readonly number[], state: number): void {
    const changed: number[] = [];
    for (const i of indices) {
      if (this.states[i] !== state) {
        this.states[i] = state;
        changed.push(i);
      }
    }
    this.afterChange(changed);
  }

  private afterChange(changed: number[]): void {
    const taken: number[] = [];
    for (const i of changed) {
      if (this.selected[i] && this.states[i] !== FREE) {
        this.selected[i] = 0;
        taken.push(i);
      }
    }
    if (taken.length) for (const l of this.takenListeners) l(taken);
    this.emitSeats(changed);
    this.bump();
  }

  isSelectable(i: number): boolean {
    return this.states[i] === FREE && !this.mine[i];
  }

  toggleSelected(i: number): boolean {
    if (!this.selected[i] && !this.isSelectable(i)) return false;
    this.selected[i] = this.selected[i] ? 0 : 1;
    this.emitSeats([i]);
    this.bump();
    return true;
  }

  setSelected(indices: readonly number[], on: boolean): void {
    const changed: number[] = [];
    for (const i of indices) {
      const v = on ? 1 : 0;
      if (this.selected[i] !== v) {
        this.selected[i] = v;
        changed.push(i);
      }
    }
    this.emitSeats(changed);
    this.bump();
  }

  clearSelection(): void {
    this.setSelected(this.selectedList(), false);
  }

  selectedList(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.selected.length; i++) if (this.selected[i]) out.push(i);
    return out;
  }

  /** Marks exactly these seats as held by me. */
  setMine(indices: readonly number[]): void {
    const want = new Uint8Array(this.mine.length);
    for (const i of indices) want[i] = 1;
    const changed: number[] = [];
    for (let i = 0; i < this.mine.length; i++) {
      if (this.mine[i] !== want[i]) {
        this.mine[i] = want[i]!;
        if (want[i]) this.selected[i] = 0;
        changed.push(i);
      }
    }
    if (changed.length === 0) return;
    this.emitSeats(changed);
    this.bump();
  }

  /** What the seat looks like: a V_* code. */
  visual(i: number): number {
    if (this.mine[i]) return V_MINE;
    if (this.selected[i]) return V_SELECTED;
    return this.states[i]! <= 3 ? this.states[i]! : 6;
  }

  /** Told about seats I had selected that someone else took (they are deselected first). */
  onTaken(listener: (seats: number[]) => void): () => void {
    this.takenListeners.add(listener);
    return () => this.takenListeners.delete(listener);
  }

  onSeats(listener: SeatListener): () => void {
    this.seatListeners.add(listener);
    return () => this.seatListeners.delete(listener);
  }

  private emitSeats(changed: readonly number[]): void {
    if (changed.length === 0) return;
    for (const l of this.seatListeners) l(changed);
  }

  private bump(): void {
    this.revision++;
    for (const l of this.listeners) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getRevision = (): number => this.revision;
}
