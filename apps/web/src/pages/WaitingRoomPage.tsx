import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  Envelope,
  QueueProgress,
  QueueStatus,
  ServerToClientEvents,
} from '@seatrush/shared';
import { joinQueue, queueStatus } from '../api/admission.ts';
import { messageFor } from '../api/errors.ts';
import { Loading, Notice } from '../components/Status.tsx';

/** A slow fallback read when the socket is down; the socket's progress events carry the live changes. */
const FALLBACK_POLL_MS = 20_000;

function etaWords(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const m = Math.round(seconds / 60);
  if (m < 60) return `about ${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.floor(m / 60);
  return `about ${h} hour${h === 1 ? '' : 's'} ${m % 60} minutes`;
}

/**
 * Seconds until the buyer's turn: from the measured admission rate as progress arrives (the server's figure, from
 * the set rate, until anything was measured); null while the line is not moving.
 */
function etaOf(s: QueueStatus, position: number | null): number | null {
  if (position === null || s.state !== 'open' || s.paused || s.soldOut) return null;
  if (s.admittedPerMinute > 0) return Math.ceil((position / s.admittedPerMinute) * 60);
  return s.etaSeconds;
}

/** The last change of course the room announced (`queue:progress` reasons), for its own status line. */
type News = 'paused' | 'resumed' | 'sold_out' | 'closed' | null;

const NEWS_TEXT: Record<Exclude<News, null>, string> = {
  paused: 'Admission is paused by the box office. You keep your place.',
  resumed: 'Admission has resumed.',
  sold_out: 'Admission stopped: every ticket is sold or held.',
  closed: 'The box office closed the waiting room.',
};

/** What the live region says: the one sentence a screen reader should hear when it changes. */
function sentence(s: QueueStatus, position: number | null): string {
  if (s.state === 'closed') return 'The waiting room is closed.';
  if (s.soldOut)
    return 'Sold out for now: every ticket is sold or held. We stopped admitting and will resume here if tickets come back.';
  if (s.status === 'admitted') return 'It is your turn. Taking you to the seats…';
  if (s.state === 'pre')
    return 'The sale has not opened yet. When it opens, everyone waiting now gets a random place in line.';
  if (position === null) return 'Joining the line…';
  const where = position <= 1 ? 'You are next.' : `You are number ${position.toLocaleString()} in line.`;
  if (s.paused) return `${where} Admission is paused for a moment.`;
  if (s.likelySoldOut)
    return `${where} The buyers ahead of you will likely take the tickets left before your turn.`;
  const eta = etaOf(s, position);
  return eta === null ? where : `${where} Your turn in ${etaWords(eta)}.`;
}

/**
 * The buyer's waiting page (docs/waiting-room.md): joins the showtime's line, shows the place, an honest ETA and a
 * progress bar, follows `queue:progress` over the socket (asking where it stands again after a reconnect), and
 * moves to the seat map by itself once admitted — the admission token is kept for the hold calls.
 */
export function WaitingRoomPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [status, setStatus] = useState<QueueStatus | null>(null);
  const [served, setServed] = useState(0);
  const [error, setError] = useState<string | null>(null);
  /** The position when this page first learned it: the progress bar's full length. */
  const [firstPosition, setFirstPosition] = useState<number | null>(null);
  /** The sale asked for a browser check and this browser is solving it. */
  const [checking, setChecking] = useState(false);
  const [news, setNews] = useState<News>(null);

  useEffect(() => {
    let alive = true;
    const apply = (s: QueueStatus) => {
      if (!alive) return;
      setStatus(s);
      if (s.place !== null && s.position !== null) setServed(s.place - s.position);
      if (s.position !== null) setFirstPosition((f) => f ?? s.position);
      setError(null);
    };
    const fail = (err: unknown) => alive && setError(messageFor(err));
    joinQueue(id, () => alive && setChecking(true)).then(apply, fail);

    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket'] });
    const watch = () =>
      void socket
        .timeout(5000)
        .emitWithAck('queue:watch', { showtimeId: id })
        .then((ack: Envelope<QueueStatus>) => (ack.ok ? apply(ack.data) : undefined))
        .catch(() => undefined);
    // On every (re)connect: where do I stand now?
    socket.on('connect', watch);
    socket.on('queue:progress', (p: QueueProgress) => {
      if (!alive || p.showtimeId !== id) return;
      setServed(p.served);
      setStatus((s) =>
        s
          ? {
              ...s,
              state: p.state,
              paused: p.paused,
              soldOut: p.soldOut,
              waiting: p.waiting,
              ticketsLeft: p.ticketsLeft,
              admittedPerMinute: p.admittedPerMinute,
            }
          : s,
      );
      // My turn may have come, or the room changed course: say so, and read my standing (and my token).
      if (p.reason !== 'progress') {
        setNews(p.reason);
        watch();
      }
    });
    const poll = setInterval(() => void queueStatus(id).then(apply, fail), FALLBACK_POLL_MS);
    return () => {
      alive = false;
      clearInterval(poll);
      socket.disconnect();
    };
  }, [id]);

  const position =
    status?.place !== null && status?.place !== undefined ? Math.max(1, status.place - served) : null;

  // When the head of the line reaches me, fetch the token; once admitted, go to the seats.
  useEffect(() => {
    if (
      status?.status === 'waiting' &&
      position !== null &&
      status.place !== null &&
      status.place - served <= 0
    )
      void queueStatus(id).then(setStatus, () => undefined);
  }, [id, status, position, served]);
  useEffect(() => {
    if (status?.status === 'admitted') void navigate(`/showtimes/${encodeURIComponent(id)}`);
  }, [id, status?.status, navigate]);

  if (error && !status)
    return (
      <div className="waiting-room">
        <Notice tone="error" title="We could not put you in line" live>
          {error}
        </Notice>
        <Link to="/">Back to events</Link>
      </div>
    );
  if (!status)
    return (
      <Loading label={checking ? 'Checking your browser before you join the line' : 'Joining the line'} />
    );

  const first = firstPosition ?? position ?? 1;
  /** Buyers ahead when this page first saw the line, and how many of them have gone in since. */
  const ahead = Math.max(0, first - 1);
  const done = position === null ? 0 : Math.min(ahead, Math.max(0, first - position));
  return (
    <div className="waiting-room" data-testid="waiting-room">
      <h1>You are in line</h1>
      <p role="status" aria-live="polite" data-testid="queue-message">
        {sentence(status, position)}
      </p>
      {/* Its own live region: announced once when the room changes course, not again with every position. */}
      <p role="status" aria-live="polite" className="waiting-room-news" data-testid="queue-news">
        {news ? NEWS_TEXT[news] : ''}
      </p>
      {position !== null && status.status === 'waiting' && (
        <>
          <p className="waiting-room-position" aria-hidden="true" data-testid="queue-position">
            {position.toLocaleString()}
          </p>
          <progress
            max={Math.max(1, ahead)}
            value={done}
            aria-label={`Progress through the line: ${done.toLocaleString()} of the ${ahead.toLocaleString()} ahead of you have gone in`}
          />
        </>
      )}
      {status.soldOut && (
        <Notice tone="warning" title="Sold out for now" testId="queue-sold-out">
          Keep this page open: if tickets come back (unpaid reservations expire), admission resumes and you
          keep your place.
        </Notice>
      )}
      <p className="muted">
        {status.waiting.toLocaleString()} waiting · {status.ticketsLeft.toLocaleString()} tickets left ·{' '}
        {status.admittedPerMinute > 0
          ? `${Math.round(status.admittedPerMinute).toLocaleString()} admitted per minute`
          : 'admission not moving right now'}
      </p>
      <p className="muted">Keep this tab open; you will be taken to the seats when it is your turn.</p>
      {error && <Notice tone="warning">{error}</Notice>}
    </div>
  );
}
