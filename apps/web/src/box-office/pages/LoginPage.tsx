import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { loginSchema, type LoginRequest } from '@seatrush/shared';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api/index.ts';
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
  const form = useForm<LoginRequest>({
    resolver: zodResolver(loginSchema),
    defaultValues: { email: '', password: '' },
  });
  const { errors } = form.formState;
  const next = safeNext(params.get('next'));
  const login = useAction(async ({ email, password }: LoginRequest) => {
    await signIn(email.trim(), password);
    void navigate(next, { replace: true });
  });

  if (state.status === 'signed_in') return <Navigate to={next} replace />;

  const submit = form.handleSubmit((values) => login.run(values));

  return (
    <main className="bo-login">
      <form
        className="bo-card bo-login-card"
        onSubmit={(e) => void submit(e)}
        aria-labelledby="bo-login-title"
        noValidate
      >
        <p className="bo-brand">
          <span aria-hidden="true">◉</span> Seatrush <span className="bo-brand-sub">Box office</span>
        </p>
        <h1 id="bo-login-title">Staff sign-in</h1>
        <Field label="Email" error={errors.email?.message}>
          <input
            type="email"
            autoComplete="username"
            required
            aria-invalid={errors.email ? true : undefined}
            {...form.register('email', { setValueAs: (v: string) => v.trim() })}
          />
        </Field>
        <Field label="Password" error={errors.password?.message}>
          <input
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={errors.password ? true : undefined}
            {...form.register('password')}
          />
        </Field>
        {login.error instanceof ApiError && login.error.code === 'unauthenticated' ? (
          // Here `unauthenticated` can only mean the credentials: not "Please sign in first / Sign in again".
          <div className="bo-note bo-note-error" role="alert" data-testid="error-note">
            <p>Email or password is incorrect.</p>
          </div>
        ) : (
          login.error !== null && <ErrorNote error={login.error} />
        )}
        <button type="submit" className="bo-btn bo-btn-primary" disabled={login.pending}>
          {login.pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
