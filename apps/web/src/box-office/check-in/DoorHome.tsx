import type { ReactNode } from 'react';
import { Navigate } from 'react-router';
import { useStaffSession } from '../session.tsx';

/** Door staff only scan: their home is the scanner; everyone else gets the dashboard page given. */
export function DoorHome({ children }: { children: ReactNode }) {
  const { me } = useStaffSession();
  if (me?.role === 'door') return <Navigate to="/box-office/scan" replace />;
  return <>{children}</>;
}
