import { lazy, type ReactNode } from 'react';
import { Route, Routes } from 'react-router';
import { Layout } from './Layout.tsx';
import { AdminOnly, RequireStaff, StaffSessionProvider } from './session.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { OrdersPage } from './pages/OrdersPage.tsx';
import { OrderDetailPage } from './pages/OrderDetailPage.tsx';
import { DoorHome } from './check-in/DoorHome.tsx';
import './box-office.css';

// The live page carries the seat map and the chart library; the admin pages are rarely opened.
const LiveShowtimePage = lazy(() => import('./pages/LiveShowtimePage.tsx'));
const VenuesPage = lazy(() => import('./pages/VenuesPage.tsx'));
const EventsPage = lazy(() => import('./pages/EventsPage.tsx'));
const ShowtimesPage = lazy(() => import('./pages/ShowtimesPage.tsx'));
const ShowtimeFormPage = lazy(() => import('./pages/ShowtimeFormPage.tsx'));
const AuditPage = lazy(() => import('./pages/AuditPage.tsx'));
const StaffUsersPage = lazy(() => import('./pages/StaffUsersPage.tsx'));
const TokensPage = lazy(() => import('./pages/TokensPage.tsx'));
const WebhooksPage = lazy(() => import('./pages/WebhooksPage.tsx'));
const DeadLettersPage = lazy(() => import('./pages/DeadLettersPage.tsx'));
const ScanPage = lazy(() => import('./check-in/ScanPage.tsx'));

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>There is no box-office page at this address.</p>
    </section>
  );
}

function QueueBoardLink() {
  return (
    <section>
      <h1>Queues</h1>
      <p>
        <a href="/box-office/queues/">Open the queue dashboard</a>
      </p>
    </section>
  );
}

const admin = (el: ReactNode) => <AdminOnly>{el}</AdminOnly>;

/**
 * The box-office dashboard, mounted by the app router under `/box-office/*` (lazy: buyers never load it).
 * Everything but the sign-in page needs a staff session; admin pages say so to box-office agents.
 */
export function BoxOfficeApp() {
  return (
    <StaffSessionProvider>
      <div className="bo">
        <Routes>
          <Route path="login" element={<LoginPage />} />
          <Route
            element={
              <RequireStaff>
                <Layout />
              </RequireStaff>
            }
          >
            <Route
              index
              element={
                <DoorHome>
                  <HomePage />
                </DoorHome>
              }
            />
            <Route path="scan" element={<ScanPage />} />
            <Route path="showtimes/:id" element={<LiveShowtimePage />} />
            <Route path="orders" element={<OrdersPage />} />
            <Route path="orders/:code" element={<OrderDetailPage />} />
            <Route path="dead-letters" element={<DeadLettersPage />} />
            <Route path="catalog/venues" element={admin(<VenuesPage />)} />
            <Route path="catalog/events" element={admin(<EventsPage />)} />
            <Route path="catalog/showtimes" element={admin(<ShowtimesPage />)} />
            <Route path="catalog/showtimes/new" element={admin(<ShowtimeFormPage />)} />
            <Route path="catalog/showtimes/:id/edit" element={admin(<ShowtimeFormPage />)} />
            <Route path="audit" element={admin(<AuditPage />)} />
            <Route path="staff" element={admin(<StaffUsersPage />)} />
            <Route path="tokens" element={admin(<TokensPage />)} />
            <Route path="webhooks" element={admin(<WebhooksPage />)} />
            {/* The server serves bull-board here to admins; others get this route's "Admins only" page. */}
            <Route path="queues/*" element={admin(<QueueBoardLink />)} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </div>
    </StaffSessionProvider>
  );
}

export default BoxOfficeApp;
