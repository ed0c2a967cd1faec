import { formatMoney } from '@seatrush/shared';
import { Dialog } from '../components/Dialog.tsx';
import { holdItemsText, type SectionName } from './MyHolds.tsx';
import type { Ended } from './picker-state.ts';

/** Tells the buyer a reservation ended without them asking (it ran out, or another tab cancelled it). */
export function HoldEndedDialog({
  ended,
  zoneName,
  sectionName,
  onClose,
}: {
  ended: Ended | null;
  zoneName: (key: string) => string;
  sectionName?: SectionName;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={ended !== null}
      title={ended?.reason === 'released' ? 'Your reservation was cancelled' : 'Your reservation expired'}
      onClose={onClose}
      testId="hold-ended-dialog"
    >
      <p>
        {ended?.reason === 'released'
          ? 'This reservation was cancelled in another tab or window, and its seats are back on sale.'
          : 'The payment window ran out, so the seats were released for other buyers.'}
        {ended?.hold && (
          <>
            {' '}
            It held: {holdItemsText(ended.hold, zoneName, sectionName)} (
            {formatMoney(ended.hold.totalCents, ended.hold.currency)}
            ).
          </>
        )}
      </p>
      <p>You can choose seats again.</p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>
          Choose again
        </button>
      </div>
    </Dialog>
  );
}
