import { Link } from 'react-router';
import { useTitle } from '../lib/title.ts';

export function NotFoundPage() {
  useTitle('Page not found');
  return (
    <>
      <h1>Page not found</h1>
      <p>
        That page doesn't exist. <Link to="/">See what's on</Link>.
      </p>
    </>
  );
}
