import { useState, type FormEvent } from 'react';
import { ApiError, messageFor, startBuyerSession } from '../api/index.ts';
import { Dialog } from './Dialog.tsx';

/**
 * Asks once for the buyer's email and starts the guest session (the server sets the `sr_buyer` cookie).
 * The email is remembered on this device.
 */
export function EmailDialog({ open, onDone }: { open: boolean; onDone: (email: string | null) => void }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await startBuyerSession(email.trim());
      onDone(email.trim());
    } catch (err) {
      setError(
        err instanceof ApiError && err.code === 'validation_failed'
          ? 'Enter a valid email address.'
          : messageFor(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} title="Your email" onClose={() => onDone(null)} testId="email-dialog">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <p>
          We hold seats for you under your email; your tickets go there too. We ask only once on this device.
        </p>
        <label className="field">
          <span className="field-label">Email address</span>
          <input
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'email-error' : undefined}
            autoFocus
          />
        </label>
        {error && (
          <p id="email-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-ghost" onClick={() => onDone(null)}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !email.trim()}>
            {busy ? 'Saving…' : 'Continue'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
