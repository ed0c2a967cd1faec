import { seatName, type SaleStateName } from '@seatrush/shared';
import { useCallback, useEffect, useMemo, useReducer, useRef, useSyncExternalStore } from 'react';
import { ApiError, messageFor, type PublicShowtime, type SeatMapDocument } from '../api/index.ts';
import { useAnnounce } from '../components/Announcer.tsx';
import { buildModel, describeSeat, type SeatMapModel } from '../seatmap/model.ts';
import { SeatStore } from '../seatmap/store.ts';
import type { Namers } from './hold-text.ts';
import { pickerCounts, type PickerCounts } from './live-counts.ts';
import { initialPickerState, pickerReducer, type PickerState } from './picker-state.ts';
import { limitText } from './SelectionPanel.tsx';
import { priceText, stateText, type PriceInfo } from './seat-text.ts';
import { useHoldActions, type HoldActions, type Say } from './useHoldActions.ts';
import { useLiveFeed, type PickerFeed } from './useLiveFeed.ts';
import { useMyHolds } from './useMyHolds.ts';

export interface PickerController extends HoldActions, PickerCounts, Namers {
  ui: PickerState;
  model: SeatMapModel;
  store: SeatStore;
  priceInfo: PriceInfo;
  saleState: SaleStateName;
  onSale: boolean;
  active: ReturnType<typeof useMyHolds>['active'];
  elsewhere: ReturnType<typeof useMyHolds>['elsewhere'];
  sectionName: (key: string) => string | undefined;
  /** A seat clicked on the map or in the list: select or deselect it, or say why not. */
  onSeat: (i: number) => void;
  focus: (seat: number | undefined) => void;
  dismissEnded: () => void;
  resync: () => void;
}

/**
 * The seat picker's behaviour over one reducer (picker-state.ts): the live store of seats, my holds, what the
 * buyer may still take, and the actions. Components render what it returns and call its actions.
 */
export function usePicker(
  showtime: PublicShowtime,
  doc: SeatMapDocument,
  feed: PickerFeed,
): PickerController {
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
  const say: Say = useCallback(
    (tone, text, about = {}) => {
      dispatch({ type: 'say', message: { tone, text, ...about } });
      announce(text, tone === 'error' || tone === 'warning' ? 'assertive' : 'polite');
    },
    [announce],
  );
  const focus = useCallback((seat: number | undefined) => dispatch({ type: 'focus', seat }), []);
  const releasing = useRef(new Set<string>());
  const resync = useLiveFeed({ store, feed, dispatch, releasing });
  const { active, elsewhere } = useMyHolds(store, ui.serverHolds);

  // "Stalls, row A, seat 3", as the map says it (issue 17: buyers never see seat codes).
  const namers = useMemo(() => {
    const sectionName = (key: string) => model.sections.find((x) => x.key === key)?.name;
    return {
      sectionName,
      seatText: (label: string) => seatName(label, sectionName),
      zoneName: (key: string) => showtime.gaZones.find((z) => z.key === key)?.name ?? key,
    };
  }, [model, showtime]);
  const actions = useHoldActions({ store, dispatch, say, resync, releasing, namers });

  const saleState = store.saleState ?? showtime.saleState;
  const onSale = saleState === 'on_sale';
  useAnnouncements({ store, model, ui, saleState, say });
  const counts = pickerCounts(store, showtime, onSale, { active, elsewhere });

  const onSeat = (i: number) => {
    const name = describeSeat(model, i);
    if (store.selected[i]) {
      store.toggleSelected(i);
      announce(`${name} removed from your selection.`);
      return;
    }
    if (!store.isSelectable(i)) return announce(`${name} is ${stateText(store, i)}.`);
    if (!priceInfo.prices.has(model.categories[model.cat[i]!]!.key))
      return say('info', `${name} is not on sale for this show.`);
    if (!onSale) {
      const why =
        saleState === 'paused'
          ? 'Sales are paused for a moment. Try again shortly.'
          : messageFor(new ApiError('sale_not_open', 409));
      return say('info', why, { whileSale: saleState });
    }
    if (counts.room <= 0) return say('warning', limitText(showtime.perBuyerLimit, counts.held, 0));
    store.toggleSelected(i);
    const n = store.selectedList().length;
    announce(
      `${name} selected. ${priceText(model, i, priceInfo)}. ${n} ${n === 1 ? 'seat' : 'seats'} selected.`,
    );
  };

  return {
    ...actions,
    ...counts,
    ...namers,
    ui,
    model,
    store,
    priceInfo,
    saleState,
    onSale,
    active,
    elsewhere,
    onSeat,
    focus,
    dismissEnded: () => dispatch({ type: 'dismiss-ended' }),
    resync,
  };
}

/** What screen readers hear besides the banners: seats taken from my selection, a hold ended, a sale resumed. */
function useAnnouncements({
  store,
  model,
  ui,
  saleState,
  say,
}: {
  store: SeatStore;
  model: SeatMapModel;
  ui: PickerState;
  saleState: SaleStateName;
  say: Say;
}) {
  const announce = useAnnounce();
  // A seat I was about to take went to someone else.
  useEffect(
    () =>
      store.onTaken((seats) => {
        const names = seats.map((i) => describeSeat(model, i)).join('; ');
        say(
          'warning',
          seats.length === 1
            ? `${names} was just taken by someone else and was removed from your selection.`
            : `${names} were just taken by someone else and were removed from your selection.`,
        );
      }),
    [store, model, say],
  );

  const { ended } = ui;
  useEffect(() => {
    if (ended)
      announce(
        ended.reason === 'expired'
          ? 'Your reservation expired and the seats were released.'
          : 'Your reservation has ended.',
        'assertive',
      );
  }, [ended, announce]);

  // Screen readers heard "paused"; tell them when it is over (the banner and message go by themselves).
  const lastSaleState = useRef(saleState);
  useEffect(() => {
    if (lastSaleState.current === 'paused' && saleState === 'on_sale')
      announce('Sales have resumed. You can choose seats again.');
    lastSaleState.current = saleState;
  }, [saleState, announce]);
}
