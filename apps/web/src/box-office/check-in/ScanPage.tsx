import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ScanRecord, ScanUploadResult } from '@seatrush/shared';
import { ApiError } from '../../api/errors.ts';
import { checkInApi } from './api.ts';
import { CameraScanner, cameraAvailable } from './camera.tsx';
import { loadOffline, saveOffline, scanOffline, startOffline, type OfflineState } from './offline.ts';
import { ErrorNote, Field, PageHeader, formatCount } from '../ui.tsx';
import './scan.css';

/** What the big panel shows after a scan. */
type Verdict = { ok: true; label: string; detail: string } | { ok: false; title: string; detail: string };

const REASONS: Record<string, string> = {
  refunded: 'Refunded ticket',
  released: 'Ticket returned',
  cancelled: 'Order cancelled',
  expired: 'Order expired (never paid)',
  unpaid: 'Order not paid',
  invalid: 'Not a valid ticket',
  wrong_showtime: 'Ticket for another show',
};

const when = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const firstScan = (f: ScanRecord) =>
  `First scanned at ${when(f.at)} at ${f.device} by ${f.by}${f.offline ? ' (offline)' : ''}.`;

function verdictOfError(e: unknown): Verdict {
  if (!(e instanceof ApiError)) return { ok: false, title: 'Could not check', detail: String(e) };
  const d = e.details as { first?: ScanRecord; reason?: string; ticket?: { label?: string } };
  switch (e.code) {
    case 'ticket_already_redeemed':
      return { ok: false, title: 'Already scanned', detail: d.first ? firstScan(d.first) : e.message };
    case 'ticket_not_valid':
      return {
        ok: false,
        title: REASONS[d.reason ?? ''] ?? 'Not valid',
        detail: `Seat ${d.ticket?.label ?? '?'}`,
      };
    case 'ticket_wrong_showtime':
      return { ok: false, title: REASONS.wrong_showtime!, detail: 'Check the date and the door.' };
    case 'ticket_invalid':
      return { ok: false, title: REASONS.invalid!, detail: 'The code is forged, damaged or mistyped.' };
    case 'network':
      return { ok: false, title: 'No connection', detail: 'Switch to offline mode to keep scanning.' };
    default:
      return { ok: false, title: 'Could not check', detail: e.message };
  }
}

const DEVICE_KEY = 'seatrush.checkin.device';

/**
 * The door scanner (`/box-office/scan`, docs/check-in.md): camera or typed code, one big accepted/refused panel,
 * live counts for the chosen showtime, and an offline mode that decides from the downloaded ticket list and
 * uploads later.
 */
export function ScanPage() {
  const [params, setParams] = useSearchParams();
  const showtimeId = params.get('showtime') ?? '';
  const [device, setDevice] = useState(() => localStorage.getItem(DEVICE_KEY) ?? '');
  const [code, setCode] = useState('');
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [offline, setOffline] = useState<OfflineState | null>(() => loadOffline(localStorage));
  const [uploadResult, setUploadResult] = useState<ScanUploadResult | null>(null);
  const [camera, setCamera] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => localStorage.setItem(DEVICE_KEY, device), [device]);
  useEffect(() => saveOffline(localStorage, offline), [offline]);

  const counts = useQuery({
    queryKey: ['staff', 'checkin', 'counts', showtimeId],
    queryFn: ({ signal }) => checkInApi.counts(showtimeId, signal),
    enabled: showtimeId !== '' && !offline,
    refetchInterval: 5000,
  });

  const redeem = useMutation({
    mutationFn: (payload: string) =>
      checkInApi.redeem({ payload, device: device.trim() || 'Door', ...(showtimeId ? { showtimeId } : {}) }),
    onSuccess: (r) => {
      setVerdict({
        ok: true,
        label: r.ticket.label,
        detail: `${r.ticket.category} · order ${r.ticket.orderCode}`,
      });
      void counts.refetch();
    },
    onError: (e) => setVerdict(verdictOfError(e)),
  });

  const download = useMutation({
    mutationFn: () => checkInApi.ticketList(showtimeId),
    onSuccess: (list) => {
      setOffline(startOffline(list));
      setUploadResult(null);
    },
  });

  const upload = useMutation({
    mutationFn: (state: OfflineState) =>
      checkInApi.upload(state.list.showtimeId, { device: device.trim() || 'Door', scans: state.queue }),
    onSuccess: (r) => {
      setUploadResult(r);
      setOffline(null);
    },
  });

  const scan = (raw: string) => {
    const payload = raw.trim();
    if (!payload) return;
    if (offline) {
      const { state, decision } = scanOffline(offline, payload, device.trim() || 'Door', new Date());
      setOffline(state);
      if (decision.outcome === 'accepted')
        setVerdict({
          ok: true,
          label: decision.ticket.label,
          detail: `${decision.ticket.category} · offline`,
        });
      else if (decision.outcome === 'duplicate')
        setVerdict({ ok: false, title: 'Already scanned', detail: firstScan(decision.first) });
      else setVerdict({ ok: false, title: REASONS[decision.reason] ?? 'Refused', detail: 'Offline check' });
    } else {
      redeem.mutate(payload);
    }
  };

  const focusManual = useCallback(() => input.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    scan(code);
    setCode('');
    input.current?.focus();
  };

  return (
    <section className="bo-scan">
      <PageHeader title="Scan tickets" />
      <div className="bo-scan-settings">
        <Field label="This scanner (gate, device)">
          <input
            value={device}
            onChange={(e) => setDevice(e.target.value)}
            placeholder="Gate A · phone 1"
            maxLength={80}
          />
        </Field>
        <Field label="Showtime id (optional)">
          <input
            value={showtimeId}
            onChange={(e) =>
              setParams(e.target.value ? { showtime: e.target.value.trim() } : {}, { replace: true })
            }
            disabled={!!offline}
          />
        </Field>
      </div>

      {showtimeId && counts.data && (
        <p className="bo-scan-counts" data-testid="checkin-counts">
          Checked in <strong>{formatCount(counts.data.checkedIn)}</strong> of{' '}
          {formatCount(counts.data.tickets)}
        </p>
      )}

      <div
        className={`bo-scan-verdict ${verdict ? (verdict.ok ? 'is-ok' : 'is-bad') : ''}`}
        role="status"
        aria-live="assertive"
        data-testid="scan-verdict"
        data-result={verdict ? (verdict.ok ? 'accepted' : 'refused') : ''}
      >
        {verdict === null ? (
          <p>Scan a ticket.</p>
        ) : verdict.ok ? (
          <>
            <p className="bo-scan-big">✓ Accepted</p>
            <p className="bo-scan-label">{verdict.label}</p>
            <p>{verdict.detail}</p>
          </>
        ) : (
          <>
            <p className="bo-scan-big">✗ {verdict.title}</p>
            <p>{verdict.detail}</p>
          </>
        )}
      </div>

      <form className="bo-scan-manual" onSubmit={submit}>
        <Field label="Ticket code or QR text">
          <input
            ref={input}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            autoFocus
          />
        </Field>
        <button type="submit" className="bo-btn bo-btn-primary" disabled={redeem.isPending}>
          Check in
        </button>
      </form>

      {cameraAvailable() ? (
        <div className="bo-scan-camera">
          <button type="button" className="bo-btn" onClick={() => setCamera((c) => !c)}>
            {camera ? 'Stop camera' : 'Use camera'}
          </button>
          {camera && <CameraScanner onScan={scan} onUnavailable={focusManual} />}
        </div>
      ) : (
        <p className="bo-muted">
          This browser cannot open a camera here (it needs https): type the code printed under the QR code.
        </p>
      )}

      <div className="bo-card bo-scan-offline">
        <h2>Offline mode</h2>
        {offline ? (
          <>
            <p data-testid="offline-status">
              Offline with {formatCount(offline.list.tickets.length)} tickets of {offline.list.eventName}{' '}
              (downloaded {when(offline.list.generatedAt)}). {formatCount(offline.queue.length)} scans to
              upload.
            </p>
            <button
              type="button"
              className="bo-btn bo-btn-primary"
              disabled={upload.isPending}
              onClick={() => upload.mutate(offline)}
            >
              Upload scans and go online
            </button>
            {upload.error && <ErrorNote error={upload.error} title="Upload failed; the scans are kept." />}
          </>
        ) : (
          <>
            <p className="bo-muted">
              Download the showtime’s ticket list before the network goes; scans are decided on this device
              and uploaded later. If two scanners admitted the same ticket, the first scan wins and the upload
              shows the conflict.
            </p>
            <button
              type="button"
              className="bo-btn"
              disabled={!showtimeId || download.isPending}
              onClick={() => download.mutate()}
            >
              Download ticket list
            </button>
            {download.error && <ErrorNote error={download.error} />}
          </>
        )}
        {uploadResult && (
          <div data-testid="upload-result">
            <p>
              Uploaded: {uploadResult.accepted} accepted, {uploadResult.duplicates} duplicates,{' '}
              {uploadResult.refused} refused, <strong>{uploadResult.conflicts} conflicts</strong>.
            </p>
            <ul>
              {uploadResult.scans
                .filter((s) => s.outcome !== 'accepted' || s.replaced)
                .map((s) => (
                  <li key={s.index}>
                    {s.ticketCode ?? 'unknown code'}:{' '}
                    {s.outcome === 'refused'
                      ? (REASONS[s.reason ?? ''] ?? 'refused')
                      : s.replaced
                        ? `this scan was first; it replaces ${s.replaced.device} at ${when(s.replaced.at)}`
                        : s.first
                          ? `duplicate — ${firstScan(s.first)}`
                          : 'duplicate'}
                  </li>
                ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}

export default ScanPage;
