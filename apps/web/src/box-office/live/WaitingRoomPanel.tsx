import { useCallback, useEffect, useState } from 'react';
import { waitingRoomStatsSchema, type WaitingRoomControl, type WaitingRoomStats } from '@seatrush/shared';
import { request } from '../../api/client.ts';
import { ErrorNote, useAction } from '../ui.tsx';

const REFRESH_MS = 2000;
const enc = encodeURIComponent;

const roomApi = {
  stats: (showtimeId: string, signal?: AbortSignal) =>
    request(`/api/staff/showtimes/${enc(showtimeId)}/waiting-room`, {
      signal,
      schema: waitingRoomStatsSchema,
    }),
  control: (showtimeId: string, body: WaitingRoomControl) =>
    request(`/api/staff/showtimes/${enc(showtimeId)}/waiting-room`, {
      method: 'POST',
      body,
      schema: waitingRoomStatsSchema,
    }),
};

const minutes = (s: number | null) => (s === null ? '—' : s < 60 ? `${s} s` : `${Math.round(s / 60)} min`);

/**
 * The live showtime page's waiting-room panel (docs/waiting-room.md): waiting, admitted, shopping, the admission
 * rate (set and measured), the ETA of the last in line; start, pause and close, the rate and the cap, and admitting
 * a list of buyers. Every action is audited by the server. Hidden for a showtime without a room.
 */
export function WaitingRoomPanel({ showtimeId }: { showtimeId: string }) {
  const [stats, setStats] = useState<WaitingRoomStats | null>(null);
  const [rate, setRate] = useState('');
  const [cap, setCap] = useState('');
  const [admitList, setAdmitList] = useState('');

  const refresh = useCallback(
    (signal?: AbortSignal) => roomApi.stats(showtimeId, signal).then(setStats, () => undefined),
    [showtimeId],
  );
  useEffect(() => {
    const ac = new AbortController();
    void refresh(ac.signal);
    const t = setInterval(() => void refresh(ac.signal), REFRESH_MS);
    return () => {
      clearInterval(t);
      ac.abort();
    };
  }, [refresh]);

  const act = useAction(async (body: WaitingRoomControl) => {
    setStats(await roomApi.control(showtimeId, body));
  });

  if (!stats?.enabled) return null;
  const figures: Array<[string, string, string]> = [
    ['Waiting', stats.waiting.toLocaleString(), 'wr-waiting'],
    ['Admitted', stats.admitted.toLocaleString(), 'wr-admitted'],
    [
      'Shopping now',
      `${stats.shopping.toLocaleString()} / ${stats.maxShoppers.toLocaleString()}`,
      'wr-shopping',
    ],
    [
      'Admission rate',
      `${Math.round(stats.admittedPerMinute).toLocaleString()} / min (set ${stats.admissionPerMinute.toLocaleString()})`,
      'wr-rate',
    ],
    ['Tickets left', stats.ticketsLeft.toLocaleString(), 'wr-left'],
    ['Last in line admitted in', minutes(stats.etaLastSeconds), 'wr-eta'],
  ];
  const state =
    stats.state === 'closed'
      ? 'closed'
      : stats.soldOut
        ? 'sold out'
        : stats.paused
          ? 'paused'
          : stats.state === 'pre'
            ? 'before opening'
            : 'admitting';

  return (
    <section className="bo-card" aria-labelledby="bo-wr-title" data-testid="waiting-room-panel">
      <h2 id="bo-wr-title">
        Waiting room{' '}
        <span className="bo-badge" data-testid="wr-state">
          {state}
        </span>
      </h2>
      <dl className="bo-stats" aria-label="Waiting room figures">
        {figures.map(([label, value, testId]) => (
          <div className="bo-stat" key={testId}>
            <dt>{label}</dt>
            <dd>
              <span className="bo-stat-value" data-testid={testId}>
                {value}
              </span>
            </dd>
          </div>
        ))}
      </dl>
      {stats.state !== 'closed' && (
        <div className="bo-sale-controls" role="group" aria-label="Waiting room control">
          {stats.paused || stats.state === 'pre' ? (
            <button
              type="button"
              className="bo-btn bo-btn-primary"
              disabled={act.pending}
              onClick={() => void act.run({ action: 'start' })}
            >
              Start admission
            </button>
          ) : (
            <button
              type="button"
              className="bo-btn"
              disabled={act.pending}
              onClick={() => void act.run({ action: 'pause' })}
            >
              Pause admission
            </button>
          )}
          <button
            type="button"
            className="bo-btn bo-btn-danger"
            disabled={act.pending}
            onClick={() => void act.run({ action: 'close' })}
          >
            Close the room
          </button>
        </div>
      )}
      <form
        className="bo-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const body: WaitingRoomControl = { action: 'settings' };
          if (rate) body.admissionPerMinute = Number(rate);
          if (cap) body.maxShoppers = Number(cap);
          void act.run(body);
        }}
      >
        <label>
          Admit per minute
          <input
            type="number"
            min={1}
            max={100000}
            value={rate}
            placeholder={String(stats.admissionPerMinute)}
            onChange={(e) => setRate(e.target.value)}
          />
        </label>
        <label>
          Max shoppers
          <input
            type="number"
            min={1}
            max={1000000}
            value={cap}
            placeholder={String(stats.maxShoppers)}
            onChange={(e) => setCap(e.target.value)}
          />
        </label>
        <button type="submit" className="bo-btn" disabled={act.pending || (!rate && !cap)}>
          Change
        </button>
      </form>
      <form
        className="bo-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const buyerIds = admitList.split(/[\s,]+/).filter(Boolean);
          if (buyerIds.length) void act.run({ action: 'admit', buyerIds }).then(() => setAdmitList(''));
        }}
      >
        <label>
          Admit these buyers now (ids, one per line)
          <textarea rows={2} value={admitList} onChange={(e) => setAdmitList(e.target.value)} />
        </label>
        <button type="submit" className="bo-btn" disabled={act.pending || !admitList.trim()}>
          Admit
        </button>
      </form>
      {act.error !== null && <ErrorNote error={act.error} />}
    </section>
  );
}
