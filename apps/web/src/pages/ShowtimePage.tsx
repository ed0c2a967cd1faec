import { MAX_TICKETS_PER_HOLD, seatName } from '@seatrush/shared';
import { useCallback, useEffect, useMemo, useReducer, useRef, useSyncExternalStore } from 'react';
import { useQuery } from '@tanstack/react-query';
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
  type PublicShowtime,
  type SeatMapDocument,
  type StoredHold,
} from '../api/index.ts';
import { useAnnounce } from '../components/Announcer.tsx';
import { EmailDialog } from '../components/EmailDialog.tsx';
import { useVerifyEmail } from '../components/VerifyEmailDialog.tsx';
import type { NoticeTone } from '../components/Status.tsx';
import { BuyerQuery, combineQueries } from '../components/QueryState.tsx';
import { BestAvailable } from '../picker/BestAvailable.tsx';
import { Legend } from '../picker/Legend.tsx';
import { ListPicker } from '../picker/ListPicker.tsx';
import { HoldEndedDialog } from '../picker/HoldEndedDialog.tsx';
import { MyHolds } from '../picker/MyHolds.tsx';
import {
  initialPickerState,
  pickerReducer,
  type PendingHold,
  type PickerMessage,
} from '../picker/picker-state.ts';
import { PickerBanners } from '../picker/PickerBanners.tsx';
import { priceText, stateText, type PriceInfo } from '../picker/seat-text.ts';
import { SelectionPanel } from '../picker/SelectionPanel.tsx';
import { ZonePanel } from '../picker/ZonePanel.tsx';
import { limitText } from '../picker/SelectionPanel.tsx';
import { refreshSocketIdentity, subscribeStore, type ShowtimeSubscription } from '../realtime/index.ts';
import { accessibilityNote, buildModel, describeSeat } from '../seatmap/model.ts';
import { SeatMapView } from '../seatmap/SeatMapView.tsx';
import { FREE } from '../seatmap/states.ts';
import { SeatStore } from '../seatmap/store.ts';
import { useNow } from '../lib/hooks.ts';
import { queryKeys } from '../api/query.ts';
import { formatCountdownWords, formatDateTime, serverNow } from '../lib/time.ts';
import { useTitle } from '../lib/title.ts';

export function ShowtimePage() {
  const { id = '' } = useParams();
  const showtime = useQuery({
    queryKey: queryKeys.showtime(id),
    queryFn: ({ signal }) => getShowtime(id, signal),
  });
  const url = showtime.data?.seatMapUrl;
  // The document is immutable per layout version (its URL says which): fetched once, never compared.
  const doc = useQuery({
    queryKey: ['seat-map', url],
    queryFn: ({ signal }) => getSeatMap(url!, signal),
    enabled: url !== undefined,
    staleTime: Infinity,
    structuralSharing: false,
  });
  const both = combineQueries(showtime, doc);
  useTitle(showtime.data ? `${showtime.data.event.name} — choose seats` : 'Choose seats');
  return (
    <BuyerQuery query={both} label="Loading the seat map" errorTitle="We could not load this showtime">
      {([st, d]) => <Picker key={id} showtime={st} doc={d} />}
    </BuyerQuery>
  );
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

  const [ui, dispatch] = useReducer(pickerReducer, initialPickerState);
  const { serverHolds, ended, busy, focusSeat } = ui;
  const setFocusSeat = useCallback((seat: number | undefined) => dispatch({ type: 'focus', seat }), []);
  const verification = useVerifyEmail('This sale is for buyers who have confirmed their e-mail address.');
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
    (tone: NoticeTone, text: string, about: Pick<PickerMessage, 'holdId' | 'whileSale'> = {}) => {
      dispatch({ type: 'say', message: { tone, text, ...about } });
      announce(text, tone === 'error' || tone === 'warning' ? 'assertive' : 'polite');
    },
    [announce],
  );

  // Holds this tab is cancelling itself (their `released` fact needs no dialog).
  const releasing = useRef(new Set<string>());

  // The live feed.
  useEffect(() => {
    const s = subscribeStore(store, {
      onStatus: (st, err) => dispatch({ type: 'connection', status: st, error: err ?? null }),
      onMyHolds: (holds) => dispatch({ type: 'server-holds', holds }),
      onHoldEnded: (fact) => {
        const h = getHold(fact.holdId) ?? null;
        forgetHold(fact.holdId);
        // A release this tab asked for is already acknowledged by cancel(); only tell about the others.
        const own = fact.reason === 'released' && releasing.current.has(fact.holdId);
        dispatch({ type: 'hold-ended', holdId: fact.holdId, reason: fact.reason, hold: h, silent: own });
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
        const names = seats.map((i) => describeSeat(model, i)).join('; ');
        const text =
          seats.length === 1
            ? `${names} was just taken by someone else and was removed from your selection.`
            : `${names} were just taken by someone else and were removed from your selection.`;
        dispatch({ type: 'say', message: { tone: 'warning', text } });
        announce(text, 'assertive');
      }),
    [store, model, announce],
  );

  // The payment window ran out (checked here too: the server's expiry job is not the only guard). Read from
  // the hold storage on a timer, so the check is a subscription rather than state set by a render's effect.
  useEffect(() => {
    const check = () => {
      const t = serverNow();
      for (const h of Object.values(holdsSnapshot())) {
        if (h.showtimeId !== showtime.id || Date.parse(h.expiresAt) > t) continue;
        forgetHold(h.holdId);
        sub.current?.resync();
        dispatch({ type: 'hold-expired', hold: h });
      }
    };
    check();
    const timer = setInterval(check, 1000);
    return () => clearInterval(timer);
  }, [showtime.id]);

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
  // Screen readers heard "paused"; tell them when it is over (the banner and message go by themselves).
  const lastSaleState = useRef(saleState);
  useEffect(() => {
    if (lastSaleState.current === 'paused' && saleState === 'on_sale')
      announce('Sales have resumed. You can choose seats again.');
    lastSaleState.current = saleState;
  }, [saleState, announce]);
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
        { whileSale: saleState },
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

  /** `what` names what was held in the confirmation (from the answer when the server chose the seats). */
  const hold = async (body: HoldRequest, what: PendingHold['what']): Promise<void> => {
    dispatch({ type: 'say', message: null });
    // Without a known e-mail the hold waits in the picker's state until the e-mail dialog answers (onEmail).
    if (!getStoredEmail()) {
      dispatch({ type: 'ask-email', pending: { body, what } });
      return;
    }
    const bodyKey = JSON.stringify(body);
    const key = retryKey.current?.body === bodyKey ? retryKey.current.key : newIdempotencyKey();
    retryKey.current = { body: bodyKey, key };
    dispatch({ type: 'busy', busy: true });
    try {
      const h = await createHold(showtime.id, body, key);
      retryKey.current = null;
      saveHold(h);
      if ('seats' in body) store.clearSelection();
      say(
        'success',
        `${typeof what === 'string' ? what : what(h)} held for you. Pay within ${formatCountdownWords(Date.parse(h.expiresAt) - serverNow())}.`,
        { holdId: h.holdId },
      );
      // Seats the server picked: show where they are (they are drawn as mine once the hold is saved).
      if (body.best) {
        const first = h.items.find((it) => it.kind === 'seat');
        if (first?.kind === 'seat') setFocusSeat(model.byLabel.get(first.seat));
      }
      sub.current?.resync();
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'network') retryKey.current = null;
      if (err instanceof ApiError && err.code === 'verification_required' && (await verification.ask()))
        return hold(body, what);
      // A sale with a waiting room: take the buyer to the line (docs/waiting-room.md).
      if (err instanceof ApiError && err.code.startsWith('admission_'))
        return void window.location.assign(`/showtimes/${encodeURIComponent(showtime.id)}/queue`);
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
      dispatch({ type: 'busy', busy: false });
    }
  };

  const onEmail = (email: string | null) => {
    const pending = ui.askingEmail;
    dispatch({ type: 'email-answered' });
    if (email === null || !pending) return;
    refreshSocketIdentity();
    void hold(pending.body, pending.what);
  };

  const holdSelected = () => {
    const seats = store.selectedList().map((i) => model.labels[i]!);
    void hold({ seats }, seats.length === 1 ? seatText(seats[0]!) : `${seats.length} seats`);
  };

  const cancel = async (h: StoredHold) => {
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
  // "Stalls, row A, seat 3", as the map says it (issue 17: buyers never see seat codes).
  const sectionName = (key: string) => model.sections.find((x) => x.key === key)?.name;
  const seatText = (label: string) => seatName(label, sectionName);
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

      <PickerBanners
        state={ui}
        saleState={saleState}
        saleOpensAt={showtime.saleOpensAt}
        soldOut={soldOut}
        onSaleOpens={() => sub.current?.resync()}
      />

      <div className="picker-layout">
        <section className="picker-map" aria-labelledby="map-heading">
          <h2 id="map-heading" className="section-title">
            {model.count > 0 ? 'Seat map' : 'Venue map'}
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
                label={`${model.count > 0 ? 'Seat map' : 'Map'} of ${showtime.venue.name}`}
                hasSeatList={model.count > 0}
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
            sectionName={sectionName}
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
                  return seats.map(seatText).join('; ');
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

      <EmailDialog open={ui.askingEmail !== null} onDone={onEmail} />
      <HoldEndedDialog
        ended={ended}
        zoneName={zoneName}
        sectionName={sectionName}
        onClose={() => dispatch({ type: 'dismiss-ended' })}
      />
    </>
  );
}
