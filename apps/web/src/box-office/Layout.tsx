import { Suspense } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useStaffSession } from './session.tsx';
import { Spinner } from './ui.tsx';

interface NavItem {
  to: string;
  label: string;
  end?: boolean;
  admin?: boolean;
  /** Shown to door staff (who see nothing else). */
  door?: boolean;
}

const NAV: NavItem[] = [
  { to: '/box-office', label: 'Showtimes', end: true },
  { to: '/box-office/orders', label: 'Orders' },
  { to: '/box-office/scan', label: 'Scan tickets', door: true },
  { to: '/box-office/dead-letters', label: 'Unwritten orders' },
  { to: '/box-office/catalog/venues', label: 'Venues', admin: true },
  { to: '/box-office/catalog/events', label: 'Events', admin: true },
  { to: '/box-office/catalog/showtimes', label: 'Schedule', admin: true },
  { to: '/box-office/audit', label: 'Audit log', admin: true },
  { to: '/box-office/staff', label: 'Staff', admin: true },
  { to: '/box-office/tokens', label: 'API tokens', admin: true },
  { to: '/box-office/webhooks', label: 'Webhooks', admin: true },
];

/** The dashboard frame: navigation (admin links only for admins), who is signed in, sign-out. */
export function Layout() {
  const { me, isAdmin, signOut } = useStaffSession();
  const navigate = useNavigate();
  return (
    <div className="bo-shell">
      <a className="bo-skip" href="#bo-main">
        Skip to content
      </a>
      <header className="bo-header">
        <NavLink to="/box-office" className="bo-brand" end>
          <span aria-hidden="true">◉</span> Seatrush <span className="bo-brand-sub">Box office</span>
        </NavLink>
        <nav aria-label="Box office">
          <ul className="bo-nav">
            {NAV.filter((n) => (me?.role === 'door' ? n.door : !n.admin || isAdmin)).map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} end={n.end ?? false}>
                  {n.label}
                </NavLink>
              </li>
            ))}
            {isAdmin && (
              <li>
                {/* A server page (bull-board), not a client route. */}
                <a href="/box-office/queues/">Queues</a>
              </li>
            )}
          </ul>
        </nav>
        <div className="bo-user">
          <span data-testid="signed-in-as">
            {me?.name} <span className="bo-muted">({me?.role.replace('_', ' ')})</span>
          </span>
          <button
            type="button"
            className="bo-btn bo-btn-quiet"
            onClick={() => {
              void signOut().then(() => navigate('/box-office/login'));
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="bo-main" className="bo-main" tabIndex={-1}>
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
