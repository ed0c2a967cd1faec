import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { StaffMe } from '@seatrush/shared';
import { ApiError } from '../api/index.ts';
import { queryKeys } from '../api/query.ts';
import { staffApi } from './api.ts';
import { ErrorNote, Spinner } from './ui.tsx';

type SessionState =
  | { status: 'loading' }
  | { status: 'signed_out' }
  | { status: 'error'; error: unknown }
  | { status: 'signed_in'; me: StaffMe };

export interface StaffSession {
  state: SessionState;
  me: StaffMe | null;
  isAdmin: boolean;
  signIn: (email: string, password: string) => Promise<StaffMe>;
  signOut: () => Promise<void>;
  /** Re-reads who is signed in (after an `unauthenticated` answer, or an edit of one's own account). */
  refresh: () => void;
}

const SessionContext = createContext<StaffSession | null>(null);

/** Who is signed in to the box office: the `sr_staff` session cookie, as `GET /api/staff/me` sees it. */
export function StaffSessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.staff.me,
    queryFn: async ({ signal }): Promise<StaffMe | null> => {
      try {
        return await staffApi.me(signal);
      } catch (error) {
        // Not signed in (or no longer staff) is an answer, not a failure.
        if (error instanceof ApiError && (error.code === 'unauthenticated' || error.code === 'forbidden'))
          return null;
        throw error;
      }
    },
    staleTime: Infinity,
  });

  const { data, error, isPending } = query;
  const state = useMemo<SessionState>(
    () =>
      isPending
        ? { status: 'loading' }
        : data
          ? { status: 'signed_in', me: data }
          : error
            ? { status: 'error', error }
            : { status: 'signed_out' },
    [data, error, isPending],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      const { staff } = await staffApi.login(email, password);
      queryClient.setQueryData(queryKeys.staff.me, staff);
      return staff;
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await staffApi.logout();
    } finally {
      queryClient.setQueryData(queryKeys.staff.me, null);
      // Nothing the last person saw stays in the cache for the next one (the session query itself stays
      // observed, now saying "signed out").
      queryClient.removeQueries({ queryKey: queryKeys.staff.all, predicate: (q) => q.queryKey[1] !== 'me' });
    }
  }, [queryClient]);

  const { refetch } = query;
  const refresh = useCallback(() => void refetch(), [refetch]);

  const value = useMemo<StaffSession>(() => {
    const me = state.status === 'signed_in' ? state.me : null;
    return { state, me, isAdmin: me?.role === 'admin', signIn, signOut, refresh };
  }, [state, signIn, signOut, refresh]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useStaffSession(): StaffSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useStaffSession outside StaffSessionProvider');
  return s;
}

/** The signed-in staff member; only call below <RequireStaff>. */
export function useMe(): StaffMe {
  const { me } = useStaffSession();
  if (!me) throw new Error('useMe outside RequireStaff');
  return me;
}

/** Renders its children for signed-in staff; sends everyone else to the sign-in page (and back afterwards). */
export function RequireStaff({ children }: { children: ReactNode }) {
  const { state, refresh } = useStaffSession();
  const location = useLocation();
  if (state.status === 'loading') return <Spinner label="Checking your sign-in" />;
  if (state.status === 'error')
    return (
      <main className="bo-main">
        <ErrorNote error={state.error} title="The box office could not start" retry={refresh} />
      </main>
    );
  if (state.status === 'signed_out') {
    const next = location.pathname + location.search;
    return <Navigate to={`/box-office/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** Admin pages: a box-office agent sees why they can't go further (the API refuses them too). */
export function AdminOnly({ children }: { children: ReactNode }) {
  const { isAdmin, me } = useStaffSession();
  if (isAdmin) return <>{children}</>;
  return (
    <section className="bo-note bo-note-warn" data-testid="admin-only">
      <h1>Admins only</h1>
      <p>
        This page needs the <strong>admin</strong> role. You are signed in as {me?.email} with the{' '}
        <strong>{me?.role.replace('_', ' ')}</strong> role, which can sell, refund and block seats, but not
        manage the catalog, staff accounts, API tokens or the audit log.
      </p>
    </section>
  );
}
