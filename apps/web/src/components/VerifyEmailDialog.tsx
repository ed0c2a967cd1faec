import { VERIFICATION_CODE_LENGTH } from '@seatrush/shared';
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, messageFor } from '../api/errors.ts';
import { getBuyerSession, sendVerificationCode, verifyEmailCode } from '../api/verification.ts';
import { refreshSocketIdentity } from '../realtime/index.ts';
import { Dialog } from './Dialog.tsx';

/**
 * Asks the buyer to prove their e-mail: sends a one-time code there, then takes the code. On success the server
 * re-issues the session cookie as verified and the live connection reconnects with it. Used when a showtime
 * requires verified buyers (a hold answered `verification_required`) and to see every order of the e-mail.
 */
export function VerifyEmailDialog({
  open,
  reason,
  onDone,
}: {
  open: boolean;
  /** Why we ask, in a sentence. */
  reason: string;
  onDone: (verified: boolean) => void;
}) {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const close = (verified: boolean) => {
    setSentTo(null);
    setCode('');
    setError(null);
    onDone(verified);
  };

  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      const sent = await sendVerificationCode();
      setSentTo(sent.email);
    } catch (err) {
      // A code sent a moment ago still works: let the buyer type it.
      if (err instanceof ApiError && err.code === 'rate_limited') setSentTo((s) => s ?? 'your e-mail');
      setError(messageFor(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await verifyEmailCode(code.trim());
      refreshSocketIdentity();
      close(true);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed')
        setError(`Enter the ${VERIFICATION_CODE_LENGTH}-digit code from the e-mail.`);
      else setError(messageFor(err));
      if (
        err instanceof ApiError &&
        ['verification_code_expired', 'verification_attempts_exceeded'].includes(err.code)
      )
        setCode('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} title="Confirm your e-mail" onClose={() => close(false)} testId="verify-email-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <p>{reason}</p>
        {sentTo ? (
          <>
            <p role="status">
              We sent a {VERIFICATION_CODE_LENGTH}-digit code to <strong>{sentTo}</strong>.
            </p>
            <label className="field">
              <span className="field-label">Code</span>
              <input
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]*"
                maxLength={VERIFICATION_CODE_LENGTH}
                required
                value={code}
                onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? 'verify-error' : undefined}
                autoFocus
              />
            </label>
          </>
        ) : null}
        {error && (
          <p id="verify-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={() => close(false)}>
            Cancel
          </button>
          {sentTo ? (
            <>
              <button type="button" className="btn" onClick={() => void send()} disabled={busy}>
                Send a new code
              </button>
              <button
                type="submit"
                className="btn btn-primary"
                disabled={busy || code.trim().length !== VERIFICATION_CODE_LENGTH}
              >
                {busy ? 'Checking…' : 'Confirm'}
              </button>
            </>
          ) : (
            <button type="button" className="btn btn-primary" onClick={() => void send()} disabled={busy}>
              {busy ? 'Sending…' : 'Send me a code'}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}

/**
 * The dialog as a promise: `ask()` opens it and resolves with whether the e-mail was proved; render `dialog`
 * once in the page.
 */
export function useVerifyEmail(reason: string): { ask: () => Promise<boolean>; dialog: ReactNode } {
  const [open, setOpen] = useState(false);
  const pending = useRef<((verified: boolean) => void) | null>(null);
  const ask = useCallback(
    () =>
      new Promise<boolean>((resolve) => {
        pending.current = resolve;
        setOpen(true);
      }),
    [],
  );
  const dialog = (
    <VerifyEmailDialog
      open={open}
      reason={reason}
      onDone={(verified) => {
        setOpen(false);
        pending.current?.(verified);
        pending.current = null;
      }}
    />
  );
  return { ask, dialog };
}

/**
 * On "my orders": the list shows orders made in this browser; proving the e-mail shows every order of it. Shows
 * nothing once the session is verified (or without a session).
 */
export function SeeAllOrdersOfEmail({ onVerified }: { onVerified: () => void }) {
  const [verified, setVerified] = useState<boolean | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    getBuyerSession(ac.signal).then(
      (s) => setVerified(s.verified),
      () => setVerified(null),
    );
    return () => ac.abort();
  }, []);
  const { ask, dialog } = useVerifyEmail(
    'To list every order of your e-mail address — also those made on other devices — confirm that it is yours.',
  );
  if (verified !== false) return null;
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost"
        data-testid="see-all-orders"
        onClick={() =>
          void ask().then((ok) => {
            if (!ok) return;
            setVerified(true);
            onVerified();
          })
        }
      >
        See all orders of my e-mail
      </button>
      {dialog}
    </>
  );
}
