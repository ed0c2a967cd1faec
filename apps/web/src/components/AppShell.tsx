import { Suspense } from 'react';
import { NavLink, Outlet, ScrollRestoration } from 'react-router';
import { Loading } from './Status.tsx';
import { AnnouncerProvider } from './Announcer.tsx';

export function AppShell() {
  return (
    <AnnouncerProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <NavLink to="/" className="brand" aria-label="Seatrush home">
            <span className="brand-mark" aria-hidden="true">
              ◉
            </span>
            Seatrush
          </NavLink>
          <nav aria-label="Main">
            <ul className="nav-list">
              <li>
                <NavLink to="/" end>
                  Events
                </NavLink>
              </li>
              <li>
                <NavLink to="/orders">My orders</NavLink>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>Seatrush — tickets, seat by seat.</p>
      </footer>
      <ScrollRestoration />
    </AnnouncerProvider>
  );
}
