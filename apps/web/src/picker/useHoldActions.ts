import { useRef, type Dispatch, type RefObject } from 'react';
import {
  ApiError,
  createHold,
  forgetHold,
  getStoredEmail,
  messageFor,
  newIdempotencyKey,
  releaseHold,
  saveHold,
  type HoldRequest,
  type StoredHold,
} from '../api/index.ts';
import type { NoticeTone } from '../components/Status.tsx';
import { formatCountdownWords, serverNow } from '../lib/time.ts';
import { refreshSocketIdentity } from '../realtime/index.ts';
import type { SeatStore } from '../seatmap/store.ts';
import { heldText, type Namers } from './hold-text.ts';
import type { PendingHold, PickerAction, PickerMessage } from './picker-state.ts';

export type Say = (
  tone: NoticeTone,
  text: string,
  about?: Pick<PickerMessage, 'holdId' | 'whileSale'>,
) => void;

/** Errors after which the map may be behind the server: ask the feed for fresh data. */
const RESYNC_AFTER = ['seat_unavailable', 'sold_out', 'sale_not_open', 'limit_exceeded', 'no_adjacent_seats'];

export interface HoldActions {
  /** Holds seats, best available or a GA quantity; asks for the e-mail (or proof of it) first when needed. */
  hold: (body: HoldRequest) => Promise<void>;
  /** Cancels one of my holds; its seats go back on sale. */
  cancel: (h: StoredHold) => Promise<void>;
  /** The e-mail dialog's answer (null: cancelled) for the hold waiting on it. */
  emailAnswered: (pending: PendingHold | null, email: string | null) => void;
  /** The verification dialog's answer for the hold waiting on it. */
  verificationAnswered: (pending: PendingHold | null, verified: boolean) => void;
}

/**
 * The picker's requests. Each step is a reducer action (busy, a message, a dialog to ask something), so the
 * picker's state says at any moment what is under way; nothing waits on a dialog inside a promise.
 */
export function useHoldActions({
  store,
  dispatch,
  say,
  resync,
  releasing,
  namers,
}: {
  store: SeatStore;
  dispatch: Dispatch<PickerAction>;
  say: Say;
  resync: () => void;
  releasing: RefObject<Set<string>>;
  namers: Namers;
}): HoldActions {
  /** Kept across a network failure so "try again" re-sends the same Idempotency-Key. */
  const retryKey = useRef<{ body: string; key: string } | null>(null);
  const model = store.model;
  const showtimeId = store.mirror.showtimeId;

  const hold = async (body: HoldRequest): Promise<void> => {
    dispatch({ type: 'say', message: null });
    // Without a known e-mail the hold waits in the picker's state until the e-mail dialog answers.
    if (!getStoredEmail()) {
      dispatch({ type: 'ask-email', pending: body });
      return;
    }
    const bodyKey = JSON.stringify(body);
    const key = retryKey.current?.body === bodyKey ? retryKey.current.key : newIdempotencyKey();
    retryKey.current = { body: bodyKey, key };
    dispatch({ type: 'busy', busy: true });
    try {
      const h = await createHold(showtimeId, body, key);
      retryKey.current = null;
      saveHold(h);
      if (body.seats) store.clearSelection();
      const left = formatCountdownWords(Date.parse(h.expiresAt) - serverNow());
      say('success', `${heldText(body, h, namers)} held for you. Pay within ${left}.`, { holdId: h.holdId });
      // Seats the server picked: show where they are (they are drawn as mine once the hold is saved).
      if (body.best) {
        const first = h.items.find((it) => it.kind === 'seat');
        if (first?.kind === 'seat') dispatch({ type: 'focus', seat: model.byLabel.get(first.seat) });
      }
      resync();
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'network') retryKey.current = null;
      // A sale for verified buyers: the hold waits until the buyer has proved the e-mail (or gave up).
      if (err instanceof ApiError && err.code === 'verification_required') {
        dispatch({ type: 'ask-verification', pending: body });
        return;
      }
      // A sale with a waiting room: take the buyer to the line (docs/waiting-room.md).
      if (err instanceof ApiError && err.code.startsWith('admission_')) {
        window.location.assign(`/showtimes/${encodeURIComponent(showtimeId)}/queue`);
        return;
      }
      if (err instanceof ApiError && err.code === 'seat_unavailable') {
        const gone = err.seats.map((l) => model.byLabel.get(l)).filter((i) => i !== undefined);
        store.setSelected(gone, false);
      }
      say('error', messageFor(err, namers.seatText));
      if (err instanceof ApiError && RESYNC_AFTER.includes(err.code)) resync();
    } finally {
      dispatch({ type: 'busy', busy: false });
    }
  };

  const cancel = async (h: StoredHold): Promise<void> => {
    dispatch({ type: 'busy', busy: true });
    releasing.current.add(h.holdId);
    try {
      await releaseHold(h.holdId, h.holdToken);
    } catch (err) {
      const gone = err instanceof ApiError && ['hold_not_found', 'hold_expired'].includes(err.code);
      if (!gone) {
        say('error', messageFor(err));
        dispatch({ type: 'busy', busy: false });
        return;
      }
    }
    forgetHold(h.holdId);
    dispatch({ type: 'busy', busy: false });
    say('success', 'Reservation cancelled. The seats are back on sale.');
    resync();
  };

  const emailAnswered = (pending: PendingHold | null, email: string | null) => {
    dispatch({ type: 'email-answered' });
    if (email === null || !pending) return;
    refreshSocketIdentity();
    void hold(pending);
  };

  const verificationAnswered = (pending: PendingHold | null, verified: boolean) => {
    dispatch({ type: 'verification-answered' });
    if (!pending) return;
    if (verified) void hold(pending);
    else say('error', messageFor(new ApiError('verification_required', 403)));
  };

  return { hold, cancel, emailAnswered, verificationAnswered };
}
