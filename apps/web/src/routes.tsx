import { lazy, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { AppShell } from './components/AppShell.tsx';
import { Loading } from './components/Status.tsx';
import { EventPage } from './pages/EventPage.tsx';
import { EventsPage } from './pages/EventsPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';

/**
 * Route-level chunks: the event list loads no seat-map or socket code; the event page prefetches the picker. Staff and the bench page never share a bundle with buyers.
 */
const ShowtimePage = lazy(() =>
  import('./pages/ShowtimePage.tsx').then((m) => ({ default: m.ShowtimePage })),
);
const WaitingRoomPage = lazy(() =>
  import('./pages/WaitingRoomPage.tsx').then((m) => ({ default: m.WaitingRoomPage })),
);
const CheckoutPage = lazy(() =>
  import('./pages/CheckoutPage.tsx').then((m) => ({ default: m.CheckoutPage })),
);
const OrdersPage = lazy(() => import('./pages/OrdersPage.tsx').then((m) => ({ default: m.OrdersPage })));
const OrderPage = lazy(() => import('./pages/OrderPage.tsx').then((m) => ({ default: m.OrderPage })));
const BoxOfficeApp = lazy(() => import('./box-office/BoxOfficeApp.tsx'));
const BenchSeatMap = lazy(() => import('./bench/BenchSeatMap.tsx'));

export const router = createBrowserRouter([
  {
    path: '/',
    element: <AppShell />,
    children: [
      { index: true, element: <EventsPage /> },
      { path: 'events/:slug', element: <EventPage /> },
      { path: 'showtimes/:id', element: <ShowtimePage /> },
      { path: 'showtimes/:id/queue', element: <WaitingRoomPage /> },
      { path: 'checkout/:holdId', element: <CheckoutPage /> },
      { path: 'orders', element: <OrdersPage /> },
      { path: 'orders/:code', element: <OrderPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
  {
    path: '/box-office/*',
    element: (
      <Suspense fallback={<Loading label="Loading the box office" />}>
        <BoxOfficeApp />
      </Suspense>
    ),
  },
  {
    path: '/__bench/seatmap',
    element: (
      <Suspense fallback={null}>
        <BenchSeatMap />
      </Suspense>
    ),
  },
]);
