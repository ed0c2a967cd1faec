import { MAX_TICKETS_PER_HOLD } from '@seatrush/shared';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Link, useParams } from 'react-router';
import {
  ApiError,
  createHold,
  features,
  forgetHold,
  getHold,
  getSeatMap,
  getShowtime,
  getStoredEmail,
  holdsSnapshot,
  messageFor,
  newIdempotencyKey,
  onHoldsChanged,
  releaseHold,
  saveHold,
  type HoldRequest,
  type HoldResponse,
  type MyHold,
  type PublicShowtime,
  type SeatMapDocument,
  type StoredHold,
} from '../api/index.ts';
import { useAnnounce } from '../components/Announcer.tsx';
import { Countdown } from '../components/Countdown.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { EmailDialog } from '../components/EmailDialog.tsx';
import { LoadError, Loading, Notice, type NoticeTone } from '../components/Status.tsx';
import { BestAvailable } from '../picker/BestAvailable.tsx';
import { Legend } from '../picker/Legend.tsx';
import { ListPicker } from '../picker/ListPicker.tsx';
import { holdItemsText, MyHolds } from '../picker/MyHolds.tsx';
import { priceText, stateText, type PriceInfo } from '../picker/seat-text.ts';
import { SelectionPanel } from '../picker/SelectionPanel.tsx';
import { ZonePanel } from '../picker/ZonePanel.tsx';
import { limitText } from '../picker/SelectionPanel.tsx';
import {
  refreshSocketIdentity,
  subscribeStore,
  type ConnectionStatus,
  type ShowtimeSubscription,
} from '../realtime/index.ts';
import { accessibilityNote, buildModel, describeSeat } from '../seatmap/model.ts';
import { SeatMapView } from '../seatmap/SeatMapView.tsx';
import { FREE } from '../seatmap/states.ts';
import { SeatStore } from '../seatmap/store.ts';
import { useLoad, useNow } from '../lib/hooks.ts';
import { formatCountdownWords, formatDateTime, formatMoney, serverNow } from '../lib/time.ts';
import { useTitle } from '../lib/title.ts';

export function ShowtimePage() {
  const { id = '' } = useParams();
  const [state, retry] = useLoad(id, async (signal) => {
    const showtime = await getShowtime(id, signal);
    const doc = await getSeatMap(showtime.seatMapUrl, signal);
    return { showtime, doc };
  });
  useTitle(state.status === 'ok' ? `${state.data.showtime.event.name} — choose seats` : 'Choose seats');
  if (state.status === 'loading') return <Loading label="Loading the seat map" />;
  if (state.status === 'error')
    return <LoadError error={state.error} retry={retry} title="We could not load this showtime" />;
  return <Picker key={id} showtime={state.data.showtime} doc={state.data.doc} />;
}

interface Message {
  tone: NoticeTone;
  text: string;
}

interface Ended {
  reason: 'expired' | 'released';
  hold: StoredHold | null;
}

function ticketsIn(h: StoredHold): number {
  return h.items.reduce((n, it) => n + (it.kind === 'seat' ? 1 : it.quantity), 0);
}

function Picker({ showtime, doc }: { showtime: PublicShowtime; doc: SeatMapDocument }) {
  const announce = useAnnounce();
  const model = useMemo(() => buildModel(doc), [doc]);
  const store = useMemo(() => new SeatStore(model, showtime.id), [model, showtime.id]);
  useSyncExternalStore(store.subscribe, store.getRevision);
  const priceInfo: PriceInfo = useMemo(
    () => ({
      prices: new Map(showtime.categories.map((c) => [c.key, c.priceCents])),
      currency: showtime.currency,
    }),
    [showtime],
  );

  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [feedError, setFeedError] = useState<ApiError | null>(null);
  const [serverHolds, setServerHolds] = useState<MyHold[]>([]);
  const [ended, setEnded] = useState<Ended | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const [focusSeat, setFocusSeat] = useState<number | undefined>(undefined);
  const [askEmail, setAskEmail] = useState<((email: string | null) => void) | null>(null);
  const sub = useRef<ShowtimeSubscription | null>(null);
  /** Kept across a network failure so "try again" re-sends the same Idempotency-Key. */
  const retryKey = useRef<{ body: string; key: string } | null>(null);

  const now = useNow(1000);
  const allHolds = useSyncExternalStore(onHoldsChanged, holdsSnapshot);
  const stored = useMemo(
    () => Object.values(allHolds).filter((h) => h.showtimeId === showtime.id),
    [allHolds, showtime.id],
  );
  const active = stored.filter((h) => Date.parse(h.expiresAt) > now);
  const elsewhere = serverHolds.filter(
    (h) => !stored.some((s) => s.holdId === h.holdId) && Date.parse(h.expiresAt) > now,
  );

  const say = useCallback(
    (tone: NoticeTone, text: string) => {
      setMessage({ tone, text });
      announce(text, tone === 'error' || tone === 'warning' ? 'assertive' : 'polite');
    },
    [announce],
  );

  // Holds this tab is cancelling itself (their `released` fact needs no dialog).
  const releasing = useRef(new Set<string>());

  // The live feed.
  useEffect(() => {
    const s = subscribeStore(store, {
      onStatus: (st, err) => {
        setStatus(st);
        setFeedError(err ?? null);
      },
      onMyHolds: setServerHolds,
      onHoldEnded: (fact) => {
        const h = getHold(fact.holdId) ?? null;
        forgetHold(fact.holdId);
        setServerHolds((hs) => hs.filter((x) => x.holdId !== fact.holdId));
        // A release this tab asked for is already acknowledged by cancel(); only tell about the others.
        if (fact.reason === 'released' && releasing.current.has(fact.holdId)) return;
        // This tab's own clock may have ended the hold first (and forgotten it): keep what that dialog says.
        setEnded((prev) =>
          h === null && prev?.hold?.holdId === fact.holdId ? prev : { reason: fact.reason, hold: h },
        );
      },
    });
    sub.current = s;
    return () => {
      s.close();
      sub.current = null;
    };
  }, [store, showtime.id]);

  // A seat I was about to take went to someone else.
  useEffect(
    () =>
      store.onTaken((seats) => {
        const names = seats.map((i) => model.labels[i]).join(', ');
        const text =
          seats.length === 1
            ? `Seat ${names} was just taken by someone else and was removed from your selection.`
            : `Seats ${names} were just taken by someone else and were removed from your selection.`;
        setMessage({ tone: 'warning', text });
        announce(text, 'assertive');
      }),
    [store, model, announce],
  );

  // The payment window ran out (checked here too: the server's expiry job is not the only guard).
  useEffect(() => {
    for (const h of stored) {
      if (Date.parse(h.expiresAt) <= now) {
        forgetHold(h.holdId);
        sub.current?.resync();
        // Once checkout has started, the order page tells the outcome (paid, or expired and refunded).
        if (h.orderCode)
          setMessage({
            tone: 'info',
            text: `The reservation for order ${h.orderCode} has ended. Its status is under My orders.`,
          });
        else setEnded({ reason: 'expired', hold: h });
      }
    }
  }, [stored, now]);

  useEffect(() => {
    if (ended)
      announce(
        ended.reason === 'expired'
          ? 'Your reservation expired and the seats were released.'
          : 'Your reservation has ended.',
        'assertive',
      );
  }, [ended, announce]);

  // My held seats look like mine.
  const mineKey = [...active.map((h) => h.holdId), ...elsewhere.map((h) => h.holdId)].join(',');
  useEffect(() => {
    const idx: number[] = [];
    const add = (label: string) => {
      const i = model.byLabel.get(label);
      if (i !== undefined) idx.push(i);
    };
    for (const h of active) for (const it of h.items) if (it.kind === 'seat') add(it.seat);
    for (const h of elsewhere) h.seats.forEach(add);
    store.setMine(idx);
    // mineKey names exactly the holds in `active` and `elsewhere`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mineKey, store, model]);

  const saleState = store.saleState ?? showtime.saleState;
  const onSale = saleState === 'on_sale';
  const limit = showtime.perBuyerLimit;
  const held =
    active.reduce((n, h) => n + ticketsIn(h), 0) +
    elsewhere.reduce((n, h) => n + (h.seats.length || h.quantity), 0);
  const selected = store.selectedList();
  const room = Math.max(
    0,
    Math.min(
      MAX_TICKETS_PER_HOLD - selected.length,
      limit === null ? Infinity : limit - held - selected.length,
    ),
  );

  const gaRoom = Math.max(0, Math.min(MAX_TICKETS_PER_HOLD, limit === null ? Infinity : limit - held));
  // Best available: categories that have numbered seats on this map and a price for this showtime.
  const bestCategories = useMemo(() => {
    const seated = new Set<number>(model.cat);
    return showtime.categories.filter((c) => {
      const i = model.categoryIndex.get(c.key);
      return i !== undefined && seated.has(i);
    });
  }, [model, showtime]);

  let freeSeats = 0;
  for (let i = 0; i < store.states.length; i++) if (store.states[i] === FREE) freeSeats++;
  const zonesFree = Object.values(store.zones).reduce((n, z) => n + z.available, 0);
  const known = store.version !== null;
  const soldOut = known && onSale && freeSeats === 0 && zonesFree === 0;
  const perCategory: Record<string, number> | null = known
    ? Object.fromEntries(Object.entries(store.categories).map(([k, c]) => [k, c.available]))
    : null;

  const onSeat = (i: number) => {
    const name = describeSeat(model, i);
    if (store.selected[i]) {
      store.toggleSelected(i);
      announce(`${name} removed from your selection.`);
      return;
    }
    if (!store.isSelectable(i)) {
      announce(`${name} is ${stateText(store, i)}.`);
      return;
    }
    if (!priceInfo.prices.has(model.categories[model.cat[i]!]!.key)) {
      say('info', `${name} is not on sale for this show.`);
      return;
    }
    if (!onSale) {
      say(
        'info',
        saleState === 'paused'
          ? 'Sales are paused for a moment. Try again shortly.'
          : messageFor(new ApiError('sale_not_open', 409)),
      );
      return;
    }
    if (room <= 0) {
      say('warning', limitText(limit, held, 0));
      return;
    }
    store.toggleSelected(i);
    const n = selected.length + 1;
    announce(
      `${name} selected. ${priceText(model, i, priceInfo)}. ${n} ${n === 1 ? 'seat' : 'seats'} selected.`,
    );
  };

  const ensureEmail = async (): Promise<boolean> => {
    if (getStoredEmail()) return true;
    const email = await new Promise<string | null>((resolve) => setAskEmail(() => resolve));
    setAskEmail(null);
    if (email !== null) refreshSocketIdentity();
    return email !== null;
  };

  /** `what` names what was held in the confirmation (from the answer when the server chose the seats). */
  const hold = async (body: HoldRequest, what: string | ((h: HoldResponse) => string)) => {
    setMessage(null);
    if (!(await ensureEmail())) return;
    const bodyKey = JSON.stringify(body);
    const key = retryKey.current?.body === bodyKey ? retryKey.current.key : newIdempotencyKey();
    retryKey.current = { body: bodyKey, key };
    setBusy(true);
    try {
      const h = await createHold(showtime.id, body, key);
      retryKey.current = null;
      saveHold(h);
      if ('seats' in body) store.clearSelection();
      say(
        'success',
        `${typeof what === 'string' ? what : what(h)} held for you. Pay within ${formatCountdownWords(Date.parse(h.expiresAt) - serverNow())}.`,
      );
      // Seats the server picked: show where they are (they are drawn as mine once the hold is saved).
      if (body.best) {
        const first = h.items.find((it) => it.kind === 'seat');
        if (first?.kind === 'seat') setFocusSeat(model.byLabel.get(first.seat));
      }
      sub.current?.resync();
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'network') retryKey.current = null;
      if (err instanceof ApiError && err.code === 'seat_unavailable') {
        const gone = err.seats.map((l) => model.byLabel.get(l)).filter((i): i is number => i !== undefined);
        store.setSelected(gone, false);
      }
      say('error', messageFor(err));
      if (
        err instanceof ApiError &&
        ['seat_unavailable', 'sold_out', 'sale_not_open', 'limit_exceeded', 'no_adjacent_seats'].includes(
          err.code,
        )
      )
        sub.current?.resync();
    } finally {
      setBusy(false);
    }
  };

  const holdSelected = () => {
    const seats = store.selectedList().map((i) => model.labels[i]!);
    void hold({ seats }, seats.length === 1 ? `Seat ${seats[0]}` : `${seats.length} seats`);
  };

  const cancel = async (h: StoredHold) => {
    setBusy(true);
    releasing.current.add(h.holdId);
    try {
      await releaseHold(h.holdId, h.holdToken);
    } catch (err) {
      const gone = err instanceof ApiError && ['hold_not_found', 'hold_expired'].includes(err.code);
      if (!gone) {
        say('error', messageFor(err));
        setBusy(false);
        return;
      }
    }
    forgetHold(h.holdId);
    setBusy(false);
    say('success', 'Reservation cancelled. The seats are back on sale.');
    sub.current?.resync();
  };

  const onZone = (z: number) => {
    const zone = model.zones[z];
    if (!zone) return;
    const input = document.getElementById(`zone-qty-${zone.key}`);
    input?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    input?.focus();
  };

  const tooltip = (i: number) => {
    const acc = accessibilityNote(model, i);
    return (
      <>
        <strong>{describeSeat(model, i)}</strong>
        <span>{priceText(model, i, priceInfo)}</span>
        <span className="tooltip-state">{stateText(store, i)}</span>
        {acc && <span>{acc}</span>}
      </>
    );
  };

  const zoneName = (key: string) => showtime.gaZones.find((z) => z.key === key)?.name ?? key;
  const startsAt = formatDateTime(showtime.startsAt);
  const hasMap = model.count > 0 || model.zones.some((z) => z.rect);

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Events</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/events/${encodeURIComponent(showtime.event.slug)}`}>{showtime.event.name}</Link>{' '}
        <span aria-hidden="true">›</span> <span aria-current="page">{startsAt}</span>
      </nav>
      <header className="showtime-header">
        <h1>{showtime.event.name}</h1>
        <p className="lead">
          <time dateTime={showtime.startsAt}>{startsAt}</time> · {showtime.venue.name}
        </p>
      </header>

      <div className="banners">
        {status === 'reconnecting' && (
          <Notice tone="warning" live icon="⟳" title="Reconnecting…" testId="banner-reconnecting">
            <p>The seat map will catch up by itself as soon as we're back.</p>
          </Notice>
        )}
        {feedError && (
          <Notice tone="error" live title="Live availability is unavailable">
            <p>{messageFor(feedError)}</p>
          </Notice>
        )}
        {saleState === 'scheduled' && (
          <Notice tone="info" icon="⏱" title="Tickets are not on sale yet" testId="banner-scheduled">
            <p>
              Sale opens in{' '}
              <strong>
                <Countdown
                  until={showtime.saleOpensAt}
                  label="Sale opens"
                  onDone={() => sub.current?.resync()}
                />
              </strong>{' '}
              ({formatDateTime(showtime.saleOpensAt)}). Have a look around the map meanwhile.
            </p>
          </Notice>
        )}
        {saleState === 'paused' && (
          <Notice tone="warning" live icon="⏸" title="Sales are paused" testId="banner-paused">
            <p>
              Selling will resume shortly. Reservations you already have stay valid and you can still pay for
              them.
            </p>
          </Notice>
        )}
        {saleState === 'closed' && (
          <Notice tone="info" icon="■" title="Sales have closed" testId="banner-closed">
            <p>Tickets for this show are no longer on sale here.</p>
          </Notice>
        )}
        {soldOut && (
          <Notice tone="warning" live icon="✕" title="Sold out" testId="banner-soldout">
            <p>
              Every ticket is sold or reserved. Reserved tickets come back when a payment window runs out —
              keep this page open to see them appear.
            </p>
          </Notice>
        )}
        {message && (
          <Notice tone={message.tone} live testId="picker-message">
            <p>{message.text}</p>
          </Notice>
        )}
      </div>

      <div className="picker-layout">
        <section className="picker-map" aria-labelledby="map-heading">
          <h2 id="map-heading" className="section-title">
            Seat map
          </h2>
          {hasMap && (
            <div className="map-frame">
              <SeatMapView
                store={store}
                onSeat={onSeat}
                onZone={onZone}
                focusSeat={focusSeat}
                tooltip={tooltip}
                describe={(i) =>
                  `${describeSeat(model, i)}, ${priceText(model, i, priceInfo)}, ${stateText(store, i)}`
                }
                label={`Seat map of ${showtime.venue.name}`}
              />
              {!known && (
                <div className="map-overlay" role="status">
                  <span className="spinner" aria-hidden="true" /> Connecting to live availability…
                </div>
              )}
            </div>
          )}
          <Legend showtime={showtime} available={perCategory} hasSeats={model.count > 0} />
        </section>

        <aside className="picker-side" aria-label="Your tickets">
          <MyHolds
            holds={active}
            elsewhere={elsewhere}
            busy={busy}
            onCancel={(h) => void cancel(h)}
            zoneName={zoneName}
          />
          {model.count > 0 && (
            <SelectionPanel
              store={store}
              priceInfo={priceInfo}
              limit={limit}
              held={held}
              room={room}
              canHold={onSale}
              busy={busy}
              onHold={holdSelected}
              onFocusSeat={setFocusSeat}
            />
          )}
          {features.bestAvailable && bestCategories.length > 0 && (
            <BestAvailable
              categories={bestCategories}
              available={perCategory}
              room={gaRoom}
              canHold={onSale}
              busy={busy}
              onHold={(category, quantity) =>
                void hold({ best: { category, quantity } }, (h) => {
                  const seats = h.items.flatMap((it) => (it.kind === 'seat' ? [it.seat] : []));
                  return seats.length === 1 ? `Seat ${seats[0]}` : `Seats ${seats.join(', ')}`;
                })
              }
            />
          )}
          <ZonePanel
            showtime={showtime}
            zones={store.zones}
            room={gaRoom}
            canHold={onSale}
            busy={busy}
            onHold={(zone, quantity, name) =>
              void hold(
                { zone, quantity },
                `${quantity} ${quantity === 1 ? 'ticket' : 'tickets'} for ${name}`,
              )
            }
          />
        </aside>
      </div>

      {model.count > 0 && (
        <section className="panel list-section" aria-labelledby="list-heading">
          <h2 id="list-heading" className="panel-title">
            Choose from a list
          </h2>
          <p className="hint">The same seats as the map, one row at a time.</p>
          <ListPicker store={store} priceInfo={priceInfo} onSeat={onSeat} onFocusSeat={setFocusSeat} />
        </section>
      )}

      <EmailDialog open={askEmail !== null} onDone={(email) => askEmail?.(email)} />
      <Dialog
        open={ended !== null}
        title={ended?.reason === 'released' ? 'Your reservation was cancelled' : 'Your reservation expired'}
        onClose={() => setEnded(null)}
        testId="hold-ended-dialog"
      >
        <p>
          {ended?.reason === 'released'
            ? 'This reservation was cancelled in another tab or window, and its seats are back on sale.'
            : 'The payment window ran out, so the seats were released for other buyers.'}
          {ended?.hold && (
            <>
              {' '}
              It held: {holdItemsText(ended.hold, zoneName)} (
              {formatMoney(ended.hold.totalCents, ended.hold.currency)}).
            </>
          )}
        </p>
        <p>You can choose seats again.</p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" onClick={() => setEnded(null)} autoFocus>
            Choose again
          </button>
        </div>
      </Dialog>
    </>
  );
}
