import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useStaffSession } from '../session.tsx';
import { ErrorNote, Field, useAction } from '../ui.tsx';

/** Only paths inside the box office are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/box-office') && !next.startsWith('//') ? next : '/box-office';
}

export function LoginPage() {
  const { state, signIn } = useStaffSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const next = safeNext(params.get('next'));
  const login = useAction(async () => {
    await signIn(email.trim(), password);
    void navigate(next, { replace: true });
  });

  if (state.status === 'signed_in') return <Navigate to={next} replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void login.run();
  };

  return (
    <main className="bo-login">
      <form className="bo-card bo-login-card" onSubmit={submit} aria-labelledby="bo-login-title">
        <p className="bo-brand">
          <span aria-hidden="true">◉</span> Seatrush <span className="bo-brand-sub">Box office</span>
        </p>
        <h1 id="bo-login-title">Staff sign-in</h1>
        <Field label="Email">
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label="Password">
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {login.error !== null && <ErrorNote error={login.error} />}
        <button type="submit" className="bo-btn bo-btn-primary" disabled={login.pending}>
          {login.pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
