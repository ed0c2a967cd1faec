import type { PublicShowtime } from '../api/index.ts';
import { accessibilityNote, describeSeat } from '../seatmap/model.ts';
import { SeatMapView } from '../seatmap/SeatMapView.tsx';
import { Legend } from './Legend.tsx';
import { priceText, stateText } from './seat-text.ts';
import type { PickerController } from './usePicker.ts';

/** The map with its tooltip, the "connecting" overlay until live availability arrives, and the legend. */
export function PickerMap({ picker, showtime }: { picker: PickerController; showtime: PublicShowtime }) {
  const { model, store, priceInfo } = picker;
  const hasMap = model.count > 0 || model.zones.some((z) => z.rect);

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

  return (
    <section className="picker-map" aria-labelledby="map-heading">
      <h2 id="map-heading" className="section-title">
        {model.count > 0 ? 'Seat map' : 'Venue map'}
      </h2>
      {hasMap && (
        <div className="map-frame">
          <SeatMapView
            store={store}
            onSeat={picker.onSeat}
            onZone={onZone}
            focusSeat={picker.ui.focusSeat}
            tooltip={tooltip}
            describe={(i) =>
              `${describeSeat(model, i)}, ${priceText(model, i, priceInfo)}, ${stateText(store, i)}`
            }
            label={`${model.count > 0 ? 'Seat map' : 'Map'} of ${showtime.venue.name}`}
            hasSeatList={model.count > 0}
          />
          {!picker.known && (
            <div className="map-overlay" role="status">
              <span className="spinner" aria-hidden="true" /> Connecting to live availability…
            </div>
          )}
        </div>
      )}
      <Legend showtime={showtime} available={picker.perCategory} hasSeats={model.count > 0} />
    </section>
  );
}
