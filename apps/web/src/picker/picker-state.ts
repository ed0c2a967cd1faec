import type { SaleStateName } from '@seatrush/shared';
import type { ApiError, HoldRequest, MyHold, StoredHold } from '../api/index.ts';
import type { NoticeTone } from '../components/Status.tsx';
import type { ConnectionStatus } from '../realtime/index.ts';

export interface PickerMessage {
  tone: NoticeTone;
  text: string;
  /** A message about this hold ("… held for you"): it goes when the hold ends. */
  holdId?: string;
  /** A message about the sale's state ("Sales are paused…"): shown only while the sale is in that state. */
  whileSale?: SaleStateName;
}

/** A hold that ended without this tab asking: the dialog says why and what it held. */
export interface Ended {
  reason: 'expired' | 'released';
  hold: StoredHold | null;
}

/**
 * A hold waiting for an answer from the buyer: their e-mail (asked once per browser, before the first hold) or
 * proof of it (a sale for verified buyers). Plain data — the request to send once answered — never a callback
 * or a promise's resolver: the dialog's answer is an action like any other.
 */
export type PendingHold = HoldRequest;

/**
 * Everything the seat picker shows besides the seats themselves (those live in the SeatStore, fed by the
 * socket). One reducer, so each state — connecting, live, reconnecting, feed refused, busy, asking for an
 * e-mail, a message, a hold ended — is a named transition rather than a setter called from a dozen places.
 */
export interface PickerState {
  connection: ConnectionStatus;
  feedError: ApiError | null;
  /** Holds the server knows for this buyer session (including ones made in other tabs). */
  serverHolds: MyHold[];
  ended: Ended | null;
  message: PickerMessage | null;
  /** A hold or release request is in flight. */
  busy: boolean;
  focusSeat: number | undefined;
  askingEmail: PendingHold | null;
  askingVerification: PendingHold | null;
}

export type PickerAction =
  | { type: 'connection'; status: ConnectionStatus; error: ApiError | null }
  | { type: 'server-holds'; holds: MyHold[] }
  /** The server says a hold ended; `hold` is what this tab had stored of it (null if nothing). */
  /** `silent`: this tab released it itself and already said so. */
  | { type: 'hold-ended'; holdId: string; reason: Ended['reason']; hold: StoredHold | null; silent?: boolean }
  /** This tab's clock ran a hold out (the server's expiry job is not the only guard). */
  | { type: 'hold-expired'; hold: StoredHold }
  | { type: 'dismiss-ended' }
  | { type: 'say'; message: PickerMessage | null }
  | { type: 'busy'; busy: boolean }
  | { type: 'focus'; seat: number | undefined }
  | { type: 'ask-email'; pending: PendingHold }
  | { type: 'email-answered' }
  | { type: 'ask-verification'; pending: PendingHold }
  | { type: 'verification-answered' };

export const initialPickerState: PickerState = {
  connection: 'connecting',
  feedError: null,
  serverHolds: [],
  ended: null,
  message: null,
  busy: false,
  focusSeat: undefined,
  askingEmail: null,
  askingVerification: null,
};

export function pickerReducer(state: PickerState, action: PickerAction): PickerState {
  switch (action.type) {
    case 'connection':
      return { ...state, connection: action.status, feedError: action.error };
    case 'server-holds':
      return { ...state, serverHolds: action.holds };
    case 'hold-ended': {
      const serverHolds = state.serverHolds.filter((h) => h.holdId !== action.holdId);
      const message = state.message?.holdId === action.holdId ? null : state.message;
      if (action.silent) return { ...state, serverHolds, message };
      // This tab's own clock may have ended the hold first (and forgotten it): keep what that dialog says.
      const keep = action.hold === null && state.ended?.hold?.holdId === action.holdId;
      return {
        ...state,
        serverHolds,
        message,
        ended: keep ? state.ended : { reason: action.reason, hold: action.hold },
      };
    }
    case 'hold-expired': {
      // Once checkout has started, the order page tells the outcome (paid, or expired and refunded).
      if (action.hold.orderCode)
        return {
          ...state,
          message: {
            tone: 'info',
            text: `The reservation for order ${action.hold.orderCode} has ended. Its status is under My orders.`,
          },
        };
      const message = state.message?.holdId === action.hold.holdId ? null : state.message;
      return { ...state, message, ended: { reason: 'expired', hold: action.hold } };
    }
    case 'dismiss-ended':
      return { ...state, ended: null };
    case 'say':
      return { ...state, message: action.message };
    case 'busy':
      return { ...state, busy: action.busy };
    case 'focus':
      return { ...state, focusSeat: action.seat };
    case 'ask-email':
      return { ...state, askingEmail: action.pending };
    case 'email-answered':
      return { ...state, askingEmail: null };
    case 'ask-verification':
      return { ...state, askingVerification: action.pending };
    case 'verification-answered':
      return { ...state, askingVerification: null };
  }
}
