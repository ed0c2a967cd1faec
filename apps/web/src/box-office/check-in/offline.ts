import { QR_PAYLOAD, type OfflineTicket, type OfflineTicketList, type ScanRecord } from '@seatrush/shared';

/**
 * The scanner's offline mode, in pretixSCAN's manner: with the showtime's ticket list downloaded, a scan is
 * decided here — admitted when its payload (or typed ticket code) is in the list, admits someone and has not been
 * scanned (on the server before the download, or on this device since) — and queued for upload. The server has
 * the last word on upload: the first scan by scan time wins, and the conflicts it reports are shown.
 * Pure (no DOM, no fetch): the state is a plain object the page keeps and stores.
 */
export interface OfflineState {
  list: OfflineTicketList;
  /** Scans made on this device, oldest first, not yet uploaded. */
  queue: Array<{ payload: string; scannedAt: string }>;
  /** Ticket codes this device admitted since the download. */
  admitted: Record<string, string>;
}

export type OfflineDecision =
  | { outcome: 'accepted'; ticket: OfflineTicket }
  | { outcome: 'duplicate'; ticket: OfflineTicket; first: ScanRecord }
  | {
      outcome: 'refused';
      reason: NonNullable<OfflineTicket['refused']> | 'invalid';
      ticket: OfflineTicket | null;
    };

export function startOffline(list: OfflineTicketList): OfflineState {
  return { list, queue: [], admitted: {} };
}

/** Normalises what was read or typed the way the server does (payloads as is; codes upper-case, no spaces). */
export function normaliseScan(raw: string): string {
  const s = raw.trim();
  return QR_PAYLOAD.test(s) ? s : s.toUpperCase().replace(/[\s-]/g, '');
}

function findTicket(list: OfflineTicketList, scan: string): OfflineTicket | null {
  return list.tickets.find((t) => t.payload === scan || t.ticketCode === scan) ?? null;
}

/** Decides a scan offline and returns the new state (the scan queued for upload whatever the outcome). */
export function scanOffline(
  state: OfflineState,
  raw: string,
  device: string,
  now: Date,
): { state: OfflineState; decision: OfflineDecision } {
  const payload = normaliseScan(raw);
  const at = now.toISOString();
  const ticket = findTicket(state.list, payload);
  let decision: OfflineDecision;
  if (!ticket) decision = { outcome: 'refused', reason: 'invalid', ticket: null };
  else if (ticket.refused) decision = { outcome: 'refused', reason: ticket.refused, ticket };
  else if (ticket.checkIn) decision = { outcome: 'duplicate', ticket, first: ticket.checkIn };
  else if (state.admitted[ticket.ticketCode])
    decision = {
      outcome: 'duplicate',
      ticket,
      first: { at: state.admitted[ticket.ticketCode]!, device, by: 'this scanner', offline: true },
    };
  else decision = { outcome: 'accepted', ticket };
  const next: OfflineState = {
    ...state,
    // Forgeries are kept too: the server records the refusal in its audit log.
    queue: [...state.queue, { payload: ticket ? ticket.payload : payload, scannedAt: at }],
    admitted:
      decision.outcome === 'accepted'
        ? { ...state.admitted, [decision.ticket.ticketCode]: at }
        : state.admitted,
  };
  return { state: next, decision };
}

const KEY = 'seatrush.checkin.offline';

/** Kept in localStorage so a reload (or a flat battery) between scanning and uploading loses no scan. */
export function saveOffline(storage: Storage, state: OfflineState | null): void {
  if (state) storage.setItem(KEY, JSON.stringify(state));
  else storage.removeItem(KEY);
}

export function loadOffline(storage: Storage): OfflineState | null {
  try {
    const raw = storage.getItem(KEY);
    return raw ? (JSON.parse(raw) as OfflineState) : null;
  } catch {
    return null;
  }
}
