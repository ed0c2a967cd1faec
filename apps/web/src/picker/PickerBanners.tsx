import type { SaleStateName } from '@seatrush/shared';
import { messageFor } from '../api/index.ts';
import { Countdown } from '../components/Countdown.tsx';
import { Notice } from '../components/Status.tsx';
import { formatDateTime } from '../lib/time.ts';
import type { PickerState } from './picker-state.ts';

/** The banners above the map: the live link, the sale's state, sold out, and the last thing the picker said. */
export function PickerBanners({
  state,
  saleState,
  saleOpensAt,
  soldOut,
  onSaleOpens,
}: {
  state: Pick<PickerState, 'connection' | 'feedError' | 'message'>;
  saleState: SaleStateName;
  saleOpensAt: string;
  soldOut: boolean;
  onSaleOpens: () => void;
}) {
  // A message about the sale's state is stale once the state has moved on (staff resumed the sale).
  const message =
    state.message && (!state.message.whileSale || state.message.whileSale === saleState)
      ? state.message
      : null;
  return (
    <div className="banners">
      {state.connection === 'reconnecting' && (
        <Notice tone="warning" live icon="reconnect" title="Reconnecting…" testId="banner-reconnecting">
          <p>The seat map will catch up by itself as soon as we're back.</p>
        </Notice>
      )}
      {state.feedError && (
        <Notice tone="error" live title="Live availability is unavailable">
          <p>{messageFor(state.feedError)}</p>
        </Notice>
      )}
      {saleState === 'scheduled' && (
        <Notice tone="info" icon="clock" title="Tickets are not on sale yet" testId="banner-scheduled">
          <p>
            Sale opens in{' '}
            <strong>
              <Countdown until={saleOpensAt} label="Sale opens" onDone={onSaleOpens} />
            </strong>{' '}
            ({formatDateTime(saleOpensAt)}). Have a look around the map meanwhile.
          </p>
        </Notice>
      )}
      {saleState === 'paused' && (
        <Notice tone="warning" live icon="pause" title="Sales are paused" testId="banner-paused">
          <p>
            Selling will resume shortly. Reservations you already have stay valid and you can still pay for
            them.
          </p>
        </Notice>
      )}
      {saleState === 'closed' && (
        <Notice tone="info" icon="stop" title="Sales have closed" testId="banner-closed">
          <p>Tickets for this show are no longer on sale here.</p>
        </Notice>
      )}
      {soldOut && (
        <Notice tone="warning" live icon="cross" title="Sold out" testId="banner-soldout">
          <p>
            Every ticket is sold or reserved. Reserved tickets come back when a payment window runs out — keep
            this page open to see them appear.
          </p>
        </Notice>
      )}
      {message && (
        <Notice tone={message.tone} live testId="picker-message">
          <p>{message.text}</p>
        </Notice>
      )}
    </div>
  );
}
