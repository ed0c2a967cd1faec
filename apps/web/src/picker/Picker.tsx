import { useMemo } from 'react';
import { features, type PublicShowtime, type SeatMapDocument } from '../api/index.ts';
import { EmailDialog } from '../components/EmailDialog.tsx';
import { VerifyEmailDialog } from '../components/VerifyEmailDialog.tsx';
import { subscribeStore } from '../realtime/index.ts';
import { BestAvailable } from './BestAvailable.tsx';
import { HoldEndedDialog } from './HoldEndedDialog.tsx';
import { ListPicker } from './ListPicker.tsx';
import { MyHolds } from './MyHolds.tsx';
import { PickerBanners } from './PickerBanners.tsx';
import { PickerMap } from './PickerMap.tsx';
import { SelectionPanel } from './SelectionPanel.tsx';
import type { PickerFeed } from './useLiveFeed.ts';
import { usePicker } from './usePicker.ts';
import { ZonePanel } from './ZonePanel.tsx';

/**
 * The seat picker of one showtime: banners, the map, my reservations, the selection, best available, GA zones,
 * the seat list and the dialogs, over `usePicker`. `feed` keeps the seats live (the socket, or a test's feed).
 */
export function Picker({
  showtime,
  doc,
  feed = subscribeStore,
}: {
  showtime: PublicShowtime;
  doc: SeatMapDocument;
  feed?: PickerFeed;
}) {
  const picker = usePicker(showtime, doc, feed);
  const { ui, model, store, priceInfo, onSale, gaRoom } = picker;
  const busy = ui.busy;
  // Best available: categories that have numbered seats on this map and a price for this showtime.
  const bestCategories = useMemo(() => {
    const seated = new Set<number>(model.cat);
    return showtime.categories.filter((c) => {
      const i = model.categoryIndex.get(c.key);
      return i !== undefined && seated.has(i);
    });
  }, [model, showtime]);

  return (
    <>
      <PickerBanners
        state={ui}
        saleState={picker.saleState}
        saleOpensAt={showtime.saleOpensAt}
        soldOut={picker.soldOut}
        onSaleOpens={picker.resync}
      />

      <div className="picker-layout">
        <PickerMap picker={picker} showtime={showtime} />

        <aside className="picker-side" aria-label="Your tickets">
          <MyHolds
            holds={picker.active}
            elsewhere={picker.elsewhere}
            busy={busy}
            onCancel={(h) => void picker.cancel(h)}
            zoneName={picker.zoneName}
            sectionName={picker.sectionName}
          />
          {model.count > 0 && (
            <SelectionPanel
              store={store}
              priceInfo={priceInfo}
              limit={showtime.perBuyerLimit}
              held={picker.held}
              room={picker.room}
              canHold={onSale}
              busy={busy}
              onHold={() => void picker.hold({ seats: store.selectedList().map((i) => model.labels[i]!) })}
              onFocusSeat={picker.focus}
            />
          )}
          {features.bestAvailable && bestCategories.length > 0 && (
            <BestAvailable
              categories={bestCategories}
              available={picker.perCategory}
              room={gaRoom}
              canHold={onSale}
              busy={busy}
              onHold={(category, quantity) => void picker.hold({ best: { category, quantity } })}
            />
          )}
          <ZonePanel
            showtime={showtime}
            zones={store.zones}
            room={gaRoom}
            canHold={onSale}
            busy={busy}
            onHold={(zone, quantity) => void picker.hold({ zone, quantity })}
          />
        </aside>
      </div>

      {model.count > 0 && (
        <section className="panel list-section" aria-labelledby="list-heading">
          <h2 id="list-heading" className="panel-title">
            Choose from a list
          </h2>
          <p className="hint">The same seats as the map, one row at a time.</p>
          <ListPicker store={store} priceInfo={priceInfo} onSeat={picker.onSeat} onFocusSeat={picker.focus} />
        </section>
      )}

      <EmailDialog
        open={ui.askingEmail !== null}
        onDone={(email) => picker.emailAnswered(ui.askingEmail, email)}
      />
      <VerifyEmailDialog
        open={ui.askingVerification !== null}
        reason="This sale is for buyers who have confirmed their e-mail address."
        onDone={(verified) => picker.verificationAnswered(ui.askingVerification, verified)}
      />
      <HoldEndedDialog
        ended={ui.ended}
        zoneName={picker.zoneName}
        sectionName={picker.sectionName}
        onClose={picker.dismissEnded}
      />
    </>
  );
}
