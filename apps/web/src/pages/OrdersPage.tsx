import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { orderCodeSchema } from '@seatrush/shared';
import { getStoredEmail, recentOrders } from '../api/index.ts';
import { useTitle } from '../lib/title.ts';

export function OrdersPage() {
  useTitle('My orders');
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const [email, setEmail] = useState(getStoredEmail() ?? '');
  const [error, setError] = useState<string | null>(null);
  const codeId = useId();
  const emailId = useId();
  const recent = recentOrders();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = orderCodeSchema.safeParse(code);
    if (!parsed.success) {
      setError('That is not an order code. It looks like K7Q2-9XPM (on your confirmation email).');
      return;
    }
    void navigate(`/orders/${encodeURIComponent(parsed.data)}`, { state: { email: email.trim() || null } });
  };

  return (
    <>
      <h1>My orders</h1>
      <div className="orders-layout">
        <section className="panel" aria-labelledby="find-heading">
          <h2 id="find-heading" className="panel-title">
            Find an order
          </h2>
          <form onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor={codeId} className="field-label">
                Order code
              </label>
              <input
                id={codeId}
                value={code}
                onChange={(e) => setCode(e.target.value)}
                placeholder="K7Q2-9XPM"
                autoCapitalize="characters"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? 'code-error' : undefined}
                required
              />
            </div>
            <div className="field">
              <label htmlFor={emailId} className="field-label">
                Email used for the order
              </label>
              <input
                id={emailId}
                type="email"
                autoComplete="email"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </div>
            {error && (
              <p id="code-error" className="field-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="btn btn-primary">
              Show order
            </button>
          </form>
        </section>
        {recent.length > 0 && (
          <section className="panel" aria-labelledby="recent-heading">
            <h2 id="recent-heading" className="panel-title">
              On this device
            </h2>
            <ul className="link-list">
              {recent.map((c) => (
                <li key={c}>
                  <Link to={`/orders/${encodeURIComponent(c)}`}>{c}</Link>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </>
  );
}
