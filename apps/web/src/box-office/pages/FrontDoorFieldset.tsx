import type { ShowtimeDto, ShowtimeUpdate } from '@seatrush/shared';
import { Field } from '../ui.tsx';

/**
 * The showtime form's front-door settings (issue 15, docs/waiting-room.md): the waiting room and its rate, cap and
 * shopping window; buyer verification; hold and queue-join limits per minute (empty: the configured default,
 * 0: none); the bot challenge. The server checks the limits and names the field in its answer.
 */
export interface FrontDoorForm {
  waitingRoom: boolean;
  admissionPerMinute: string;
  maxShoppers: string;
  shoppingWindowSeconds: string;
  requireVerifiedBuyers: boolean;
  holdLimitPerBuyer: string;
  holdLimitPerAddress: string;
  queueJoinLimitPerAddress: string;
  botChallenge: boolean;
}

const limitText = (v: number | null) => (v === null ? '' : String(v));
const limitValue = (v: string) => (v.trim() === '' ? null : Number(v));

export function frontDoorInitial(showtime: ShowtimeDto | null): FrontDoorForm {
  return {
    waitingRoom: showtime?.waitingRoom ?? false,
    admissionPerMinute: String(showtime?.admissionPerMinute ?? 600),
    maxShoppers: String(showtime?.maxShoppers ?? 2000),
    shoppingWindowSeconds: String(showtime?.shoppingWindowSeconds ?? 600),
    requireVerifiedBuyers: showtime?.requireVerifiedBuyers ?? false,
    holdLimitPerBuyer: limitText(showtime?.holdLimitPerBuyer ?? null),
    holdLimitPerAddress: limitText(showtime?.holdLimitPerAddress ?? null),
    queueJoinLimitPerAddress: limitText(showtime?.queueJoinLimitPerAddress ?? null),
    botChallenge: showtime?.botChallenge ?? false,
  };
}

type FrontDoorBody = Required<
  Pick<
    ShowtimeUpdate,
    | 'waitingRoom'
    | 'admissionPerMinute'
    | 'maxShoppers'
    | 'shoppingWindowSeconds'
    | 'requireVerifiedBuyers'
    | 'holdLimitPerBuyer'
    | 'holdLimitPerAddress'
    | 'queueJoinLimitPerAddress'
    | 'botChallenge'
  >
>;

export function frontDoorBody(f: FrontDoorForm): FrontDoorBody {
  return {
    waitingRoom: f.waitingRoom,
    admissionPerMinute: Number(f.admissionPerMinute),
    maxShoppers: Number(f.maxShoppers),
    shoppingWindowSeconds: Number(f.shoppingWindowSeconds),
    requireVerifiedBuyers: f.requireVerifiedBuyers,
    holdLimitPerBuyer: limitValue(f.holdLimitPerBuyer),
    holdLimitPerAddress: limitValue(f.holdLimitPerAddress),
    queueJoinLimitPerAddress: limitValue(f.queueJoinLimitPerAddress),
    botChallenge: f.botChallenge,
  };
}

export function FrontDoorFieldset({
  value: f,
  onChange,
}: {
  value: FrontDoorForm;
  onChange: (v: FrontDoorForm) => void;
}) {
  const set = <K extends keyof FrontDoorForm>(k: K, v: FrontDoorForm[K]) => onChange({ ...f, [k]: v });
  const limit = (
    k: 'holdLimitPerBuyer' | 'holdLimitPerAddress' | 'queueJoinLimitPerAddress',
    label: string,
  ) => (
    <Field label={label} hint="Per minute; empty: the default; 0: no limit">
      <input type="number" min={0} max={100000} value={f[k]} onChange={(e) => set(k, e.target.value)} />
    </Field>
  );
  return (
    <fieldset className="bo-front-door" data-testid="front-door">
      <legend>Front door</legend>
      <label className="bo-check">
        <input
          type="checkbox"
          checked={f.waitingRoom}
          onChange={(e) => set('waitingRoom', e.target.checked)}
        />{' '}
        Waiting room: buyers queue and are admitted in turn
      </label>
      {f.waitingRoom && (
        <div className="bo-row">
          <Field label="Admit per minute" hint="1 to 100,000">
            <input
              type="number"
              min={1}
              max={100000}
              required
              value={f.admissionPerMinute}
              onChange={(e) => set('admissionPerMinute', e.target.value)}
            />
          </Field>
          <Field label="Max shoppers at once" hint="1 to 1,000,000">
            <input
              type="number"
              min={1}
              max={1000000}
              required
              value={f.maxShoppers}
              onChange={(e) => set('maxShoppers', e.target.value)}
            />
          </Field>
          <Field label="Shopping window (seconds)" hint="Time to start holding once admitted: 60 s to 2 h">
            <input
              type="number"
              min={60}
              max={7200}
              required
              value={f.shoppingWindowSeconds}
              onChange={(e) => set('shoppingWindowSeconds', e.target.value)}
            />
          </Field>
        </div>
      )}
      <label className="bo-check">
        <input
          type="checkbox"
          checked={f.requireVerifiedBuyers}
          onChange={(e) => set('requireVerifiedBuyers', e.target.checked)}
        />{' '}
        Buyers must verify their e-mail before holding
      </label>
      <label className="bo-check">
        <input
          type="checkbox"
          checked={f.botChallenge}
          onChange={(e) => set('botChallenge', e.target.checked)}
        />{' '}
        Bot challenge on joining the waiting room
      </label>
      <div className="bo-row">
        {limit('holdLimitPerBuyer', 'Holds per buyer')}
        {limit('holdLimitPerAddress', 'Holds per address')}
        {limit('queueJoinLimitPerAddress', 'Queue joins per address')}
      </div>
    </fieldset>
  );
}
